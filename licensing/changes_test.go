package licensing_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"mypos"
	"mypos/changelog"
	"mypos/protocol"
)

// Every assign, move and release is a change scoped to the devices
// concerned, with the device it left as the previous scope; a sealed key
// never travels in one.
func TestDeviceChanges(t *testing.T) {
	f := newFixture(t)
	p, c := f.partner(t), f.company(t)
	f.link(t, c, p)
	d1, d2 := f.device(t, c), f.device(t, c)
	id := f.atCompany(t, p, c)
	key := f.license(t, id).Key
	head := func() int64 {
		rev, err := f.changes.Head(context.Background(), idOf(c))
		if err != nil {
			t.Fatal(err)
		}
		return rev
	}
	steps := []struct {
		name      string
		run       func() error
		op, scope string
		prev      string
	}{
		{"Assign", func() error { _, err := f.lic.Assign(c, id, d1); return err }, protocol.OpUpsert, "devices:" + d1, ""},
		{"Move", func() error { _, err := f.lic.Move(c, id, d2); return err }, protocol.OpUpsert, "devices:" + d2, "devices:" + d1},
		{"Release", func() error { _, err := f.lic.Release(c, id); return err }, protocol.OpDelete, "devices:" + d2, ""},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			before := head()
			if err := st.run(); err != nil {
				t.Fatal(err)
			}
			rows, err := f.changes.Rows(context.Background(), idOf(c), before, 10)
			if err != nil || len(rows) != 1 {
				t.Fatalf("changes: %+v, %v; want one", rows, err)
			}
			ch := rows[0]
			prev := ""
			if ch.PrevScope != nil {
				prev = ch.PrevScope.String()
			}
			if ch.Kind != protocol.KindLicense || ch.Entity != id || ch.Op != st.op || ch.Scope.String() != st.scope || prev != st.prev {
				t.Fatalf("change %+v (prev %q), want %s %s prev %q", ch, prev, st.op, st.scope, st.prev)
			}
			if strings.Contains(string(ch.Body), key) || strings.Contains(string(ch.Body), strings.ReplaceAll(key, "-", "")) {
				t.Fatalf("a sealed key is in a change body: %s", ch.Body)
			}
		})
	}
}

// An unsealed key's change tells the terminal its key; a displaced license
// is a delete for the device it left.
func TestDeviceChangesOfActivation(t *testing.T) {
	f := newFixture(t)
	p, c := f.partner(t), f.company(t)
	f.link(t, c, p)
	d := f.device(t, c)
	old := f.onDevice(t, p, c, d)
	id, key := f.unsealed(t, p)
	before, _ := f.changes.Head(context.Background(), idOf(c))
	if _, err := f.lic.Activate(context.Background(), d, idOf(c), key); err != nil {
		t.Fatal(err)
	}
	rows, err := f.changes.Rows(context.Background(), idOf(c), before, 10)
	if err != nil || len(rows) != 2 {
		t.Fatalf("changes: %+v, %v; want the new license and the displaced one", rows, err)
	}
	byEntity := map[string]changelog.Change{rows[0].Entity: rows[0], rows[1].Entity: rows[1]}
	var body struct{ ID, Key string }
	if err := json.Unmarshal(byEntity[id].Body, &body); err != nil || byEntity[id].Op != protocol.OpUpsert || body.Key != key {
		t.Fatalf("the activated license's change: %+v (%s), %v", byEntity[id], byEntity[id].Body, err)
	}
	if ch := byEntity[old]; ch.Op != protocol.OpDelete || ch.Scope.String() != "devices:"+d {
		t.Fatalf("the displaced license's change: %+v", ch)
	}
}

// Refused activations and no-ops append nothing.
func TestNoChangeWithoutDocument(t *testing.T) {
	f := newFixture(t)
	p, c := f.partner(t), f.company(t)
	d := f.device(t, c)
	_, key := f.unsealed(t, p)
	if _, err := f.lic.Activate(context.Background(), d, idOf(c), key); err != nil {
		t.Fatal(err)
	}
	before, _ := f.changes.Head(context.Background(), idOf(c))
	f.lic.Activate(context.Background(), d, idOf(c), key)
	_, err := f.lic.Activate(context.Background(), d, mypos.NewID(), key)
	wantCode(t, err, mypos.ECONFLICT)
	if after, _ := f.changes.Head(context.Background(), idOf(c)); after != before {
		t.Fatalf("revision %d → %d without a document", before, after)
	}
}
