package fleet_test

import (
	"context"
	"testing"
	"time"

	"mypos/changelog"
	"mypos/protocol"
)

// A device whose cursor is behind the pruning horizon gets a full snapshot
// (reset), not the compacted log, which no longer holds what it missed —
// whether it asks with a sync or is found behind by a push.
func TestSyncBehindHorizonResets(t *testing.T) {
	e := newEnv(t)
	company := e.companyID()
	id, secret := e.enroll("Касса")
	e.write(company, "store", changelog.Company(), "s1", "s2")
	term := e.connect(id, secret)
	r := &replica{entities: map[string]string{}}
	seen := 0
	term.publish(t, encode(t, &protocol.Hello{}))
	term.publish(t, encode(t, &protocol.Sync{Header: protocol.Header{ID: "first"}}))
	eventually(t, "synced", func() bool { r.follow(t, term, &seen); return r.rev == 3 })
	term.Disconnect(0)

	e.write(company, "store", changelog.Company(), "s3")
	if _, err := e.changes.Prune(context.Background(), time.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	term = r.comeBack(t, e, id, secret, 4)
	term.mu.Lock()
	snapshot := false
	for _, m := range term.down {
		if reply, ok := m.(*protocol.SyncReply); ok && reply.Reset {
			snapshot = true
		}
	}
	term.mu.Unlock()
	if !snapshot {
		t.Fatal("a device behind the horizon was never sent a snapshot")
	}
	if len(r.entities) != 4 { // three stores and the device itself
		t.Fatalf("after the reset the device holds %d entities, want 4: %v", len(r.entities), r.entities)
	}
}
