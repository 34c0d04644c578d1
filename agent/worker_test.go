package agent

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"mypos/protocol"
)

func TestConnectSaysHelloThenSyncs(t *testing.T) {
	h := newHarness(t)
	h.local.applyChanges([]protocol.Item{upsert("cashier", "c1", `"name":"Анна"`)}, 7)
	h.local.Close()
	h = openHarness(t, h.dir) // a restart: the revision comes from the local database
	h.w.connected(func(m protocol.Message) error { h.sent = append(h.sent, m); return nil })
	sent := h.take()
	if len(sent) != 2 {
		t.Fatalf("sent %d messages, want hello and sync", len(sent))
	}
	hello, ok := sent[0].(*protocol.Hello)
	if !ok || hello.Rev != 7 || hello.Agent != "mypos-agent/test" || hello.ID == "" {
		t.Fatalf("first %+v, want hello{rev: 7} with an ID", sent[0])
	}
	s, ok := sent[1].(*protocol.Sync)
	if !ok || s.Since != 7 || s.Cursor != "" || s.ID == "" || s.ID == hello.ID {
		t.Fatalf("second %+v, want sync{since: 7, cursor: \"\"} with its own ID", sent[1])
	}
	if !h.w.online.Load() {
		t.Fatal("not online after connected")
	}
}

func TestPushRules(t *testing.T) {
	// Each case starts from a till synced to revision 10 holding goods g1.
	start := func(t *testing.T) *harness {
		h := newHarness(t)
		h.sync(h.online(), 10, true, upsert("goods", "g1", `"price":100`))
		return h
	}
	t.Run("AppliedWhenFromAtOrBelowRev", func(t *testing.T) {
		for _, from := range []int64{10, 8, 0} {
			h := start(t)
			h.down(push(from, 12, upsert("goods", "g1", `"price":150`), upsert("goods", "g2", `"price":5`), del("goods", "absent")))
			if ack := sentOne[*protocol.Ack](h); ack.Rev != 12 || h.rev() != 12 {
				t.Fatalf("from %d: ack %d, rev %d; want 12", from, ack.Rev, h.rev())
			}
			if g := h.bodies("goods"); len(g) != 2 || !strings.Contains(g["g1"], "150") {
				t.Fatalf("from %d: goods %v, want g1 at 150 and g2", from, g)
			}
			if !strings.Contains(h.logs.String(), "msg=applied from="+strconv.FormatInt(from, 10)+" to=12 items=3") {
				t.Fatalf("the push was not logged:\n%s", h.logs)
			}
		}
	})
	t.Run("IgnoredWhenToAtOrBelowRev", func(t *testing.T) {
		h := start(t)
		h.down(push(4, 10, upsert("goods", "g1", `"price":1`)))
		h.down(push(2, 6, del("goods", "g1")))
		h.sentNothing()
		if g := h.bodies("goods"); h.rev() != 10 || !strings.Contains(g["g1"], `"price":100`) {
			t.Fatalf("rev %d, goods %v: an old push changed the local database", h.rev(), g)
		}
	})
	t.Run("SyncWhenFromAboveRev", func(t *testing.T) {
		h := start(t)
		h.down(push(11, 12, upsert("goods", "g9", `"price":1`)))
		if s := sentOne[*protocol.Sync](h); s.Since != 10 || s.Cursor != "" {
			t.Fatalf("sent %+v, want sync{since: 10}", s)
		}
		if h.rev() != 10 || len(h.bodies("goods")) != 1 {
			t.Fatal("a push with a gap before it was applied")
		}
		// A second gap while that sync is in flight asks for nothing more.
		h.down(push(13, 14))
		h.sentNothing()
	})
	t.Run("IgnoredMidSync", func(t *testing.T) {
		h := start(t)
		h.down(&protocol.Command{Name: "sync"})
		s := sentOne[*protocol.Sync](h)
		h.down(push(10, 11, upsert("goods", "g2", `"price":1`)))
		h.sentNothing()
		if h.rev() != 10 || len(h.bodies("goods")) != 1 {
			t.Fatal("a push was applied during a sync")
		}
		h.sync(s, 11, false, upsert("goods", "g2", `"price":1`))
		h.down(push(11, 12, upsert("goods", "g3", `"price":1`)))
		if sentOne[*protocol.Ack](h).Rev != 12 || len(h.bodies("goods")) != 3 {
			t.Fatal("after the sync, pushes from its revision are not applied")
		}
	})
	t.Run("ErrBodyNotAnObject", func(t *testing.T) {
		h := start(t)
		h.down(push(10, 11, upsert("goods", "g2", `"price":1`), protocol.Item{Kind: "goods", ID: "g3", Op: "upsert"}))
		h.sentNothing()
		if h.rev() != 10 || len(h.bodies("goods")) != 1 {
			t.Fatal("a batch with a bad item was partly applied")
		}
	})
}

