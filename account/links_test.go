package account_test

import (
	"context"
	"strings"
	"sync"
	"testing"

	"mypos"
	"mypos/account"
	"mypos/db"
)

// linkFixture has two active partners, one awaiting approval, and two companies.
type linkFixture struct {
	*fixture
	p1, p2, pending, c, d *account.Account
}

func newLinkFixture(t *testing.T) *linkFixture {
	t.Helper()
	f := &linkFixture{fixture: newFixture(t)}
	owner := f.owner(t)
	f.p1 = f.register(t, mypos.KindPartner, "p1@dealer.test", "partner-pass")
	f.p2 = f.register(t, mypos.KindPartner, "p2@dealer.test", "partner-pass")
	f.pending = f.register(t, mypos.KindPartner, "p3@dealer.test", "partner-pass")
	f.approve(t, owner, f.p1.ID)
	f.approve(t, owner, f.p2.ID)
	f.c = f.register(t, mypos.KindCompany, "c@shop.test", "company-pass")
	f.d = f.register(t, mypos.KindCompany, "d@shop.test", "company-pass")
	return f
}

func as(a *account.Account) context.Context {
	return mypos.NewContextWithActor(context.Background(), a.Actor())
}

func code(a *account.Account) string { return *a.Code }

func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	if got := mypos.ErrorCode(err); got != code {
		t.Fatalf("error %v: code %q, want %q", err, got, code)
	}
}

func TestDirectory(t *testing.T) {
	f := newLinkFixture(t)
	entries, next, err := f.svc.Directory(context.Background(), db.ListParams{})
	if err != nil || next != "" || len(entries) != 2 {
		t.Fatalf("directory: %+v, %q, %v; want the two active partners", entries, next, err)
	}
	if entries[0].Code == "" || entries[0].INN == "" || entries[0].Name == "" {
		t.Fatalf("an entry shows name, INN and code: %+v", entries[0])
	}
	byCode, _, err := f.svc.Directory(context.Background(), db.ListParams{Query: strings.ToLower(code(f.p2))})
	if err != nil || len(byCode) != 1 || byCode[0].ID != f.p2.ID {
		t.Fatalf("found by a code typed in lower case: %+v, %v", byCode, err)
	}
	byName, _, _ := f.svc.Directory(context.Background(), db.ListParams{Query: "РОМАШКА PARTNER"})
	if len(byName) != 2 {
		t.Fatalf("found by name in any case: %+v", byName)
	}
	if none, _, _ := f.svc.Directory(context.Background(), db.ListParams{Query: code(f.pending)}); len(none) != 0 {
		t.Fatalf("a partner awaiting approval is listed: %+v", none)
	}
}

func TestLinkLifecycle(t *testing.T) {
	f := newLinkFixture(t)
	c, p1, p2 := as(f.c), as(f.p1), as(f.p2)

	r1, err := f.svc.RequestLink(c, account.LinkRequestInput{PartnerCode: " " + strings.ToLower(code(f.p1))})
	if err != nil || r1.Status != account.LinkPending || r1.PartnerName != f.p1.Name || r1.CompanyName != f.c.Name {
		t.Fatalf("request: %+v, %v", r1, err)
	}
	_, err = f.svc.RequestLink(c, account.LinkRequestInput{PartnerID: f.p2.ID})
	wantCode(t, err, mypos.ECONFLICT) // one pending request at a time
	_, err = f.svc.AcceptLink(p2, r1.ID)
	wantCode(t, err, mypos.ENOTFOUND) // another partner's request
	_, err = f.svc.AcceptLink(c, r1.ID)
	wantCode(t, err, mypos.EFORBIDDEN)
	if _, err := f.svc.LinkedPartner(context.Background(), f.c.ID); mypos.ErrorCode(err) != mypos.ENOTFOUND {
		t.Fatalf("linked before acceptance: %v", err)
	}

	if r, err := f.svc.AcceptLink(p1, r1.ID); err != nil || r.Status != account.LinkAccepted || r.DecidedAt == nil {
		t.Fatalf("accept: %+v, %v", r, err)
	} else {
		mustNames(t, r, f.c, f.p1)
	}
	_, err = f.svc.AcceptLink(p1, r1.ID)
	wantCode(t, err, mypos.ECONFLICT)
	if got, err := f.svc.LinkedPartner(context.Background(), f.c.ID); err != nil || got != f.p1.ID {
		t.Fatalf("linked partner %q, %v; want p1", got, err)
	}
	_, err = f.svc.RequestLink(c, account.LinkRequestInput{PartnerID: f.p1.ID})
	wantCode(t, err, mypos.ECONFLICT) // already its partner
	mustClients(t, f, p1, f.c.ID)

	// A declined request leaves the link as it was.
	r2, err := f.svc.RequestLink(c, account.LinkRequestInput{PartnerID: f.p2.ID})
	if err != nil {
		t.Fatal(err)
	}
	if r, err := f.svc.DeclineLink(p2, r2.ID); err != nil || r.Status != account.LinkDeclined {
		t.Fatalf("decline: %+v, %v", r, err)
	} else {
		mustNames(t, r, f.c, f.p2)
	}
	if got, _ := f.svc.LinkedPartner(context.Background(), f.c.ID); got != f.p1.ID {
		t.Fatalf("a decline changed the link to %q", got)
	}

	// A cancelled request is withdrawn by the company.
	r3, _ := f.svc.RequestLink(c, account.LinkRequestInput{PartnerID: f.p2.ID})
	_, err = f.svc.CancelLink(as(f.d), r3.ID)
	wantCode(t, err, mypos.ENOTFOUND)
	if r, err := f.svc.CancelLink(c, r3.ID); err != nil || r.Status != account.LinkCancelled {
		t.Fatalf("cancel: %+v, %v", r, err)
	} else {
		mustNames(t, r, f.c, f.p2)
	}
	_, err = f.svc.AcceptLink(p2, r3.ID)
	wantCode(t, err, mypos.ECONFLICT)

	// Accepting a new partner ends the old link.
	r4, _ := f.svc.RequestLink(c, account.LinkRequestInput{PartnerCode: code(f.p2)})
	if _, err := f.svc.AcceptLink(p2, r4.ID); err != nil {
		t.Fatal(err)
	}
	if got, _ := f.svc.LinkedPartner(context.Background(), f.c.ID); got != f.p2.ID {
		t.Fatalf("linked partner %q, want p2", got)
	}
	mustClients(t, f, p1)
	mustClients(t, f, p2, f.c.ID)

	// Both sides see the history.
	mustStatuses(t, f, c, account.LinkEnded, account.LinkDeclined, account.LinkCancelled, account.LinkAccepted)
	mustStatuses(t, f, p1, account.LinkEnded)
	mustStatuses(t, f, p2, account.LinkDeclined, account.LinkCancelled, account.LinkAccepted)
	mustStatuses(t, f, as(f.d))
}

