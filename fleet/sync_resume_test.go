package fleet_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"mypos"
	"mypos/changelog"
	"mypos/fleet"
	"mypos/protocol"
)

// withProductionBudget gives every device the uplink budget a server
// has by default (20 messages a second, bursts of 60).
func withProductionBudget(e *env) {
	e.tune = func(c *fleet.Config) { c.Rate, c.Burst = 0, 0 }
}

// loadCatalog appends n goods of the reset storm's catalog (stormID,
// stormBody) in batches, as an import does.
func (e *env) loadCatalog(n int) {
	e.t.Helper()
	const batch = 5000
	for from := 0; from < n; from += batch {
		entries := make([]changelog.Entry, 0, batch)
		for i := from; i < min(from+batch, n); i++ {
			entries = append(entries, changelog.Entry{Kind: "goods", Entity: stormID(i), Op: protocol.OpUpsert, Body: stormBody(i), Scope: changelog.Company()})
		}
		err := e.db.InTx(context.Background(), func(ctx context.Context) error {
			_, err := e.changes.AppendMany(ctx, e.companyID(), entries)
			return err
		})
		if err != nil {
			e.t.Fatal(err)
		}
	}
}

// A sync of far more pages than the uplink's burst reaches the head: the
// cloud paces the sync it serves — each page's cursor asked for once, under
// the sync's ID — instead of refusing its pages. 15,000 goods are over 100
// pages; the budget is the server's own, 60 at once and 20 a second.
func TestSyncPacedBeyondTheBudget(t *testing.T) {
	const goods = 15_000
	e := newEnv(t, withProductionBudget)
	e.loadCatalog(goods)
	id, secret := e.enroll("Касса")
	head, err := e.changes.Head(context.Background(), e.companyID())
	if err != nil {
		t.Fatal(err)
	}
	tl := newTill(e, id, secret, true) // counts the goods, as a till with 15,000 would hold them
	tl.connect()
	converged := func() bool { return tl.sync == nil && !tl.pending && tl.rev == head && tl.goods == goods && tl.self }
	if !tl.waitFor(2*time.Minute, converged) {
		t.Fatalf("not at the head %d with %d goods:\n%s\nproblems: %v", head, goods, tl.state(), tl.problemsNow())
	}
	if st := tl.statsNow(); st.pages <= 100 || st.syncs != 1 {
		t.Fatalf("%d pages in %d syncs, want over 100 pages in one sync", st.pages, st.syncs)
	}
	for _, p := range tl.problemsNow() {
		t.Error(p)
	}
	if n := counter(t, e.reg, "mypos_fleet_uplink_rejected_total", "rate_limited"); n != 0 {
		t.Fatalf("%v messages refused over budget, want none", n)
	}
}

// Only the continuation the cloud handed out is free: a cursor asked for
// under another ID, or asked for again, spends the budget like any
// message, so a loop of them is refused — each refusal told naming its
// request, as many as the budget — while the sync itself goes on.
func TestSyncReplayedCursorSpendsBudget(t *testing.T) {
	e := newEnv(t)
	e.stop()
	e.tune = func(c *fleet.Config) { c.Rate, c.Burst = 0.1, 2 } // the hello and a first page
	e.start()
	e.write(e.companyID(), "goods", changelog.Company(), ids("g", 1500)...)
	c := newSyncer(t, e)
	first := c.ask("s1", 0, "")
	second := c.ask("s1", 0, first.Next)
	if second.Next == "" {
		t.Fatal("the catalog fits in two pages: the test needs more")
	}
	c.send("foreign", 0, second.Next)
	for i := range 6 {
		c.send(fmt.Sprintf("loop-%d", i), 0, first.Next)
	}
	eventually(t, "the loop refused", func() bool {
		return counter(t, e.reg, "mypos_fleet_uplink_rejected_total", "rate_limited") == 7
	})
	// The sync's own continuation is still served: it is paced, not budgeted.
	c.finish("s1", 0, second.Next)
	c.holdsView(changelog.View{DeviceID: c.id})
	// Told: the first refusal of the second, and the requests within the
	// replies budget (two); the rest of the loop silently.
	if got, want := strings.Join(c.term.errors(), " "), "rate_limited@foreign rate_limited@loop-0 rate_limited@loop-1"; got != want {
		t.Fatalf("told %q, want %q", got, want)
	}
}