func TestSyncPages(t *testing.T) {
	h := newHarness(t)
	h.sync(h.online(), 5, true, upsert("cashier", "c1", `"name":"old"`), upsert("cashier", "c2", `"name":"gone soon"`))

	h.down(&protocol.Command{Name: "sync"})
	s := sentOne[*protocol.Sync](h)
	h.down(&protocol.SyncReply{Header: protocol.Header{ID: s.ID}, Since: 5, To: 9, Items: []protocol.Item{
		upsert("cashier", "c1", `"name":"v1"`), upsert("cashier", "c3", `"name":"new"`)}, Next: "page-2"})
	next := sentOne[*protocol.Sync](h)
	if next.ID != s.ID || next.Since != 5 || next.Cursor != "page-2" {
		t.Fatalf("asked %+v, want the same sync's next page", next)
	}
	if c := h.bodies("cashier"); h.rev() != 5 || !strings.Contains(c["c1"], "old") || c["c3"] != "" {
		t.Fatalf("rev %d, cashiers %v: a page was applied before the last", h.rev(), c)
	}
	h.sync(next, 9, false, upsert("cashier", "c1", `"name":"v2"`), del("cashier", "c2"))
	c := h.bodies("cashier")
	if h.rev() != 9 || len(c) != 2 || !strings.Contains(c["c1"], "v2") || c["c3"] == "" {
		t.Fatalf("rev %d, cashiers %v: want c1 at v2 (pages in order), c2 deleted, c3 added", h.rev(), c)
	}
	if !strings.Contains(h.logs.String(), "msg=synced revision=9 reset=false items=4") {
		t.Fatalf("the commit was not logged:\n%s", h.logs)
	}
}

func TestSyncReset(t *testing.T) {
	h := newHarness(t)
	h.sync(h.online(), 40, false, upsert("cashier", "c1", `"name":"a"`), upsert("goods", "g1", `"price":1`), upsert("license", "l1", `"state":"active"`))
	h.down(&protocol.Command{Name: "reset"})
	s := sentOne[*protocol.Sync](h)
	if s.Since != 0 {
		t.Fatalf("reset sent since=%d, want 0", s.Since)
	}
	h.down(&protocol.SyncReply{Header: protocol.Header{ID: s.ID}, To: 12, Reset: true, Items: []protocol.Item{upsert("goods", "g2", `"price":2`)}, Next: "x"})
	h.take()
	h.sync(s, 12, true, upsert("goods", "g3", `"price":3`))
	if g := h.bodies("goods"); h.rev() != 12 || len(g) != 2 || g["g2"] == "" || g["g3"] == "" {
		t.Fatalf("rev %d, goods %v: want exactly the snapshot's g2 and g3 at 12", h.rev(), g)
	}
	if len(h.bodies("cashier")) != 0 || len(h.bodies("license")) != 0 {
		t.Fatal("a reset kept entities the snapshot does not hold")
	}
	if !strings.Contains(h.logs.String(), "msg=synced revision=12 reset=true items=2") {
		t.Fatalf("the reset was not logged:\n%s", h.logs)
	}
}

