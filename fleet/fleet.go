// Package fleet is the live side of the cloud: which devices are connected
// (presence), what they send (uplink: hello, sync, ack, key entry,
// receipts), and what each of them must be sent — sync pages and, as the
// company's changelog grows, pushes of exactly what each device may see.
//
// This file holds the Fleet itself: its configuration, its start and stop.
package fleet

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"runtime"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"mypos/broker"
	"mypos/changelog"
	"mypos/db"
	"mypos/device"
)

// Locator finds where a device stands; package device implements it.
type Locator interface {
	Locate(ctx context.Context, deviceID string) (device.Location, error)
}

// Config is what fleet needs from the process.
type Config struct {
	DB      *db.DB
	Changes *changelog.Log
	Devices Locator
	// Horizon is how long changes are kept; a device further behind takes
	// a full snapshot. Default 30 days.
	Horizon time.Duration
	// Node names this process in the presence table; default: the host name.
	Node       string
	Logger     *slog.Logger
	Registerer prometheus.Registerer
	// Workers handle uplink messages; default 4 per CPU.
	Workers int
	// QueueSize bounds uplink messages waiting for a worker; default 4096.
	QueueSize int
	// Rate and Burst limit each device's uplink (messages a second).
	Rate, Burst float64
	// Licenses activates keys typed on terminals.
	Licenses Licenses
	// Receipts stores the receipts terminals upload.
	Receipts Receipts
	// ReceiptRate and ReceiptBurst limit each device's receipts a second,
	// apart from Rate: a till back from a week offline uploads thousands.
	// Default 500 a second; the burst defaults to 4 seconds' worth.
	ReceiptRate, ReceiptBurst float64
	// KeyEntries limits each device's key entries per KeyWindow, far below
	// Rate: a guessing loop is the threat. Default 5 a minute.
	KeyEntries int
	KeyWindow  time.Duration
	// PresenceFromState takes presence from the devices' retained state
	// messages (online, and the last will's offline) instead of the broker's
	// connection events: an external cluster tells fleet nothing else.
	PresenceFromState bool
	// Poll is how often the follower asks the database for the heads of
	// its companies, in case another node's commit went unheard (a lost
	// notification, or SQLite, which has none). Default 1 s.
	Poll time.Duration
}

// Fleet is the live side of the cloud.
type Fleet struct {
	cfg      Config
	bus      broker.Bus // set by Start: the broker is built with fleet as its Events
	log      *slog.Logger
	presence *presence
	uplink   *uplink
	metrics  *metrics
	changes  *changelog.Log
	devices  Locator
	heads    *heads
	sessions *sessions
	follower *follower
	acks     *acks
	// listen is how the follower hears other nodes' commits: the
	// database's notifications (a test loses them).
	listen func(context.Context, db.Listener) error

	cancel context.CancelFunc
	wg     sync.WaitGroup
}

