package licensing_test

import (
	"context"
	"strings"
	"testing"

	"mypos"
	"mypos/account"
	"mypos/changelog"
	"mypos/db"
	"mypos/licensing"
	"mypos/protocol"
)

// The forum thread's story, told to the services: the owner sells a partner
// five licenses; a company asks the partner to work with it and is accepted;
// the partner transfers it two, unseals one to itself, and that key, typed
// on a company terminal, leaves the partner's cabinet for the company's;
// the license moves to a second terminal and back; its history shows each step.
func TestSeedStory(t *testing.T) {
	f := newFixture(t)
	bg := context.Background()
	reg, err := f.accounts.Register(bg, account.Registration{Kind: mypos.KindPartner, Name: "Ромашка Сервис", INN: innFirm, City: "Тверь", Email: "dealer@romashka.test", Password: "partner-pass"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.accounts.ApprovePartner(f.owner, reg.ID); err != nil {
		t.Fatal(err)
	}
	partner := as(reg)
	sale, err := f.lic.Sell(f.owner, reg.ID, 5)
	if err != nil || sale.Type != licensing.TypeSale || len(sale.LicenseIDs) != 5 {
		t.Fatalf("sale: %+v, %v", sale, err)
	}
	mustList(t, f, partner, licensing.StateSealed, 5)

	// The company finds the partner in the directory and asks to work with it.
	company := f.company(t)
	found, _, err := f.accounts.Directory(bg, db.ListParams{Query: "ромашка"})
	if err != nil || len(found) != 1 || found[0].City != "Тверь" {
		t.Fatalf("directory: %+v, %v", found, err)
	}
	req, err := f.accounts.RequestLink(company, account.LinkRequestInput{PartnerCode: strings.ToLower(found[0].Code)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.accounts.AcceptLink(partner, req.ID); err != nil {
		t.Fatal(err)
	}

	// Two sealed licenses go to the company; their keys stay hidden from it.
	if _, err := f.lic.Transfer(partner, idOf(company), sale.LicenseIDs[:2]); err != nil {
		t.Fatal(err)
	}
	for _, l := range mustList(t, f, company, licensing.StateSealed, 2) {
		if l.Key != "" {
			t.Fatalf("a sealed key is shown to the company: %+v", l)
		}
	}

	// The partner unseals one to itself: its key shows in its list.
	chosen := sale.LicenseIDs[2]
	if _, err := f.lic.Unseal(partner, []string{chosen}, licensee); err != nil {
		t.Fatal(err)
	}
	unsealed := mustList(t, f, partner, licensing.StateUnsealed, 1)
	key := unsealed[0].Key
	if unsealed[0].ID != chosen || key == "" || unsealed[0].Licensee == nil || unsealed[0].Licensee.INN != innTrader {
		t.Fatalf("the partner's unsealed list: %+v", unsealed)
	}
	mustSummary(t, f, partner, licensing.Counts{Sealed: 2, Unsealed: 1}, licensing.Counts{Sealed: 2})

	// The key typed on a company terminal leaves the partner's cabinet.
	till1, till2 := f.device(t, company), f.device(t, company)
	if l, err := f.lic.Activate(bg, till1, idOf(company), key); err != nil || l.State != licensing.StateActive {
		t.Fatalf("activate: %+v, %v", l, err)
	}
	mustList(t, f, partner, licensing.StateUnsealed, 0)
	// Its client holds it now: the partner may follow it, its key hidden.
	if l, err := f.lic.Get(partner, chosen); err != nil || l.Key != "" {
		t.Fatalf("the partner opens its client's activated license: %+v, %v", l, err)
	}
	if active := mustList(t, f, company, licensing.StateActive, 1); active[0].Key != key || !is(active[0].DeviceID, till1) {
		t.Fatalf("the company's active list: %+v", active)
	}
	mustSummary(t, f, partner, licensing.Counts{Sealed: 2}, licensing.Counts{Sealed: 2, Active: 1})

	// Moved to the second terminal from the cabinet, and typed on the first again.
	if _, err := f.lic.Move(company, chosen, till2); err != nil {
		t.Fatal(err)
	}
	if _, err := f.lic.Activate(bg, till1, idOf(company), key); err != nil {
		t.Fatal(err)
	}
	var steps []string
	for _, d := range history(t, f, chosen) {
		steps = append(steps, d.Type)
	}
	if got, want := strings.Join(steps, " "), "sale unseal activate move move"; got != want {
		t.Fatalf("history %q, want %q", got, want)
	}
	if companyView, _, err := f.lic.History(company, chosen, pageAll); err != nil || len(companyView) != 5 {
		t.Fatalf("the company sees the history of its license: %d documents, %v", len(companyView), err)
	}
	// Each terminal was told: the first has the license again, the second lost it.
	mustSee(t, f, idOf(company), till1, chosen, protocol.OpUpsert)
	mustSee(t, f, idOf(company), till2, chosen, protocol.OpDelete)
}

func mustList(t *testing.T, f *fixture, ctx context.Context, state string, n int) []licensing.License {
	t.Helper()
	ls, _, err := f.lic.Licenses(ctx, licensing.LicenseFilter{State: state, ListParams: pageAll})
	if err != nil || len(ls) != n {
		t.Fatalf("%s licenses: %d (%v), want %d", state, len(ls), err, n)
	}
	return ls
}

func mustSummary(t *testing.T, f *fixture, partner context.Context, own, clients licensing.Counts) {
	t.Helper()
	s, err := f.lic.Summary(partner)
	if err != nil || s.Counts != own || s.Clients == nil || *s.Clients != clients {
		t.Fatalf("summary %+v (clients %+v), %v; want %+v, clients %+v", s, s.Clients, err, own, clients)
	}
}

// mustSee checks the last thing a device must apply about a license.
func mustSee(t *testing.T, f *fixture, companyID, deviceID, licenseID, op string) {
	t.Helper()
	items, _, err := f.changes.Compacted(context.Background(), companyID, changelog.View{DeviceID: deviceID}, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range items {
		if it.Kind == protocol.KindLicense && it.Entity == licenseID {
			if it.Op != op {
				t.Fatalf("device %s is told %s of the license, want %s", deviceID, it.Op, op)
			}
			return
		}
	}
	t.Fatalf("device %s is told nothing of the license, want %s", deviceID, op)
}