// A sync cut between pages resumes on a new connection from the cursor of
// the last page staged, and the device ends with exactly its view — unless
// the cursor can no longer lead there: then the cloud answers start_over,
// naming the request, and a sync from the start converges exactly.
func TestSyncResume(t *testing.T) {
	t.Run("SnapshotOnANewSession", func(t *testing.T) {
		e := newEnv(t)
		e.write(e.companyID(), "goods", changelog.Company(), ids("g", 900)...)
		c := newSyncer(t, e)
		p := c.ask("s1", 0, "")
		p = c.ask("s1", 0, p.Next)
		e.write(e.companyID(), "goods", changelog.Company(), "g0001", "zz-new") // while cut off
		c.reconnect()
		c.finish("s2", 0, p.Next)
		c.catchUp()
		c.holdsView(changelog.View{DeviceID: c.id})
	})
	t.Run("LogOnANewSession", func(t *testing.T) {
		e := newEnv(t)
		c := newSyncer(t, e)
		c.finish("s1", 0, "")
		e.write(e.companyID(), "goods", changelog.Company(), ids("g", 900)...)
		c.heard()
		since := c.rev
		p := c.ask("s2", since, "")
		if p.Reset || p.Next == "" {
			t.Fatalf("a sync since %d: reset %v, next %q; want several pages of the log", since, p.Reset, p.Next)
		}
		c.reconnect()
		c.finish("s3", since, p.Next)
		c.holdsView(changelog.View{DeviceID: c.id})
	})
	t.Run("LogBehindTheHorizon", func(t *testing.T) {
		e := newEnv(t)
		c := newSyncer(t, e)
		c.finish("s1", 0, "")
		e.write(e.companyID(), "goods", changelog.Company(), ids("g", 900)...)
		c.heard()
		since := c.rev
		p := c.ask("s2", since, "")
		c.reconnect()
		if _, err := e.changes.Prune(context.Background(), time.Now().Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		c.startsOver("s3", since, p.Next)
		c.finish("s4", since, "")
		c.holdsView(changelog.View{DeviceID: c.id})
	})
	t.Run("SnapshotAfterAStoreMove", func(t *testing.T) {
		e := newEnv(t)
		a, b := mypos.NewID(), mypos.NewID()
		e.write(e.companyID(), "discount", changelog.Store(a), ids("a", 400)...)
		e.write(e.companyID(), "discount", changelog.Store(b), ids("b", 400)...)
		e.write(e.companyID(), "goods", changelog.Company(), ids("g", 300)...)
		c := newSyncer(t, e)
		place(t, e, c.id, a)
		p := c.ask("s1", 0, "")
		c.reconnect()
		place(t, e, c.id, b)
		c.startsOver("s2", 0, p.Next)
		c.finish("s3", 0, "")
		c.holdsView(changelog.View{DeviceID: c.id, StoreID: b})
	})
	t.Run("NotACursorOfThisCloud", func(t *testing.T) {
		e := newEnv(t)
		c := newSyncer(t, e)
		c.startsOver("forged", 0, "x|y|z")
		c.finish("s1", 0, "")
		c.holdsView(changelog.View{DeviceID: c.id})
	})
}

// ids are n entity IDs with a prefix, in order.
func ids(prefix string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("%s%04d", prefix, i)
	}
	return out
}

// syncer is a terminal that syncs by hand, page by page, as the agent
// does, so that a test can cut its sync between pages and resume it: the
// pages staged survive a new connection, as the agent's do a restart.
type syncer struct {
	t          *testing.T
	e          *env
	id, secret string
	term       *terminal
	seen       int
	rev        int64
	held       map[string]string // kind/id → canonical body
	staged     []protocol.Item
}

func newSyncer(t *testing.T, e *env) *syncer {
	t.Helper()
	id, secret := e.enroll("Касса")
	c := &syncer{t: t, e: e, id: id, secret: secret, held: map[string]string{}}
	c.reconnect()
	return c
}

// reconnect drops the connection, if any, waits until the broker forgot it
// (see till.gone), connects again and says hello with the revision held.
func (c *syncer) reconnect() {
	c.t.Helper()
	if c.term != nil {
		c.term.Disconnect(0)
		for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(time.Millisecond) {
			if _, ok := c.e.broker.Server().Clients.Get(c.id); !ok {
				break
			}
			if time.Now().After(deadline) {
				c.t.Fatal("the broker still holds the old connection")
			}
		}
	}
	c.term, c.seen = c.e.connect(c.id, c.secret), 0
	c.term.publish(c.t, encode(c.t, &protocol.Hello{Rev: c.rev}))
}

