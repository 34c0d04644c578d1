package agent

import (
	"encoding/json"
	"log/slog"
	"testing"
	"time"

	"mypos/protocol"
)

// harness drives the apply worker by hand, as its goroutine would: the
// cloud's messages go through the real codec, and what the worker sends
// up is captured through its sender seam.
type harness struct {
	t     *testing.T
	dir   string
	local *Local
	w     *worker
	sent  []protocol.Message
	logs  *syncBuffer
	clock time.Time
}

func newHarness(t *testing.T) *harness {
	t.Helper()
	return openHarness(t, t.TempDir())
}

// openHarness opens the local database in dir: a till (re)starting on its data.
func openHarness(t *testing.T, dir string) *harness {
	t.Helper()
	h := &harness{t: t, dir: dir, logs: &syncBuffer{}, clock: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
	h.local = mustLocal(t, dir)
	w, err := newWorker(h.local, slog.New(slog.NewTextHandler(h.logs, nil)), "mypos-agent/test")
	if err != nil {
		t.Fatal(err)
	}
	w.now = func() time.Time { return h.clock }
	h.w = w
	return h
}

func mustLocal(t *testing.T, dir string) *Local {
	t.Helper()
	s, err := OpenLocal(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// online connects the worker, and forgets its hello and first sync.
func (h *harness) online() *protocol.Sync {
	h.t.Helper()
	h.w.connected(func(m protocol.Message) error { h.sent = append(h.sent, m); return nil })
	sent := h.take()
	if len(sent) != 2 {
		h.t.Fatalf("on connect the worker sent %d messages, want hello and sync", len(sent))
	}
	return sent[1].(*protocol.Sync)
}

// down delivers a message from the cloud, encoded and decoded on the way.
func (h *harness) down(m protocol.Message) {
	h.t.Helper()
	data, err := protocol.Encode(m)
	if err != nil {
		h.t.Fatal(err)
	}
	msg, err := protocol.DecodeDown(data)
	h.w.receive(inbound{msg: msg, err: err})
}

// take returns what the worker sent since the last take.
func (h *harness) take() []protocol.Message {
	out := h.sent
	h.sent = nil
	return out
}

// sentOne expects exactly one message sent, of type T.
func sentOne[T protocol.Message](h *harness) T {
	h.t.Helper()
	sent := h.take()
	if len(sent) != 1 {
		h.t.Fatalf("sent %d messages (%v), want one %T", len(sent), sent, *new(T))
	}
	m, ok := sent[0].(T)
	if !ok {
		h.t.Fatalf("sent %T, want %T", sent[0], *new(T))
	}
	return m
}

func (h *harness) sentNothing() {
	h.t.Helper()
	if sent := h.take(); len(sent) != 0 {
		h.t.Fatalf("sent %d messages, want none: %+v", len(sent), sent)
	}
}

// sync answers the sync in flight with one last page, and expects the
// ack; what the worker sent after it is left for the next take.
func (h *harness) sync(s *protocol.Sync, to int64, reset bool, items ...protocol.Item) {
	h.t.Helper()
	h.down(&protocol.SyncReply{Header: protocol.Header{ID: s.ID}, Since: s.Since, To: to, Reset: reset, Items: items})
	sent := h.take()
	if len(sent) == 0 {
		h.t.Fatalf("nothing sent after the last page, want an ack of %d", to)
	}
	if ack, ok := sent[0].(*protocol.Ack); !ok || ack.Rev != to {
		h.t.Fatalf("sent %+v after the last page, want an ack of %d", sent[0], to)
	}
	h.sent = sent[1:]
}

func (h *harness) rev() int64 {
	h.t.Helper()
	rev, err := h.local.Rev()
	if err != nil {
		h.t.Fatal(err)
	}
	if rev != h.w.rev {
		h.t.Fatalf("the local database is at %d, the worker thinks %d", rev, h.w.rev)
	}
	return rev
}

// bodies returns a kind's entities by ID.
func (h *harness) bodies(kind string) map[string]string {
	h.t.Helper()
	list, err := h.local.List(kind)
	if err != nil {
		h.t.Fatal(err)
	}
	out := map[string]string{}
	for _, b := range list {
		var f struct{ ID string }
		json.Unmarshal(b, &f)
		out[f.ID] = string(b)
	}
	return out
}

func upsert(kind, id string, body string) protocol.Item {
	return protocol.Item{Kind: kind, ID: id, Op: "upsert", Body: json.RawMessage(`{"id":"` + id + `",` + body + `}`)}
}

func del(kind, id string) protocol.Item { return protocol.Item{Kind: kind, ID: id, Op: "delete"} }

func push(from, to int64, items ...protocol.Item) *protocol.Changes {
	if items == nil {
		items = []protocol.Item{}
	}
	return &protocol.Changes{Header: protocol.Header{ID: "push"}, From: from, To: to, Items: items}
}

func discard() *slog.Logger { return slog.New(slog.DiscardHandler) }
