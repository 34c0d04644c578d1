// The follower: it hears each commit (a hook, pg_notify, or the poll), reads
// a company's new changes once and pushes each connected device only what
// it may see; idle devices get an empty advance now and then.

package fleet

import (
	"context"
	"strconv"
	"sync"
	"time"

	"mypos/changelog"
	"mypos/protocol"
)

// Follower timing: commits of one company within coalesce share one read
// and one batch per device; the poll (Config.Poll, pollEvery by default)
// catches commits of other nodes whose notification was lost; an idle
// device is moved to the head now and then, so lag and pruning are not
// held back by a device that sees none of the traffic.
const (
	coalesce    = 15 * time.Millisecond
	pollEvery   = time.Second
	advanceIdle = 30 * time.Second
	maxBatch    = 5000 // rows read per wake-up; a longer backlog is a resync
)

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// follower turns commits into pushes.
type follower struct {
	f       *Fleet
	mu      sync.Mutex
	pending map[string]bool // companies woken and not yet flushed
	// heard is the latest revision the follower heard of, by company. It is
	// not the heads cache: a sync raises that from the database, ahead of
	// the commits the follower has yet to push to the company's others.
	heard   map[string]int64
	wake    chan struct{}
	pollNow chan struct{} // the poll is due at once: notifications were lost
}

func newFollower(f *Fleet) *follower {
	return &follower{f: f, pending: make(map[string]bool), heard: make(map[string]int64),
		wake: make(chan struct{}, 1), pollNow: make(chan struct{}, 1)}
}

// How the follower heard of a commit: the label of its wakes metric.
const (
	byCommit = "commit" // this process's commit hook
	byNotify = "notify" // another node's, through the database
	byPoll   = "poll"
)

// woke records a commit heard of by way of by; only news wakes the
// follower — a node hears its own commits both from the hook and the
// database, and the poll finds what either told already.
func (fw *follower) woke(by string, c changelog.Commit) {
	fw.f.heads.raise(c.CompanyID, c.Rev)
	fw.mu.Lock()
	news := c.Rev > fw.heard[c.CompanyID]
	if news {
		fw.heard[c.CompanyID] = c.Rev
	}
	fw.mu.Unlock()
	if news {
		fw.f.metrics.wakes.WithLabelValues(by).Inc()
		fw.mark(c.CompanyID)
	}
}

// notify marks a company as changed up to rev, news or not: a device's
// cursor moved back (a dropped message) or a sync held its pushes.
func (fw *follower) notify(companyID string, rev int64) {
	fw.f.heads.raise(companyID, rev)
	fw.mark(companyID)
}

// mark has the company's devices pushed to at the next flush.
func (fw *follower) mark(companyID string) {
	fw.mu.Lock()
	fw.pending[companyID] = true
	fw.mu.Unlock()
	select {
	case fw.wake <- struct{}{}:
	default:
	}
}

// run pushes until ctx ends: on commits heard in this process or from
// other nodes (listen), on the poll, and the idle advances.
func (fw *follower) run(ctx context.Context, commits <-chan changelog.Commit) {
	poll := time.NewTicker(fw.f.cfg.Poll)
	idle := time.NewTicker(advanceIdle)
	defer poll.Stop()
	defer idle.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case c := <-commits:
			fw.woke(byCommit, c)
			continue
		case <-fw.wake:
			time.Sleep(coalesce)
			drain(commits, fw.woke)
		case <-poll.C:
			fw.poll(ctx)
		case <-fw.pollNow:
			fw.poll(ctx)
		case <-idle.C:
			fw.flush(ctx) // what is pending goes out before anyone is advanced past it
			fw.advanceIdle(ctx)
		}
		fw.flush(ctx)
	}
}

func drain(commits <-chan changelog.Commit, woke func(string, changelog.Commit)) {
	for {
		select {
		case c := <-commits:
			woke(byCommit, c)
		default:
			return
		}
	}
}