func TestSyncErrResetChangesMidway(t *testing.T) {
	h := newHarness(t)
	s := h.online()
	h.down(&protocol.SyncReply{Header: protocol.Header{ID: s.ID}, To: 3, Reset: true, Items: []protocol.Item{}, Next: "x"})
	h.take()
	h.down(&protocol.SyncReply{Header: protocol.Header{ID: s.ID}, To: 3, Items: []protocol.Item{upsert("goods", "g", `"a":1`)}})
	h.sentNothing()
	if h.w.sync != nil || h.rev() != 0 || len(h.bodies("goods")) != 0 {
		t.Fatal("pages that disagree on reset were committed")
	}
}

// A crash mid-sync loses nothing: the revision and the entities are as
// before, and the restart's sync resumes from the page after the last one
// staged, under an ID of its own — a late page of the old sync is not
// mixed in.
func TestSyncResumesAfterACrash(t *testing.T) {
	h := newHarness(t)
	h.sync(h.online(), 3, true, upsert("goods", "g1", `"price":1`))
	h.down(&protocol.Command{Name: "sync"})
	old := sentOne[*protocol.Sync](h)
	h.down(&protocol.SyncReply{Header: protocol.Header{ID: old.ID}, Since: 3, To: 8, Items: []protocol.Item{
		upsert("goods", "staged", `"price":9`), del("goods", "g1")}, Next: "p2"})
	if next := sentOne[*protocol.Sync](h); next.Cursor != "p2" {
		t.Fatalf("asked %+v, want page p2", next)
	}
	h.local.Close() // the crash, page p2 unanswered

	h = openHarness(t, h.dir)
	if h.rev() != 3 || len(h.bodies("goods")) != 1 || h.bodies("goods")["g1"] == "" {
		t.Fatalf("after the crash: rev %d, goods %v; want revision 3 and g1 alone", h.rev(), h.bodies("goods"))
	}
	s := h.online()
	if s.Since != 3 || s.Cursor != "p2" || s.ID == old.ID {
		t.Fatalf("the restart's sync %+v, want page p2 of a sync since 3 under a new ID", s)
	}
	h.down(&protocol.SyncReply{Header: protocol.Header{ID: old.ID}, Since: 3, To: 8, Items: []protocol.Item{upsert("goods", "late", `"price":1`)}})
	h.sentNothing()
	h.sync(s, 8, false, upsert("goods", "g2", `"price":2`))
	if g := h.bodies("goods"); len(g) != 2 || g["staged"] == "" || g["g2"] == "" {
		t.Fatalf("goods %v: want the staged page's and the last page's, g1 deleted, nothing of the late page", g)
	}
}

