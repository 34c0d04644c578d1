package fleet_test

import (
	"context"
	"fmt"
	"testing"

	"mypos"
	"mypos/changelog"
	"mypos/protocol"
)

// replica is what a well-behaved terminal would hold: entities by kind and
// id, and its revision. It follows the protocol's rules by hand.
// comeBack reconnects the device the replica follows, says hello with its
// revision and syncs from it until the replica reaches rev.
func (r *replica) comeBack(t *testing.T, e *env, id, secret string, rev int64) *terminal {
	t.Helper()
	term, seen := e.connect(id, secret), 0
	term.publish(t, encode(t, &protocol.Hello{Rev: r.rev}))
	term.publish(t, encode(t, &protocol.Sync{Header: protocol.Header{ID: "back"}, Since: r.rev}))
	eventually(t, "caught up", func() bool { r.follow(t, term, &seen); return r.rev == rev })
	return term
}

type replica struct {
	rev      int64
	entities map[string]string // kind/id → body
	staged   []protocol.Item   // pages of the sync in flight
	syncs    int
}

// apply handles one downlink message the way DESIGN §5 says a terminal must.
func (r *replica) apply(t *testing.T, term *terminal, m protocol.Message) {
	t.Helper()
	switch m := m.(type) {
	case *protocol.Changes:
		switch {
		case m.From <= r.rev && r.rev < m.To:
			r.put(m.Items)
			r.rev = m.To
		case m.From > r.rev:
			t.Fatalf("a push from %d reached a device at %d: it would have to sync", m.From, r.rev)
		}
	case *protocol.SyncReply:
		r.staged = append(r.staged, m.Items...)
		if m.Next == "" { // the last page: commit what was staged
			if m.Reset {
				r.entities = map[string]string{}
			}
			r.put(r.staged)
			r.staged, r.rev = nil, m.To
		} else {
			term.publish(t, encode(t, &protocol.Sync{Header: protocol.Header{ID: m.ID}, Since: m.Since, Cursor: m.Next}))
		}
	case *protocol.Command:
		r.syncs++
		term.publish(t, encode(t, &protocol.Sync{Header: protocol.Header{ID: "cmd"}, Since: r.rev}))
	}
}

func (r *replica) put(items []protocol.Item) {
	for _, it := range items {
		key := it.Kind + "/" + it.ID
		if it.Op == protocol.OpDelete {
			delete(r.entities, key)
		} else {
			r.entities[key] = string(it.Body)
		}
	}
}

