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
	Rev int64
	At  time.Time
}

func (e *env) storedAcks(t *testing.T) map[string]storedAck {
	t.Helper()
	rows, err := e.db.Conn(context.Background()).Raw(`SELECT device_id, acked_rev, acked_at FROM device_sync`).Rows()
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]storedAck{}
	for rows.Next() {
		var id string
		var a storedAck
		if err := rows.Scan(&id, &a.Rev, &a.At); err != nil {
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