// poll asks the database for the heads of the companies with devices here.
func (fw *follower) poll(ctx context.Context) {
	heads, err := fw.f.changes.Heads(ctx, fw.f.sessions.companies())
	if err != nil {
		fw.f.log.Warn("poll heads", "error", err)
		return
	}
	for company, rev := range heads {
		fw.woke(byPoll, changelog.Commit{CompanyID: company, Rev: rev})
	}
}

// flush pushes the pending companies' changes.
func (fw *follower) flush(ctx context.Context) {
	fw.mu.Lock()
	companies := fw.pending
	fw.pending = make(map[string]bool)
	fw.mu.Unlock()
	for company := range companies {
		if err := fw.push(ctx, company); err != nil {
			fw.f.log.Warn("push changes", "company", company, "error", err)
		}
	}
}

// push reads a company's new changes once and sends each of its devices
// here the part it may see, from where that device stands.
func (fw *follower) push(ctx context.Context, companyID string) error {
	sessions := fw.f.sessions.ofCompany(companyID)
	head, _ := fw.f.heads.get(companyID)
	from := head
	for _, s := range sessions {
		s.mu.Lock()
		if s.dropped {
			s.lastSent, s.dropped = s.acked, false
		}
		from = min(from, s.lastSent)
		s.mu.Unlock()
	}
	if from >= head {
		return nil
	}
	rows, err := fw.f.changes.Range(ctx, companyID, from, head, maxBatch)
	if err != nil {
		return err
	}
	complete := len(rows) < maxBatch
	// The log is gapless: rows missing at the start were pruned, and a
	// device that needed them can only start over from a snapshot.
	kept := head
	if len(rows) > 0 {
		kept = rows[0].Rev - 1
	}
	for _, s := range sessions {
		fw.pushTo(s, rows, head, kept, complete)
	}
	return nil
}

// pushTo sends one device its batch: the rows after its cursor it may see.
// A device that sees none of them gets nothing now; its next batch starts
// at its old cursor. A device moved to another store is told to start over.
func (fw *follower) pushTo(s *session, rows []changelog.Change, head, kept int64, complete bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.syncing || s.lastSent >= head {
		return
	}
	if s.lastSent < kept {
		fw.command(s, protocol.CommandReset) // what it missed is pruned
		return
	}
	var mine []changelog.Change
	for _, c := range rows {
		if c.Rev <= s.lastSent {
			continue
		}
		if storeID, moved := movedStore(s, c); moved {
			s.view.StoreID = storeID
			fw.command(s, protocol.CommandReset)
			return
		}
		mine = append(mine, c)
	}
	if !complete {
		fw.command(s, protocol.CommandSync) // a backlog too long for one batch: the device pages it in
		return
	}
	items := changelog.Compact(mine, s.view)
	if len(items) == 0 {
		s.checked = head // nothing to see up to head: an idle advance may skip it
		return
	}
	batch := &protocol.Changes{From: s.lastSent, To: head, Items: wireItems(items)}
	if err := fw.f.sendLocked(s, batch); err != nil {
		fw.command(s, protocol.CommandSync) // too large for one message, or the bus failed: let the device page it
		return
	}
	s.lastSent = head
}

// command asks a device to act; the caller holds its session lock.
func (fw *follower) command(s *session, name string) {
	if err := fw.f.sendLocked(s, &protocol.Command{Name: name}); err != nil {
		fw.f.log.Warn("send command", "device", s.deviceID, "command", name, "error", err)
	}
}

// advanceIdle moves devices that saw nothing of recent traffic to the head
// with an empty batch.
func (fw *follower) advanceIdle(_ context.Context) {
	for _, s := range fw.f.sessions.all() {
		head, ok := fw.f.heads.get(s.companyID)
		s.mu.Lock()
		if ok && !s.syncing && !s.dropped && s.lastSent < head && s.checked == head {
			if err := fw.f.sendLocked(s, &protocol.Changes{From: s.lastSent, To: head, Items: []protocol.Item{}}); err == nil {
				s.lastSent = head
			}
		}
		s.mu.Unlock()
	}
}
