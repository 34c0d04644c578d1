// Presence: which devices are connected to this node, in memory, written
// to device_presence on change and every ~30 s.

package fleet

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"gorm.io/gorm/clause"

	"mypos/db"
	"mypos/protocol"
)

// Presence is whether a device is connected and when it was last heard of.
type Presence struct {
	DeviceID string    `gorm:"column:device_id;primaryKey" json:"-"`
	Online   bool      `gorm:"column:online" json:"online"`
	ConnSeq  uint64    `gorm:"column:conn_seq" json:"-"`
	Node     string    `gorm:"column:node" json:"-"`
	Since    time.Time `gorm:"column:since" json:"since"`
	LastSeen time.Time `gorm:"column:last_seen" json:"last_seen"`
}

// TableName tells gorm the table.
func (Presence) TableName() string { return "device_presence" }

// presence keeps the devices of this node in memory, where the broker's
// events land, and writes what changed to the table in batches: at once
// (well, within flushDelay) when a device comes or goes, every touchEvery
// for devices that are merely seen.
type presence struct {
	db   *db.DB
	node string
	log  *slog.Logger

	mu      sync.Mutex
	seq     uint64 // numbers connections seen through state messages
	devices map[string]*Presence
	dirty   map[string]bool
	wake    chan struct{}
}

const (
	flushDelay = 100 * time.Millisecond
	touchEvery = 30 * time.Second
)

func newPresence(database *db.DB, node string, log *slog.Logger) *presence {
	return &presence{db: database, node: node, log: log,
		devices: make(map[string]*Presence), dirty: make(map[string]bool), wake: make(chan struct{}, 1)}
}

// reset marks every device this node had online as offline: after a
// restart none of them is connected here any more.
func (p *presence) reset(ctx context.Context) error {
	return p.db.Conn(ctx).Model(&Presence{}).Where("node = ? AND online", p.node).
		Updates(map[string]any{"online": false, "since": p.db.Now()}).Error
}

// connected records a new connection; it replaces any older one.
func (p *presence) connected(id string, seq uint64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := p.db.Now()
	cur := p.devices[id]
	if cur != nil && seq < cur.ConnSeq {
		return // an older connection's late event
	}
	p.devices[id] = &Presence{DeviceID: id, Online: true, ConnSeq: seq, Node: p.node, Since: now, LastSeen: now}
	p.markLocked(id, true)
}

// disconnected records the end of a connection, unless a newer connection
// of the device is already up: a takeover ends the old one after the new
// one began.
func (p *presence) disconnected(id string, seq uint64) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	cur := p.devices[id]
	if cur == nil || seq != cur.ConnSeq || !cur.Online {
		return false
	}
	now := p.db.Now()
	cur.Online, cur.Since, cur.LastSeen = false, now, now
	p.markLocked(id, true)
	return true
}

// fromState applies a device's retained state message: the agent's online
// when it connects, the broker's delivery of its last will when it is gone.
func (p *presence) fromState(id, state string) {
	p.mu.Lock()
	p.seq++
	seq := p.seq
	cur, known := p.devices[id]
	if known {
		seq = max(seq, cur.ConnSeq+1)
		if state == protocol.StateOffline {
			seq = cur.ConnSeq
		}
	}
	p.mu.Unlock()
	switch {
	case state == protocol.StateOnline:
		p.connected(id, seq)
	case state == protocol.StateOffline && known:
		p.disconnected(id, seq)
	}
}

// seen notes that a device spoke; it is written with the next batch.
func (p *presence) seen(id string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if cur := p.devices[id]; cur != nil {
		cur.LastSeen = p.db.Now()
		p.markLocked(id, false)
	}
}

func (p *presence) markLocked(id string, urgent bool) {
	p.dirty[id] = true
	if urgent {
		select {
		case p.wake <- struct{}{}:
		default:
		}
	}
}

// get returns this node's view of a device, when it has one.
func (p *presence) get(id string) (Presence, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	cur := p.devices[id]
	if cur == nil {
		return Presence{}, false
	}
	return *cur, true
}

// run writes batches until ctx ends, then writes the last one.
func (p *presence) run(ctx context.Context) {
	tick := time.NewTicker(touchEvery)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			p.flush(context.Background())
			return
		case <-tick.C:
		case <-p.wake:
			time.Sleep(flushDelay) // let a burst of connections share one write
		}
		p.flush(ctx)
	}
}

// flush writes every changed device in one statement.
func (p *presence) flush(ctx context.Context) {
	p.mu.Lock()
	batch := make([]Presence, 0, len(p.dirty))
	for id := range p.dirty {
		batch = append(batch, *p.devices[id])
	}
	clear(p.dirty)
	p.mu.Unlock()
	if len(batch) == 0 {
		return
	}
	err := p.db.Conn(ctx).Clauses(clause.OnConflict{UpdateAll: true}).CreateInBatches(batch, 500).Error
	if err != nil {
		p.log.Error("write presence", "devices", len(batch), "error", err)
		p.mu.Lock()
		for _, d := range batch {
			p.dirty[d.DeviceID] = true // retried with the next batch
		}
		p.mu.Unlock()
	}
}

// load reads the stored presence of devices, overlaid with this node's
// fresher view.
func (p *presence) load(ctx context.Context, ids []string) (map[string]Presence, error) {
	out := make(map[string]Presence, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	var rows []Presence
	if err := p.db.Conn(ctx).Where("device_id IN ?", ids).Find(&rows).Error; err != nil {
		return nil, err
	}
	for _, r := range rows {
		out[r.DeviceID] = r
	}
	for _, id := range ids {
		if mine, ok := p.get(id); ok {
			out[id] = mine
		}
	}
	return out, nil
}
