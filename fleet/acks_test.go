package fleet_test

import (
	"context"
	"testing"
	"time"

	"mypos/changelog"
	"mypos/fleet"
)

// storedAck is a device's row of device_sync, as another node reads it.
type storedAck struct {
	Rev   int64
	At    time.Time
	Agent string
}

func (e *env) storedAcks(t *testing.T) map[string]storedAck {
	t.Helper()
	rows, err := e.db.Conn(context.Background()).Raw(`SELECT device_id, acked_rev, acked_at, agent FROM device_sync`).Rows()
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]storedAck{}
	for rows.Next() {
		var id string
		var a storedAck
		if err := rows.Scan(&id, &a.Rev, &a.At, &a.Agent); err != nil {
			t.Fatal(err)
		}
		out[id] = a
	}
	return out
}

// acked waits until fleet has the till's acknowledgement of where it is.
func (e *env) acked(t *testing.T, tl *till) {
	t.Helper()
	eventually(t, "the till's ack handled", func() bool {
		s, err := e.fleet.SyncStates(context.Background(), []string{tl.id})
		return err == nil && s[tl.id].Rev == tl.revNow()
	})
}

// Acknowledged revisions are written in batches, only the devices whose
// revision changed, and at close; a restarted fleet reads them back with
// how far behind its company's head each device is.
func TestAckedRevisions(t *testing.T) {
	e := newEnv(t, withRate(10_000))
	company := e.companyID()
	a, b := e.tillOn(t, e, "Касса A"), e.tillOn(t, e, "Касса B")
	e.acked(t, a)
	e.acked(t, b)
	if got := e.storedAcks(t); len(got) != 0 {
		t.Fatalf("written before a batch: %v", got)
	}

	fleet.FlushAcks(e.fleet)
	first := e.storedAcks(t)
	if first[a.id].Rev != a.revNow() || first[b.id].Rev != b.revNow() || a.revNow() == 0 {
		t.Fatalf("after a batch: %v; the tills are at %d and %d", first, a.revNow(), b.revNow())
	}

	// Only A sees the next write: only A's row is written again.
	e.write(company, "cashier", changelog.Devices(a.id), "only-a")
	reaches(t, a, e.headOf(company))
	e.acked(t, a)
	fleet.FlushAcks(e.fleet)
	second := e.storedAcks(t)
	if second[a.id].Rev != a.revNow() || second[b.id].Rev != first[b.id].Rev || !second[b.id].At.Equal(first[b.id].At) {
		t.Fatalf("after the second batch: %v, after the first %v", second, first)
	}

	// Acknowledged and not yet written when the node stops: written at close.
	e.write(company, "cashier", changelog.Devices(a.id), "before-close")
	reaches(t, a, e.headOf(company))
	e.acked(t, a)
	e.stop()
	if got := e.storedAcks(t)[a.id].Rev; got != a.revNow() {
		t.Fatalf("after close A's row holds %d, A is at %d", got, a.revNow())
	}

	// The tills are offline now; the company moves on without them.
	e.start()
	e.write(company, "goods", changelog.Company(), "new")
	states, err := e.fleet.SyncStates(context.Background(), []string{a.id, b.id, "00000000-0000-7000-8000-000000000000"})
	if err != nil {
		t.Fatal(err)
	}
	head := e.headOf(company)
	if st := states[a.id]; st.Rev != a.revNow() || st.Head != head || st.Behind() != head-a.revNow() || st.AckedAt.IsZero() {
		t.Fatalf("A after the restart: %+v (behind %d); the till is at %d, the head %d", st, st.Behind(), a.revNow(), head)
	}
	if st := states[b.id]; st.Rev != b.revNow() || st.Behind() != head-b.revNow() {
		t.Fatalf("B after the restart: %+v; the till is at %d, the head %d", st, b.revNow(), head)
	}
	if len(states) != 2 {
		t.Fatalf("a device never connected has a state: %v", states)
	}
}

// agentIs waits until fleet reports the version the till said hello with.
func (e *env) agentIs(t *testing.T, tl *till, want string) {
	t.Helper()
	eventually(t, "the till's version "+want, func() bool {
		s, err := e.fleet.SyncStates(context.Background(), []string{tl.id})
		return err == nil && s[tl.id].Agent == want
	})
}

// reconnect has the till connect anew, saying hello with version agent,
// and waits until it is synced: its hello was handled.
func (e *env) reconnect(t *testing.T, tl *till, agent string) {
	t.Helper()
	tl.mu.Lock()
	tl.agent = agent
	tl.mu.Unlock()
	tl.connect()
	synced(t, e, tl)
}

// The version a till says hello with rides on its acknowledged revision's
// row: SyncStates reports it before the batch and after it, also after a
// restart. A reconnect that changes neither the revision nor the version
// is not written again; a new version is, and a session opened before its
// hello does not erase the version known.
func TestAgentVersion(t *testing.T) {
	e := newEnv(t, withRate(10_000))
	id, secret := e.enroll("Касса с версией")
	tl := newTill(e, id, secret, false)
	tl.agent = "mypos-agent/1.2.3"
	tl.connect()
	synced(t, e, tl)
	e.agentIs(t, tl, "mypos-agent/1.2.3")
	fleet.FlushAcks(e.fleet)
	first := e.storedAcks(t)[tl.id]
	if first.Agent != "mypos-agent/1.2.3" || first.Rev != tl.revNow() {
		t.Fatalf("after the batch: %+v", first)
	}

	e.reconnect(t, tl, "mypos-agent/1.2.3")
	fleet.FlushAcks(e.fleet)
	if again := e.storedAcks(t)[tl.id]; again != first {
		t.Fatalf("a reconnect that changed nothing was written: %+v, before %+v", again, first)
	}

	e.reconnect(t, tl, "mypos-agent/1.3.0")
	e.agentIs(t, tl, "mypos-agent/1.3.0")
	fleet.FlushAcks(e.fleet)
	if got := e.storedAcks(t)[tl.id]; got.Agent != "mypos-agent/1.3.0" || got.Rev != first.Rev {
		t.Fatalf("after the update: %+v, before %+v", got, first)
	}

	// A till that names no version (an old one) keeps the known one.
	e.reconnect(t, tl, "")
	e.write(e.companyID(), "cashier", changelog.Devices(tl.id), "after-update")
	reaches(t, tl, e.headOf(e.companyID()))
	e.acked(t, tl)
	e.stop()
	e.start()
	states, err := e.fleet.SyncStates(context.Background(), []string{tl.id})
	if st := states[tl.id]; err != nil || st.Agent != "mypos-agent/1.3.0" || st.Rev != tl.revNow() {
		t.Fatalf("after the restart: %+v, %v; the till is at %d", st, err, tl.revNow())
	}
}
