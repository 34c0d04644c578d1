// Acknowledged revisions: what each device confirmed it applied, and the
// version it said hello with, kept in memory and written to device_sync in
// batches every few seconds.

package fleet

import (
	"cmp"
	"context"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"time"

	"mypos/db"
)

// Acknowledged revisions live in memory, in the sessions, and are written
// to device_sync in batches — every ackEvery and at close, only the devices
// whose revision or version changed, in one transaction — so a fleet of
// tills acking every push, or reconnecting all at once, costs the database
// one write every few seconds, not one per ack or hello. What a batch had not written yet is lost if the process dies: the
// table is for people (the cabinet), the tills hold their own revision.
const ackEvery = 5 * time.Second

// deviceSync is a row of device_sync: the revision a device last
// acknowledged, or said it holds when it connected, and the version it
// said hello with ("" in a batch: keep the stored one).
type deviceSync struct {
	DeviceID  string    `gorm:"column:device_id;primaryKey"`
	CompanyID string    `gorm:"column:company_id"`
	AckedRev  int64     `gorm:"column:acked_rev"`
	AckedAt   time.Time `gorm:"column:acked_at"`
	Agent     string    `gorm:"column:agent"`
}

// TableName tells gorm the table.
func (deviceSync) TableName() string { return "device_sync" }

// same reports whether two rows say the same but for when.
func (r deviceSync) same(o deviceSync) bool {
	return r.CompanyID == o.CompanyID && r.AckedRev == o.AckedRev && r.Agent == o.Agent
}

// acks collects the revisions acknowledged since the last batch.
type acks struct {
	db  *db.DB
	log *slog.Logger

	mu    sync.Mutex
	dirty map[string]deviceSync // by device
	// kept is what this node last handed a batch for each device: a till
	// reconnecting at the revision and with the version already written —
	// a broker restart's storm of them — is not written again. Another
	// node may have written the device's row since; the till then comes
	// with a newer revision, or a newer version, and is written.
	kept map[string]deviceSync
}

func newAcks(database *db.DB, log *slog.Logger) *acks {
	return &acks{db: database, log: log, dirty: make(map[string]deviceSync), kept: make(map[string]deviceSync)}
}

// note records where a device's session stands now, and its version; a
// session opened before its hello knows none and keeps the one known.
func (a *acks) note(s *session, rev int64) {
	row := deviceSync{DeviceID: s.deviceID, CompanyID: s.companyID, AckedRev: rev, AckedAt: a.db.Now(), Agent: s.agent}
	a.mu.Lock()
	defer a.mu.Unlock()
	pending, dirty := a.dirty[s.deviceID]
	kept, written := a.kept[s.deviceID]
	if row.Agent == "" {
		row.Agent = cmp.Or(pending.Agent, kept.Agent)
	}
	if !dirty && written && kept.same(row) {
		return
	}
	a.dirty[s.deviceID] = row
}

// run writes a batch every ackEvery until ctx ends, then the last one.
func (a *acks) run(ctx context.Context) {
	t := time.NewTicker(ackEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			a.flush(context.WithoutCancel(ctx))
			return
		case <-t.C:
			a.flush(ctx)
		}
	}
}

// flush writes what changed since the last batch in one transaction. A
// failed batch is retried with the next, but for the devices that
// acknowledged again meanwhile.
func (a *acks) flush(ctx context.Context) {
	a.mu.Lock()
	batch := a.dirty
	a.dirty = make(map[string]deviceSync)
	for id, row := range batch {
		a.kept[id] = row // a note made while it is written compares with it
	}
	a.mu.Unlock()
	if len(batch) == 0 {
		return
	}
	if err := a.write(ctx, batch); err != nil {
		a.log.Error("write acknowledged revisions", "devices", len(batch), "error", err)
		a.mu.Lock()
		for id, row := range batch {
			if _, newer := a.dirty[id]; !newer {
				a.dirty[id] = row
			}
		}
		a.mu.Unlock()
	}
}

func (a *acks) write(ctx context.Context, batch map[string]deviceSync) error {
	rows := make([]deviceSync, 0, len(batch))
	for _, row := range batch {
		rows = append(rows, row)
	}
	// In key order, so two nodes writing the same devices lock their rows
	// in the same order and cannot deadlock.
	slices.SortFunc(rows, func(x, y deviceSync) int { return strings.Compare(x.DeviceID, y.DeviceID) })
	return a.db.InTx(ctx, func(ctx context.Context) error {
		return a.db.InsertRows(ctx, `INSERT INTO device_sync (device_id, company_id, acked_rev, acked_at, agent)`,
			`ON CONFLICT (device_id) DO UPDATE SET company_id = excluded.company_id,
				acked_rev = excluded.acked_rev, acked_at = excluded.acked_at,
				agent = CASE WHEN excluded.agent = '' THEN device_sync.agent ELSE excluded.agent END`,
			5, len(rows), func(i int, v []any) []any {
				r := rows[i]
				return append(v, r.DeviceID, r.CompanyID, r.AckedRev, r.AckedAt, r.Agent)
			})
	})
}

// load reads the stored rows of devices, overlaid with what this node has
// not written yet.
func (a *acks) load(ctx context.Context, ids []string) (map[string]deviceSync, error) {
	out := make(map[string]deviceSync, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	var rows []deviceSync
	if err := a.db.Conn(ctx).Where("device_id IN ?", ids).Find(&rows).Error; err != nil {
		return nil, err
	}
	for _, r := range rows {
		out[r.DeviceID] = r
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	for _, id := range ids {
		if r, ok := a.dirty[id]; ok {
			r.Agent = cmp.Or(r.Agent, out[id].Agent)
			out[id] = r
		}
	}
	return out, nil
}

// SyncState is how far a device's copy of its company's data has come.
type SyncState struct {
	// Rev is the revision the device last acknowledged.
	Rev     int64
	AckedAt time.Time
	// Head is its company's latest revision.
	Head int64
	// Agent is the version the device last said hello with, "" if none.
	Agent string
}

// Behind is how many of its company's revisions the device has not
// acknowledged — some may be ones it cannot see, which an idle advance
// moves it past within a minute.
func (s SyncState) Behind() int64 { return max(0, s.Head-s.Rev) }

// SyncStates returns where each device stands in its company's log, as
// this node knows it or the nodes' last batches wrote it. A device that
// never connected is absent from the map. For any caller that may see the
// devices; it returns only database errors.
func (f *Fleet) SyncStates(ctx context.Context, ids []string) (map[string]SyncState, error) {
	rows, err := f.acks.load(ctx, ids)
	if err != nil {
		return nil, err
	}
	var companies []string
	for _, r := range rows {
		companies = append(companies, r.CompanyID)
	}
	slices.Sort(companies)
	heads, err := f.changes.Heads(ctx, slices.Compact(companies))
	if err != nil {
		return nil, err
	}
	out := make(map[string]SyncState, len(rows))
	for id, r := range rows {
		out[id] = SyncState{Rev: r.AckedRev, AckedAt: r.AckedAt, Head: heads[r.CompanyID], Agent: r.Agent}
	}
	return out, nil
}