func encode(t *testing.T, m protocol.Message) []byte {
	t.Helper()
	b, err := protocol.Encode(m)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// follow applies every message the terminal received since the last call.
func (r *replica) follow(t *testing.T, term *terminal, seen *int) {
	t.Helper()
	term.mu.Lock()
	msgs := append([]protocol.Message(nil), term.down[*seen:]...)
	*seen = len(term.down)
	term.mu.Unlock()
	for _, m := range msgs {
		r.apply(t, term, m)
	}
}

// write appends upserts of entities in one transaction, as a domain write does.
func (e *env) write(company string, kind string, scope changelog.Scope, ids ...string) {
	e.t.Helper()
	err := e.db.InTx(context.Background(), func(ctx context.Context) error {
		for _, id := range ids {
			body := map[string]string{"id": id, "name": "v" + id}
			if _, err := e.changes.Append(ctx, company, changelog.Entry{Kind: kind, Entity: id, Op: protocol.OpUpsert, Body: body, Scope: scope}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		e.t.Fatal(err)
	}
}

func (e *env) companyID() string {
	a, _ := mypos.ActorFromContext(e.company)
	return a.CompanyID
}

func TestSyncSnapshotPagesAndPush(t *testing.T) {
	e := newEnv(t)
	company := e.companyID()
	idA, secretA := e.enroll("Касса A")
	idB, secretB := e.enroll("Касса B")
	goods := make([]string, 700) // several pages of snapshot
	for i := range goods {
		goods[i] = fmt.Sprintf("g%04d", i)
	}
	e.write(company, "goods", changelog.Company(), goods...)

	a, b := e.connect(idA, secretA), e.connect(idB, secretB)
	ra, rb := &replica{entities: map[string]string{}}, &replica{entities: map[string]string{}}
	seenA, seenB := 0, 0
	for _, x := range []struct {
		term *terminal
		id   string
	}{{a, idA}, {b, idB}} {
		x.term.publish(t, encode(t, &protocol.Hello{Rev: 0, Agent: "test"}))
		x.term.publish(t, encode(t, &protocol.Sync{Header: protocol.Header{ID: "s-" + x.id}, Since: 0}))
	}
	head := func() int64 { h, _ := e.changes.Head(context.Background(), company); return h }
	eventually(t, "both synced to the head", func() bool {
		ra.follow(t, a, &seenA)
		rb.follow(t, b, &seenB)
		return ra.rev == head() && rb.rev == head()
	})
	if n := len(ra.entities); n != 701 { // 700 goods and the device itself
		t.Fatalf("A holds %d entities after the snapshot, want 701", n)
	}

	// 100 changes B cannot see and 1 it can: B is never asked to sync, and
	// every push it gets starts where it stands.
	for i := 0; i < 100; i++ {
		e.write(company, "cashier", changelog.Devices(idA), fmt.Sprintf("only-a-%d", i))
	}
	e.write(company, "cashier", changelog.Devices(idA, idB), "both")
	eventually(t, "both at the head again", func() bool {
		ra.follow(t, a, &seenA)
		rb.follow(t, b, &seenB)
		return ra.rev == head() && rb.rev == head()
	})
	if rb.syncs != 0 {
		t.Fatalf("B was told to sync %d times", rb.syncs)
	}
	if _, ok := rb.entities["cashier/both"]; !ok || len(rb.entities) != 702 {
		t.Fatalf("B holds %d entities, want the goods, itself and one cashier", len(rb.entities))
	}
	if len(ra.entities) != 802 {
		t.Fatalf("A holds %d entities, want 802", len(ra.entities))
	}

	// A reconnect at its revision: a sync from the head costs nothing and returns nothing.
	a.publish(t, encode(t, &protocol.Sync{Header: protocol.Header{ID: "again"}, Since: ra.rev}))
	eventually(t, "an empty reply", func() bool {
		a.mu.Lock()
		defer a.mu.Unlock()
		last, ok := a.down[len(a.down)-1].(*protocol.SyncReply)
		return ok && last.ID == "again" && len(last.Items) == 0 && last.To == ra.rev
	})
}

func TestSyncCatchUpCompacted(t *testing.T) {
	e := newEnv(t)
	company := e.companyID()
	id, secret := e.enroll("Касса")
	e.write(company, "store", changelog.Company(), "s1")
	term := e.connect(id, secret)
	r := &replica{entities: map[string]string{}}
	seen := 0
	term.publish(t, encode(t, &protocol.Hello{}))
	term.publish(t, encode(t, &protocol.Sync{Header: protocol.Header{ID: "first"}}))
	eventually(t, "synced", func() bool { r.follow(t, term, &seen); return r.rev == 2 })
	term.Disconnect(0)

	// Offline: a cashier comes and goes, another stays.
	e.write(company, "cashier", changelog.Devices(id), "gone", "stays")
	err := e.db.InTx(context.Background(), func(ctx context.Context) error {
		prev := changelog.Devices(id)
		_, err := e.changes.Append(ctx, company, changelog.Entry{Kind: "cashier", Entity: "gone", Op: protocol.OpUpsert, Body: map[string]string{"id": "gone"}, Scope: changelog.Devices(), PrevScope: &prev})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	term = r.comeBack(t, e, id, secret, 5)
	term.mu.Lock()
	reply := term.down[0].(*protocol.SyncReply)
	term.mu.Unlock()
	if reply.Reset {
		t.Fatal("a device inside the horizon got a snapshot instead of the compacted log")
	}
	if _, ok := r.entities["cashier/gone"]; ok {
		t.Fatal("the disallowed cashier survived the catch-up")
	}
	if _, ok := r.entities["cashier/stays"]; !ok {
		t.Fatal("the allowed cashier is missing")
	}
}
