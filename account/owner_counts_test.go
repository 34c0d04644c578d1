package account_test

import (
	"testing"

	"mypos"
	"mypos/account"
	"mypos/db"
)

// link makes the company the partner's client.
func (f *fixture) link(t *testing.T, company, partner *account.Account) {
	t.Helper()
	r, err := f.svc.RequestLink(as(company), account.LinkRequestInput{PartnerID: partner.ID})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.AcceptLink(as(partner), r.ID); err != nil {
		t.Fatal(err)
	}
}

// The owner's bulk questions: the census, a partner, accounts by ID, each
// company's partner, a partner's clients — and nobody else may ask them.
func TestOwnerViews(t *testing.T) {
	f := newFixture(t)
	owner := f.owner(t)
	north := f.register(t, mypos.KindPartner, "north@dealer.test", "partner-pass")
	f.approve(t, owner, north.ID)
	f.register(t, mypos.KindPartner, "south@dealer.test", "partner-pass") // pending
	shop := f.register(t, mypos.KindCompany, "shop@shop.test", "company-pass")
	kiosk := f.register(t, mypos.KindCompany, "kiosk@shop.test", "company-pass")
	f.register(t, mypos.KindCompany, "alone@shop.test", "company-pass")
	f.link(t, shop, north)
	f.link(t, kiosk, north)

	c, err := f.svc.Census(owner)
	if err != nil || *c != (account.Census{PartnersActive: 1, PartnersPending: 1, Companies: 3}) {
		t.Fatalf("Census=%+v, %v", c, err)
	}
	p, err := f.svc.Partner(owner, north.ID)
	if err != nil || p.Email != "north@dealer.test" {
		t.Fatalf("Partner=%+v, %v", p, err)
	}
	for _, id := range []string{shop.ID, mypos.NewID(), "nonsense"} { // a company, nobody, not an ID
		if _, err := f.svc.Partner(owner, id); mypos.ErrorCode(err) != mypos.ENOTFOUND {
			t.Fatalf("Partner(%s): %v, want ENOTFOUND", id, err)
		}
	}
	names, err := f.svc.Accounts(owner, []string{north.ID, shop.ID, mypos.NewID()})
	if err != nil || len(names) != 2 || names[shop.ID].Email != "shop@shop.test" {
		t.Fatalf("Accounts=%v, %v", names, err)
	}
	of, err := f.svc.PartnersOf(owner, []string{shop.ID, kiosk.ID, north.ID})
	if err != nil || len(of) != 2 || of[shop.ID].ID != north.ID || of[kiosk.ID].Name != north.Name {
		t.Fatalf("PartnersOf=%v, %v", of, err)
	}
	clients, next, err := f.svc.ClientsOf(owner, north.ID, db.ListParams{Limit: 1})
	if err != nil || len(clients) != 1 || next == "" {
		t.Fatalf("ClientsOf page 1: %v, %q, %v", clients, next, err)
	}
	rest, next, err := f.svc.ClientsOf(owner, north.ID, db.ListParams{Limit: 1, Cursor: next})
	if err != nil || len(rest) != 1 || next != "" || rest[0].ID == clients[0].ID {
		t.Fatalf("ClientsOf page 2: %v, %q, %v", rest, next, err)
	}
	ids, err := f.svc.ClientIDsOf(owner, north.ID)
	if err != nil || len(ids) != 2 {
		t.Fatalf("ClientIDsOf=%v, %v", ids, err)
	}
	if ids, err := f.svc.ClientIDsOf(owner, "nonsense"); err != nil || len(ids) != 0 {
		t.Fatalf("ClientIDsOf(nonsense)=%v, %v", ids, err)
	}

	partner := as(north)
	for name, err := range map[string]error{
		"Census":      second(f.svc.Census(partner)),
		"Partner":     second(f.svc.Partner(partner, north.ID)),
		"PartnersOf":  second(f.svc.PartnersOf(partner, []string{shop.ID})),
		"ClientIDsOf": second(f.svc.ClientIDsOf(partner, north.ID)),
	} {
		if mypos.ErrorCode(err) != mypos.EFORBIDDEN {
			t.Fatalf("%s as a partner: %v, want EFORBIDDEN", name, err)
		}
	}
	if _, _, err := f.svc.ClientsOf(partner, north.ID, db.ListParams{}); mypos.ErrorCode(err) != mypos.EFORBIDDEN {
		t.Fatalf("ClientsOf as a partner: %v, want EFORBIDDEN", err)
	}
}

// Accounts names for a partner itself and its clients, for a company
// itself and its partner (without its e-mail), for nobody a stranger.
func TestAccountsAsKnown(t *testing.T) {
	f := newFixture(t)
	owner := f.owner(t)
	north := f.register(t, mypos.KindPartner, "north@dealer.test", "partner-pass")
	f.approve(t, owner, north.ID)
	south := f.register(t, mypos.KindPartner, "south@dealer.test", "partner-pass")
	f.approve(t, owner, south.ID)
	shop := f.register(t, mypos.KindCompany, "shop@shop.test", "company-pass")
	kiosk := f.register(t, mypos.KindCompany, "kiosk@shop.test", "company-pass")
	f.link(t, shop, north)
	f.link(t, kiosk, south)
	all := []string{north.ID, south.ID, shop.ID, kiosk.ID}

	got, err := f.svc.Accounts(as(north), all)
	if err != nil || len(got) != 2 || got[north.ID].Name != north.Name || got[shop.ID].Email != "shop@shop.test" {
		t.Fatalf("Accounts as north=%v, %v; want north and its client shop", got, err)
	}
	got, err = f.svc.Accounts(as(shop), all)
	if err != nil || len(got) != 2 || got[north.ID].Name != north.Name || got[north.ID].Email != "" || got[shop.ID].ID == "" {
		t.Fatalf("Accounts as shop=%v, %v; want shop and its partner north without an e-mail", got, err)
	}
	if got, err := f.svc.Accounts(owner, all); err != nil || len(got) != 4 {
		t.Fatalf("Accounts as the owner=%v, %v", got, err)
	}
}

func second[T any](_ T, err error) error { return err }