func (c *syncer) send(id string, since int64, cursor string) {
	c.t.Helper()
	c.term.publish(c.t, encode(c.t, &protocol.Sync{Header: protocol.Header{ID: id}, Since: since, Cursor: cursor}))
}

// answer waits for the cloud's answer to request id: a page or a refusal.
func (c *syncer) answer(id string) protocol.Message {
	c.t.Helper()
	var got protocol.Message
	eventually(c.t, "the answer to "+id, func() bool {
		c.term.mu.Lock()
		defer c.term.mu.Unlock()
		for ; c.seen < len(c.term.down) && got == nil; c.seen++ {
			if h := protocol.HeaderOf(c.term.down[c.seen]); h.ID == id && h.Type != protocol.TypeChanges {
				got = c.term.down[c.seen]
			}
		}
		return got != nil
	})
	return got
}

// ask requests one page and stages it; the last page is committed.
func (c *syncer) ask(id string, since int64, cursor string) *protocol.SyncReply {
	c.t.Helper()
	c.send(id, since, cursor)
	p, ok := c.answer(id).(*protocol.SyncReply)
	if !ok {
		c.t.Fatalf("sync %s at %q: %v, want a page", id, cursor, c.term.errors())
	}
	c.staged = append(c.staged, p.Items...)
	if p.Next == "" {
		if p.Reset {
			c.held = map[string]string{}
		}
		c.put(c.staged)
		c.staged, c.rev = nil, p.To
	}
	return p
}

// finish pages the sync to its end from cursor.
func (c *syncer) finish(id string, since int64, cursor string) {
	c.t.Helper()
	for p := c.ask(id, since, cursor); p.Next != ""; p = c.ask(id, since, p.Next) {
	}
}

// startsOver resumes at cursor and expects start_over, naming the request;
// the pages staged are dropped, as the agent drops them.
func (c *syncer) startsOver(id string, since int64, cursor string) {
	c.t.Helper()
	c.send(id, since, cursor)
	e, ok := c.answer(id).(*protocol.Error)
	if !ok || e.Code != protocol.CodeStartOver {
		c.t.Fatalf("resumed at %q: %+v, want %s", cursor, e, protocol.CodeStartOver)
	}
	c.staged = nil
}

// catchUp applies the pushes after the sync, until the device is at the head.
func (c *syncer) catchUp() {
	c.t.Helper()
	head := func() int64 { h, _ := c.e.changes.Head(context.Background(), c.e.companyID()); return h }
	eventually(c.t, "the pushes after the sync", func() bool {
		c.term.mu.Lock()
		defer c.term.mu.Unlock()
		for ; c.seen < len(c.term.down); c.seen++ {
			if m, ok := c.term.down[c.seen].(*protocol.Changes); ok && m.From <= c.rev && c.rev < m.To {
				c.put(m.Items)
				c.rev = m.To
			}
		}
		return c.rev == head()
	})
}

// heard waits until the cloud pushed the device the company's head, or
// told it to sync when the push would be too large: its heads cache knows it, so a sync from before the head reads the log. (A
// sync asked sooner may be answered from the cache as "at the head", and
// the push would bring the rest — right for a till, but not the pages a
// test of resuming needs.) The push is not applied: the device stays
// behind, as a till that missed it.
func (c *syncer) heard() {
	c.t.Helper()
	head, err := c.e.changes.Head(context.Background(), c.e.companyID())
	if err != nil {
		c.t.Fatal(err)
	}
	eventually(c.t, "the push of the new head", func() bool {
		c.term.mu.Lock()
		defer c.term.mu.Unlock()
		for _, m := range c.term.down[c.seen:] {
			switch m := m.(type) {
			case *protocol.Changes:
				if m.To == head {
					return true
				}
			case *protocol.Command: // too much for a push: "sync"
				return true
			}
		}
		return false
	})
}

func (c *syncer) put(items []protocol.Item) {
	for _, it := range items {
		if it.Op == protocol.OpDelete {
			delete(c.held, it.Kind+"/"+it.ID)
		} else {
			c.held[it.Kind+"/"+it.ID] = canonical(c.t, it.Body)
		}
	}
}

// holdsView requires the device to hold exactly its view.
func (c *syncer) holdsView(v changelog.View) {
	c.t.Helper()
	if diff := diffViews(c.held, c.e.view(v)); diff != "" {
		c.t.Fatalf("the device holds other than its view:\n%s", diff)
	}
}