// mustNames asserts that a request answered shows both sides by name, as the
// list does: whoever decided it reads whom it concerned.
func mustNames(t *testing.T, r *account.LinkRequest, company, partner *account.Account) {
	t.Helper()
	if r.CompanyName != company.Name || r.PartnerName != partner.Name || r.PartnerCode != code(partner) {
		t.Fatalf("request %s names %q and %q (%q), want %q and %q (%q)", r.ID, r.CompanyName, r.PartnerName, r.PartnerCode, company.Name, partner.Name, code(partner))
	}
}

func mustClients(t *testing.T, f *linkFixture, partner context.Context, want ...string) {
	t.Helper()
	cs, _, err := f.svc.LinkedCompanies(partner, db.ListParams{})
	ids, err2 := f.svc.ClientIDs(partner)
	if err != nil || err2 != nil || len(cs) != len(want) || len(ids) != len(want) {
		t.Fatalf("clients %+v / %v (%v, %v), want %v", cs, ids, err, err2, want)
	}
	for i := range want {
		if cs[i].ID != want[i] || ids[i] != want[i] {
			t.Fatalf("clients %+v / %v, want %v", cs, ids, want)
		}
	}
}

func mustStatuses(t *testing.T, f *linkFixture, ctx context.Context, want ...string) {
	t.Helper()
	rs, _, err := f.svc.LinkRequests(ctx, db.ListParams{})
	if err != nil || len(rs) != len(want) {
		t.Fatalf("history %+v, %v; want %v", rs, err, want)
	}
	for i, r := range rs {
		if r.Status != want[i] || r.CompanyName == "" || r.PartnerName == "" {
			t.Fatalf("history %d: %+v, want status %s", i, r, want[i])
		}
	}
}

func TestLinkRefusals(t *testing.T) {
	f := newLinkFixture(t)
	tests := []struct {
		name  string
		ctx   context.Context
		in    account.LinkRequestInput
		code  string
		field string
	}{
		{"ErrNoPartner", as(f.c), account.LinkRequestInput{}, mypos.EINVALID, "partner_code"},
		{"ErrBoth", as(f.c), account.LinkRequestInput{PartnerCode: code(f.p1), PartnerID: f.p1.ID}, mypos.EINVALID, "partner_id"},
		{"ErrUnknownCode", as(f.c), account.LinkRequestInput{PartnerCode: "ZZZZZZ"}, mypos.EINVALID, "partner_code"},
		{"ErrPendingPartner", as(f.c), account.LinkRequestInput{PartnerCode: code(f.pending)}, mypos.EINVALID, "partner_code"},
		{"ErrCompanyID", as(f.c), account.LinkRequestInput{PartnerID: f.d.ID}, mypos.EINVALID, "partner_id"},
		{"ErrPartnerAsks", as(f.p1), account.LinkRequestInput{PartnerID: f.p2.ID}, mypos.EFORBIDDEN, ""},
		{"ErrAnonymous", context.Background(), account.LinkRequestInput{PartnerID: f.p2.ID}, mypos.EUNAUTHORIZED, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := f.svc.RequestLink(tt.ctx, tt.in)
			wantCode(t, err, tt.code)
			if got := mypos.ErrorField(err); got != tt.field {
				t.Fatalf("field %q, want %q", got, tt.field)
			}
		})
	}
	if rs, _, _ := f.svc.LinkRequests(as(f.c), db.ListParams{}); len(rs) != 0 {
		t.Fatalf("refused requests were written: %+v", rs)
	}
	_, _, err := f.svc.LinkedCompanies(as(f.c), db.ListParams{})
	wantCode(t, err, mypos.EFORBIDDEN)
}

// Requests raced from one company to many partners: one stays pending.
func TestLinkRequestRace(t *testing.T) {
	f := newLinkFixture(t)
	var wg sync.WaitGroup
	errs := make(chan error, 10)
	for i := 0; i < 10; i++ {
		partner := f.p1
		if i%2 == 1 {
			partner = f.p2
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := f.svc.RequestLink(as(f.c), account.LinkRequestInput{PartnerID: partner.ID})
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	ok := 0
	for err := range errs {
		switch mypos.ErrorCode(err) {
		case "":
			ok++
		case mypos.ECONFLICT:
		default:
			t.Fatalf("unexpected error: %v", err)
		}
	}
	if ok != 1 {
		t.Fatalf("%d requests pending, want 1", ok)
	}
}
