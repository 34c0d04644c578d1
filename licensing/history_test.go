package licensing_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"mypos"
	"mypos/account"
	"mypos/changelog"
	"mypos/db/dbtest"
	"mypos/device"
	"mypos/licensing"
	"mypos/services"
	"mypos/services/servicestest"
)

// HeldAt answers by the ledger's history, not by the facts now: a device
// held a license from the document that put one on it to the one that
// took it off — a move to another device, a release —, a displacing
// assignment keeps it licensed throughout, and a moment within the slack
// of an edge counts as licensed. A device never licensed never held one.
func TestHeldAt(t *testing.T) {
	f := newFixture(t)
	partner, company := f.partner(t), f.company(t)
	f.link(t, company, partner)
	d1, d2 := f.device(t, company), f.device(t, company)
	l, m, n := f.atCompany(t, partner, company), f.atCompany(t, partner, company), f.atCompany(t, partner, company)

	t0 := time.Date(2026, 3, 8, 9, 0, 0, 0, time.UTC)
	at := func(h int) time.Time { return t0.Add(time.Duration(h) * time.Hour) }
	clock := t0
	f.db.Now = func() time.Time { return clock }
	step := func(h int, what string, op func() error) {
		t.Helper()
		clock = at(h)
		if err := op(); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	assign := func(license, device string) func() error {
		return func() error { _, err := f.lic.Assign(company, license, device); return err }
	}
	step(1, "assign l to d1", assign(l, d1))
	step(2, "move l to d2", func() error { _, err := f.lic.Move(company, l, d2); return err })
	step(3, "release l", func() error { _, err := f.lic.Release(company, l); return err })
	step(4, "assign m to d2", assign(m, d2))
	step(5, "assign n to d2, displacing m", assign(n, d2))

	minute := time.Minute
	never := mypos.NewID()
	asked := map[string][]time.Time{
		d1:    {at(1).Add(-minute), at(1).Add(minute), at(2).Add(-minute), at(2).Add(2 * minute), at(2).Add(30 * time.Second), at(9)},
		d2:    {at(2).Add(-2 * minute), at(2).Add(minute), at(3).Add(2 * minute), at(4).Add(minute), at(5), at(5).Add(minute), at(9)},
		never: {at(2)},
	}
	want := map[string][]bool{
		// Before its first license (the slack is a minute: the edge itself counts), on it, moved away (30 s after is within the slack).
		d1: {true, true, true, false, true, false},
		// Not yet, then from the move, not after the release, again from m, through n displacing m.
		d2:    {false, true, false, true, true, true, true},
		never: {false},
	}
	got, err := f.lic.HeldAt(context.Background(), asked, minute)
	if err != nil {
		t.Fatal(err)
	}
	for id, w := range want {
		if !slices.Equal(got[id], w) {
			t.Errorf("device %s: held %v, want %v", id, got[id], w)
		}
	}
	// With no slack, a minute before the first license is before it.
	if got, err := f.lic.HeldAt(context.Background(), map[string][]time.Time{d1: {at(1).Add(-minute)}}, 0); err != nil || got[d1][0] {
		t.Fatalf("before the first license without slack: %v, %v", got, err)
	}
}

// A database at version 1 upgrades to the lines indexed by device, and
// the history of the documents written before answers as it did.
func TestSchemaUpgradeHistoryByDevice(t *testing.T) {
	db := dbtest.Open(t, account.Schema, changelog.Schema, device.Schema)
	if err := db.MigrateTo(context.Background(), licensing.Schema, 1); err != nil {
		t.Fatal(err)
	}
	f := fixtureOf(t, servicestest.On(t, db, services.Config{}))
	partner, company := f.partner(t), f.company(t)
	f.link(t, company, partner)
	dev := f.device(t, company)
	f.onDevice(t, partner, company, dev)

	if err := db.Migrate(context.Background(), licensing.Schema); err != nil {
		t.Fatal(err)
	}
	if v, err := db.SchemaVersion(context.Background(), "licensing"); err != nil || v != len(licensing.Schema.Migrations) {
		t.Fatalf("version %d, %v", v, err)
	}
	got, err := f.lic.HeldAt(context.Background(), map[string][]time.Time{dev: {time.Now()}}, 0)
	if err != nil || !got[dev][0] {
		t.Fatalf("held now: %v, %v", got, err)
	}
}