// A sync cut by a lost connection, a silent cloud or a refusal resumes
// from the page after the last one staged; the view it commits is exact.
func TestSyncResumesAfterACut(t *testing.T) {
	cuts := map[string]func(h *harness, s *protocol.Sync) *protocol.Sync{
		"LinkDropped": func(h *harness, _ *protocol.Sync) *protocol.Sync {
			h.w.disconnected()
			return h.online()
		},
		"NoPageFor30s": func(h *harness, _ *protocol.Sync) *protocol.Sync {
			h.clock = h.clock.Add(pageTimeout + time.Second)
			h.w.tick() // gives the sync up
			h.sentNothing()
			h.clock = h.clock.Add(31 * time.Second) // past the backoff
			h.w.tick()
			return sentOne[*protocol.Sync](h)
		},
		"RateLimited": func(h *harness, s *protocol.Sync) *protocol.Sync {
			h.down(&protocol.Error{Header: protocol.Header{ID: s.ID}, Code: "rate_limited", Message: "slow down"})
			h.down(&protocol.Command{Name: "sync"})
			h.sentNothing() // the backoff
			h.clock = h.clock.Add(31 * time.Second)
			h.w.tick()
			return sentOne[*protocol.Sync](h)
		},
	}
	for name, cut := range cuts {
		t.Run(name, func(t *testing.T) {
			h := newHarness(t)
			first := h.online()
			h.down(&protocol.SyncReply{Header: protocol.Header{ID: first.ID}, To: 5, Reset: true, Items: []protocol.Item{
				upsert("goods", "g1", `"price":1`)}, Next: "s|5|goods/g1"})
			second := sentOne[*protocol.Sync](h)
			h.down(&protocol.SyncReply{Header: protocol.Header{ID: first.ID}, To: 5, Reset: true, Items: []protocol.Item{
				upsert("goods", "g2", `"price":2`)}, Next: "s|5|goods/g2"})
			third := sentOne[*protocol.Sync](h)
			if second.Cursor != "s|5|goods/g1" || third.Cursor != "s|5|goods/g2" {
				t.Fatalf("asked %q then %q, want each page's next", second.Cursor, third.Cursor)
			}
			resumed := cut(h, third)
			if resumed.Since != 0 || resumed.Cursor != "s|5|goods/g2" || resumed.ID == first.ID {
				t.Fatalf("after the cut: %+v, want page s|5|goods/g2 of a sync since 0 under a new ID", resumed)
			}
			if !strings.Contains(h.logs.String(), "msg=\"sync resumed\"") {
				t.Fatalf("the resume was not logged:\n%s", h.logs)
			}
			h.sync(resumed, 5, true, upsert("goods", "g3", `"price":3`))
			if g := h.bodies("goods"); h.rev() != 5 || len(g) != 3 || g["g1"] == "" || g["g2"] == "" || g["g3"] == "" {
				t.Fatalf("rev %d, goods %v: want g1, g2 and g3 at 5", h.rev(), g)
			}
		})
	}
}

// The cloud that cannot resume a cursor says start_over: the till drops
// what it staged and asks again from the start at once, with no cursor.
// A reset, too, starts over — and one cut short, even by a crash, is
// resumed as a reset. A sync from another revision starts over.
func TestSyncStartsOver(t *testing.T) {
	staged := func(t *testing.T) (*harness, *protocol.Sync) {
		h := newHarness(t)
		h.sync(h.online(), 4, true, upsert("goods", "g0", `"price":1`))
		h.down(&protocol.Command{Name: "sync"})
		s := sentOne[*protocol.Sync](h)
		h.down(&protocol.SyncReply{Header: protocol.Header{ID: s.ID}, Since: 4, To: 9, Items: []protocol.Item{
			upsert("goods", "stale", `"price":1`)}, Next: "c|9|6"})
		h.take()
		h.w.disconnected()
		return h, h.online()
	}
	t.Run("WhenTheCloudSaysSo", func(t *testing.T) {
		h, resumed := staged(t)
		if resumed.Cursor != "c|9|6" {
			t.Fatalf("resumed at %q, want c|9|6", resumed.Cursor)
		}
		h.down(&protocol.Error{Header: protocol.Header{ID: resumed.ID}, Code: protocol.CodeStartOver, Message: "pruned"})
		again := sentOne[*protocol.Sync](h)
		if again.Since != 4 || again.Cursor != "" || again.ID == resumed.ID {
			t.Fatalf("after start_over: %+v, want a new sync since 4 from its start, at once", again)
		}
		h.sync(again, 12, true, upsert("goods", "fresh", `"price":1`))
		if g := h.bodies("goods"); len(g) != 1 || g["fresh"] == "" {
			t.Fatalf("goods %v: want the fresh snapshot's alone, nothing staged before", g)
		}
	})
	t.Run("OnAReset", func(t *testing.T) {
		h, resumed := staged(t)
		h.down(&protocol.Command{Name: "reset"})
		reset := sentOne[*protocol.Sync](h)
		if reset.Since != 0 || reset.Cursor != "" || reset.ID == resumed.ID {
			t.Fatalf("on a reset: %+v, want a sync since 0 from its start", reset)
		}
		h.down(&protocol.SyncReply{Header: protocol.Header{ID: reset.ID}, To: 12, Reset: true, Items: []protocol.Item{
			upsert("goods", "r1", `"price":1`)}, Next: "s|12|goods/r1"})
		h.take()
		h.local.Close() // a crash: the reset is wanted by no one in memory now
		h = openHarness(t, h.dir)
		again := h.online()
		if h.rev() != 4 || again.Since != 0 || again.Cursor != "s|12|goods/r1" {
			t.Fatalf("the reset cut short came back at %d as %+v, want it resumed since 0", h.rev(), again)
		}
		h.sync(again, 12, true, upsert("goods", "r2", `"price":1`))
		if g := h.bodies("goods"); h.rev() != 12 || len(g) != 2 || g["r1"] == "" || g["r2"] == "" {
			t.Fatalf("rev %d, goods %v: want the snapshot's r1 and r2 alone", h.rev(), g)
		}
	})
	t.Run("FromAnotherRevision", func(t *testing.T) {
		h, resumed := staged(t)
		h.down(&protocol.Error{Header: protocol.Header{ID: resumed.ID}, Code: "internal", Message: "down"})
		h.down(push(4, 5, upsert("goods", "pushed", `"price":1`))) // between syncs, a push moves the till
		h.take()
		h.clock = h.clock.Add(31 * time.Second)
		h.w.want(false)
		if s := sentOne[*protocol.Sync](h); s.Since != 5 || s.Cursor != "" {
			t.Fatalf("a sync from revision 5: %+v, want it from its start — the staged pages began at 4", s)
		}
	})
}