// New builds fleet; Start sets it going. It refuses a config without a
// service fleet calls (services.Set.NewFleet gives it every one), rather
// than find it missing when a till first types a key or uploads a receipt.
func New(cfg Config) (*Fleet, error) {
	if cfg.DB == nil || cfg.Changes == nil || cfg.Devices == nil || cfg.Licenses == nil || cfg.Receipts == nil {
		return nil, errors.New("fleet: a database, the changelog, the devices, licenses and receipts are required")
	}
	if cfg.Horizon == 0 {
		cfg.Horizon = 30 * 24 * time.Hour
	}
	if cfg.Node == "" {
		cfg.Node, _ = os.Hostname()
	}
	if cfg.Workers == 0 {
		cfg.Workers = 4 * runtime.NumCPU()
	}
	if cfg.QueueSize == 0 {
		cfg.QueueSize = 4096
	}
	if cfg.Rate == 0 {
		cfg.Rate, cfg.Burst = 20, 60
	}
	if cfg.ReceiptRate == 0 {
		cfg.ReceiptRate = 500
	}
	if cfg.ReceiptBurst == 0 {
		cfg.ReceiptBurst = 4 * cfg.ReceiptRate
	}
	if cfg.Poll == 0 {
		cfg.Poll = pollEvery
	}
	if cfg.KeyEntries == 0 {
		cfg.KeyEntries = 5
	}
	if cfg.KeyWindow == 0 {
		cfg.KeyWindow = time.Minute
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	log = log.With("component", "fleet")
	m, err := newMetrics(cfg.Registerer)
	if err != nil {
		return nil, err
	}
	f := &Fleet{cfg: cfg, log: log, metrics: m, presence: newPresence(cfg.DB, cfg.Node, log),
		changes: cfg.Changes, devices: cfg.Devices, heads: &heads{rev: make(map[string]int64)}, sessions: newSessions()}
	f.uplink = newUplink(f)
	f.follower = newFollower(f)
	f.acks, f.listen = newAcks(cfg.DB, log), cfg.DB.Listen
	return f, nil
}

// Start marks this node's devices offline (none is connected to a process
// that just started), subscribes to the devices' uplink on bus and starts
// the workers. Start it before the broker serves.
func (f *Fleet) Start(ctx context.Context, bus broker.Bus) error {
	f.bus = bus
	if err := f.presence.reset(ctx); err != nil {
		return err
	}
	ctx, f.cancel = context.WithCancel(context.WithoutCancel(ctx))
	f.wg.Add(1)
	go func() {
		defer f.wg.Done()
		f.presence.run(ctx)
	}()
	f.uplink.start(ctx, &f.wg)
	commits, unsubscribe := f.changes.Subscribe()
	f.wg.Add(2)
	go func() {
		defer f.wg.Done()
		defer unsubscribe()
		f.follower.run(ctx, commits)
	}()
	go func() {
		defer f.wg.Done()
		f.prune(ctx)
	}()
	f.startSyncChores(ctx)
	return bus.HandleUplink(f.uplink.enqueue)
}

// Close stops the workers and writes the last presence and acknowledged
// revisions.
func (f *Fleet) Close() {
	if f.cancel != nil {
		f.cancel()
	}
	f.wg.Wait()
}

// Connected, Disconnected and Dropped make fleet the broker's Events.
func (f *Fleet) Connected(deviceID string, seq uint64) { f.presence.connected(deviceID, seq) }

// Disconnected records the end of a connection and closes the device's
// session, unless a newer connection of the device is up (see
// presence.disconnected).
func (f *Fleet) Disconnected(deviceID string, seq uint64) {
	if f.presence.disconnected(deviceID, seq) {
		f.sessions.remove(deviceID)
	}
}

// Dropped counts a message the broker could not queue for a device, and
// has the next push resend from the device's acknowledged revision.
func (f *Fleet) Dropped(deviceID string) {
	f.metrics.dropped.Inc()
	if s := f.sessions.get(deviceID); s != nil {
		s.mu.Lock()
		s.dropped = true
		s.mu.Unlock()
		f.follower.notify(s.companyID, 0)
	}
}

// prune deletes changes older than the horizon, every hour — or every
// quarter of the horizon when that is shorter, so a short one holds.
func (f *Fleet) prune(ctx context.Context) {
	t := time.NewTicker(min(time.Hour, f.cfg.Horizon/4))
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			n, err := f.changes.Prune(ctx, f.cfg.DB.Now().Add(-f.cfg.Horizon))
			if err != nil {
				f.log.Warn("prune the changelog", "error", err)
			} else if n > 0 {
				f.log.Info("pruned the changelog", "changes", n)
			}
		}
	}
}

// Disconnect ends a device's live connection: called when it is revoked or
// re-enrolled, so old credentials stop working at once, not at the next
// reconnect.
func (f *Fleet) Disconnect(deviceID string) { f.bus.Disconnect(deviceID) }

// Presence returns whether each device is online and when it was last
// seen; a device never connected is absent from the map.
func (f *Fleet) Presence(ctx context.Context, ids []string) (map[string]Presence, error) {
	return f.presence.load(ctx, ids)
}

// Node is the name this process writes presence under.
func (f *Fleet) Node() string { return f.cfg.Node }
