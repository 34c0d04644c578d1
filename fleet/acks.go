// Acknowledged revisions: what each device confirmed it applied, kept in
// memory and written to device_sync in batches every few seconds.

package fleet

import (
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
// whose revision changed, in one transaction — so a fleet of tills acking
// every push costs the database one write every few seconds, not one per
// ack. What a batch had not written yet is lost if the process dies: the
// table is for people (the cabinet), the tills hold their own revision.
const ackEvery = 5 * time.Second

// deviceSync is a row of device_sync: the revision a device last
// acknowledged, or said it holds when it connected.
type deviceSync struct {
	DeviceID  string    `gorm:"column:device_id;primaryKey"`
	CompanyID string    `gorm:"column:company_id"`
	AckedRev  int64     `gorm:"column:acked_rev"`
	AckedAt   time.Time `gorm:"column:acked_at"`
}

// TableName tells gorm the table.
func (deviceSync) TableName() string { return "device_sync" }

// acks collects the revisions acknowledged since the last batch.
type acks struct {
	db  *db.DB
	log *slog.Logger

	mu    sync.Mutex
	dirty map[string]deviceSync // by device
}

func newAcks(database *db.DB, log *slog.Logger) *acks {
	return &acks{db: database, log: log, dirty: make(map[string]deviceSync)}
}

// note records where a device's session stands now.
func (a *acks) note(s *session, rev int64) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.dirty[s.deviceID] = deviceSync{DeviceID: s.deviceID, CompanyID: s.companyID, AckedRev: rev, AckedAt: a.db.Now()}
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
		return a.db.InsertRows(ctx, `INSERT INTO device_sync (device_id, company_id, acked_rev, acked_at)`,
			`ON CONFLICT (device_id) DO UPDATE SET company_id = excluded.company_id,
				acked_rev = excluded.acked_rev, acked_at = excluded.acked_at`,
			4, len(rows), func(i int, v []any) []any {
				r := rows[i]
				return append(v, r.DeviceID, r.CompanyID, r.AckedRev, r.AckedAt)
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
		out[id] = SyncState{Rev: r.AckedRev, AckedAt: r.AckedAt, Head: heads[r.CompanyID]}
	}
	return out, nil
}