func TestItemsGenericPerKind(t *testing.T) {
	h := newHarness(t)
	h.sync(h.online(), 2, true,
		upsert("cashier", "1", `"name":"Анна"`), upsert("goods", "1", `"name":"Хлеб"`),
		upsert("loyalty_card", "1", `"holder":"someone"`))
	for kind, want := range map[string]string{"cashier": "Анна", "goods": "Хлеб", "loyalty_card": "someone"} {
		if b := h.bodies(kind); len(b) != 1 || !strings.Contains(b["1"], want) {
			t.Fatalf("%s: %v, want its own entity 1", kind, b)
		}
	}
	h.down(push(2, 3, del("loyalty_card", "1"), del("no_such_kind", "1")))
	if h.rev() != 3 || len(h.bodies("loyalty_card")) != 0 || len(h.bodies("goods")) != 1 {
		t.Fatal("a delete reached another kind, or did not apply")
	}
	if list, err := h.local.List("no_such_kind"); err != nil || len(list) != 0 {
		t.Fatalf("an unknown kind: %v %v, want none", list, err)
	}
}

func TestCommandsAndRefusals(t *testing.T) {
	h := newHarness(t)
	h.sync(h.online(), 4, false)
	t.Run("ResetAbandonsTheSyncInFlight", func(t *testing.T) {
		h.down(&protocol.Command{Name: "sync"})
		first := sentOne[*protocol.Sync](h)
		h.down(&protocol.Command{Name: "reset"})
		reset := sentOne[*protocol.Sync](h)
		if first.Since != 4 || reset.Since != 0 || reset.ID == first.ID {
			t.Fatalf("sync %+v then reset %+v: want since 4, then a new sync since 0", first, reset)
		}
		h.down(&protocol.SyncReply{Header: protocol.Header{ID: first.ID}, Since: 4, To: 5, Items: []protocol.Item{}})
		h.sentNothing() // the abandoned sync's page
		h.sync(reset, 6, true)
	})
	t.Run("RefusedSyncWaitsOutABackoff", func(t *testing.T) {
		h.down(&protocol.Command{Name: "sync"})
		s := sentOne[*protocol.Sync](h)
		h.down(&protocol.Error{Header: protocol.Header{ID: "other"}, Code: "rate_limited", Message: "slow down"})
		if h.w.sync == nil {
			t.Fatal("an error for another message ended the sync")
		}
		h.down(&protocol.Error{Header: protocol.Header{ID: s.ID}, Code: "unsupported", Message: "not yet"})
		if h.w.sync != nil || !strings.Contains(h.logs.String(), "code=unsupported") {
			t.Fatalf("the refusal did not end the sync, or was not logged:\n%s", h.logs)
		}
		h.down(&protocol.Command{Name: "sync"})
		h.w.tick()
		h.sentNothing()
		h.clock = h.clock.Add(31 * time.Second) // past the longest backoff
		h.w.tick()
		if s := sentOne[*protocol.Sync](h); s.Since != 6 {
			t.Fatalf("the retry synced since %d, want 6", s.Since)
		}
	})
	t.Run("SilentCloudTimesOut", func(t *testing.T) {
		h.clock = h.clock.Add(pageTimeout + time.Second)
		h.w.tick() // gives the silent sync up
		h.clock = h.clock.Add(31 * time.Second)
		h.w.tick() // and tries again
		if s := sentOne[*protocol.Sync](h); s.Since != 6 {
			t.Fatalf("after a timeout: %+v, want a new sync since 6", s)
		}
	})
	t.Run("UnknownCommandIgnored", func(t *testing.T) {
		h.down(&protocol.Command{Name: "dance"})
		h.sentNothing()
	})
}

func TestRequestSync(t *testing.T) {
	h := newHarness(t)
	reply := make(chan synced, 1)
	h.w.requestSync(reply)
	if res := <-reply; res.err != errOffline {
		t.Fatalf("offline: %+v, want errOffline at once", res)
	}
	s := h.online()
	// A request during the connect's sync waits for a sync that starts after it.
	h.w.requestSync(reply)
	h.sentNothing()
	h.sync(s, 3, true)
	again := sentOne[*protocol.Sync](h)
	if len(reply) != 0 || again.Since != 3 {
		t.Fatalf("after the first sync: %d replies, next sync %+v; want the request to wait for a new sync since 3", len(reply), again)
	}
	h.sync(again, 4, false)
	if res := <-reply; res.err != nil || res.rev != 4 {
		t.Fatalf("reply %+v, want revision 4", res)
	}
	// The link drops mid-sync: the caller is told, not left waiting.
	h.w.requestSync(reply)
	h.take()
	h.w.disconnected()
	if res := <-reply; res.err != errOffline || h.w.online.Load() {
		t.Fatalf("reply %+v, want errOffline and offline", res)
	}
}

// Messages reach the worker through paho's handler and the inbox; bad ones
// are counted, and once the worker stops a handler no longer blocks paho.
func TestInbox(t *testing.T) {
	h := newHarness(t)
	done := make(chan struct{})
	ctx, cancel := context.WithCancel(context.Background())
	go func() { h.w.run(ctx); close(done) }()

	changes, _ := protocol.Encode(push(0, 5, upsert("goods", "g", `"a":1`)))
	for _, p := range []string{string(changes), `{"v":1,"type":"changes","id":`, `{"v":1,"type":"teleport","id":"x"}`} {
		h.w.inbox.handle(nil, message{payload: []byte(p)})
	}
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(h.logs.String(), "msg=applied") && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	cancel()
	<-done
	if got := h.w.inbox.malformed.Load(); got != 2 || h.rev() != 5 {
		t.Fatalf("malformed=%d rev=%d, want 2 and the push applied", got, h.rev())
	}
	for range inboxSize + 1 {
		h.w.inbox.handle(nil, message{payload: changes})
	}
	if h.w.do(func() {}) {
		t.Fatal("a task was taken by a stopped worker")
	}
}
