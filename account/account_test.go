package account_test

import (
	"context"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"mypos"
	"mypos/account"
	"mypos/db"
	"mypos/db/dbtest"
)

// Valid INNs for fixtures.
const (
	innFirm   = "7707083893"
	innFirm2  = "7736207543"
	innTrader = "500100732259"
)

type fixture struct {
	db  *db.DB
	svc *account.Service
	now time.Time
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	database := dbtest.Open(t, account.Schema)
	f := &fixture{db: database, now: time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC)}
	database.Now = func() time.Time { return f.now }
	f.svc = account.NewService(database, account.Options{HashCost: bcrypt.MinCost})
	return f
}

func (f *fixture) owner(t *testing.T) context.Context {
	t.Helper()
	o, err := f.svc.CreateOwner(context.Background(), "owner@mypos.test", "owner-password")
	if err != nil {
		t.Fatal(err)
	}
	return mypos.NewContextWithActor(context.Background(), o.Actor())
}

func (f *fixture) register(t *testing.T, kind, email, password string) *account.Account {
	t.Helper()
	a, err := f.svc.Register(context.Background(), account.Registration{Kind: kind, Name: "Ромашка " + kind, INN: innFirm, Email: email, Password: password})
	if err != nil {
		t.Fatalf("register %s %s: %v", kind, email, err)
	}
	return a
}

func (f *fixture) approve(t *testing.T, ownerCtx context.Context, id string) {
	t.Helper()
	if _, err := f.svc.ApprovePartner(ownerCtx, id); err != nil {
		t.Fatal(err)
	}
}

func login(f *fixture, email, password string) (*account.Login, error) {
	return f.svc.Login(context.Background(), account.Credentials{Email: email, Password: password}, "10.0.0.1", account.ViaToken)
}

func TestLoginRule(t *testing.T) {
	f := newFixture(t)
	ownerCtx := f.owner(t)
	f.register(t, mypos.KindCompany, "solo@shop.test", "company-pass")

	f.register(t, mypos.KindCompany, "two@dealer.test", "company-pass")
	p := f.register(t, mypos.KindPartner, "two@dealer.test", "partner-pass")
	f.approve(t, ownerCtx, p.ID)

	f.register(t, mypos.KindCompany, "same@dealer.test", "shared-pass")
	p = f.register(t, mypos.KindPartner, "Same@Dealer.test", "shared-pass")
	f.approve(t, ownerCtx, p.ID)

	f.register(t, mypos.KindPartner, "waiting@dealer.test", "partner-pass")

	tests := []struct {
		name, email, password string
		kind                  string // the cabinet opened, "" for a choice or an error
		choices               int
		code                  string
	}{
		{"OneAccount", "solo@shop.test", "company-pass", mypos.KindCompany, 0, ""},
		{"EmailIsCaseInsensitive", " SOLO@shop.test", "company-pass", mypos.KindCompany, 0, ""},
		{"TwoAccountsCompanyPassword", "two@dealer.test", "company-pass", mypos.KindCompany, 0, ""},
		{"TwoAccountsPartnerPassword", "two@dealer.test", "partner-pass", mypos.KindPartner, 0, ""},
		{"TwoAccountsSamePassword", "same@dealer.test", "shared-pass", "", 2, ""},
		{"Owner", "owner@mypos.test", "owner-password", mypos.KindOwner, 0, ""},
		{"WrongPassword", "solo@shop.test", "wrong-pass", "", 0, mypos.EUNAUTHORIZED},
		{"UnknownEmail", "nobody@shop.test", "company-pass", "", 0, mypos.EUNAUTHORIZED},
		{"PendingPartner", "waiting@dealer.test", "partner-pass", "", 0, mypos.EFORBIDDEN},
		{"PendingPartnerWrongPassword", "waiting@dealer.test", "wrong-pass", "", 0, mypos.EUNAUTHORIZED},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l, err := login(f, tt.email, tt.password)
			if got := mypos.ErrorCode(err); got != tt.code {
				t.Fatalf("code=%q (%v), want %q", got, err, tt.code)
			}
			if err != nil {
				return
			}
			if tt.choices > 0 {
				if l.Session != nil || l.Ticket == "" || len(l.Choices) != tt.choices {
					t.Fatalf("login=%+v, want a ticket and %d choices", l, tt.choices)
				}
				return
			}
			if l.Session == nil || l.Session.Account.Kind != tt.kind || l.Session.Token == "" {
				t.Fatalf("login=%+v, want a %s session", l, tt.kind)
			}
			sess, err := f.svc.Authenticate(context.Background(), l.Session.Token)
			if err != nil || sess.Account.ID != l.Session.Account.ID {
				t.Fatalf("Authenticate(token)=%v, %v", sess, err)
			}
		})
	}
}

func TestLoginChoice(t *testing.T) {
	f := newFixture(t)
	ownerCtx := f.owner(t)
	c := f.register(t, mypos.KindCompany, "same@dealer.test", "shared-pass")
	p := f.register(t, mypos.KindPartner, "same@dealer.test", "shared-pass")
	f.approve(t, ownerCtx, p.ID)
	ctx := context.Background()

	choose := func(t *testing.T) string {
		t.Helper()
		l, err := login(f, "same@dealer.test", "shared-pass")
		if err != nil || l.Ticket == "" {
			t.Fatalf("login=%+v, %v; want a choice", l, err)
		}
		kinds := map[string]bool{}
		for _, ch := range l.Choices {
			kinds[ch.Kind] = true
		}
		if !kinds[mypos.KindCompany] || !kinds[mypos.KindPartner] {
			t.Fatalf("choices=%+v, want company and partner", l.Choices)
		}
		return l.Ticket
	}

	t.Run("PickCompany", func(t *testing.T) {
		sess, err := f.svc.CompleteLogin(ctx, choose(t), mypos.KindCompany, account.ViaToken)
		if err != nil || sess.Account.ID != c.ID {
			t.Fatalf("CompleteLogin=%v, %v; want company %s", sess, err, c.ID)
		}
	})
	t.Run("TicketIsSingleUse", func(t *testing.T) {
		ticket := choose(t)
		if _, err := f.svc.CompleteLogin(ctx, ticket, mypos.KindPartner, account.ViaToken); err != nil {
			t.Fatal(err)
		}
		_, err := f.svc.CompleteLogin(ctx, ticket, mypos.KindCompany, account.ViaToken)
		if got, want := mypos.ErrorCode(err), mypos.EUNAUTHORIZED; got != want {
			t.Fatalf("second use: code=%q, want %q", got, want)
		}
	})
	t.Run("TicketExpires", func(t *testing.T) {
		ticket := choose(t)
		f.now = f.now.Add(2*time.Minute + time.Second)
		_, err := f.svc.CompleteLogin(ctx, ticket, mypos.KindCompany, account.ViaToken)
		if got, want := mypos.ErrorCode(err), mypos.EUNAUTHORIZED; got != want {
			t.Fatalf("expired ticket: code=%q, want %q", got, want)
		}
	})
	t.Run("KindNotOffered", func(t *testing.T) {
		_, err := f.svc.CompleteLogin(ctx, choose(t), mypos.KindOwner, account.ViaToken)
		if got, want := mypos.ErrorCode(err), mypos.EINVALID; got != want {
			t.Fatalf("owner pick: code=%q, want %q", got, want)
		}
	})
	t.Run("ForgedTicket", func(t *testing.T) {
		_, err := f.svc.CompleteLogin(ctx, "forged", mypos.KindCompany, account.ViaToken)
		if got, want := mypos.ErrorCode(err), mypos.EUNAUTHORIZED; got != want {
			t.Fatalf("forged ticket: code=%q, want %q", got, want)
		}
	})
}

func TestLoginBackoff(t *testing.T) {
	f := newFixture(t)
	f.register(t, mypos.KindCompany, "victim@shop.test", "right-pass")

	for i := 1; i <= 5; i++ {
		if _, err := login(f, "victim@shop.test", "guess"); mypos.ErrorCode(err) != mypos.EUNAUTHORIZED {
			t.Fatalf("failure %d: err=%v, want EUNAUTHORIZED", i, err)
		}
	}
	// Blocked now, even with the right password: a guess must not be confirmed.
	_, err := login(f, "victim@shop.test", "right-pass")
	if got, want := mypos.ErrorCode(err), mypos.ERATELIMIT; got != want {
		t.Fatalf("6th attempt: code=%q, want %q", got, want)
	}
	if got, want := mypos.ErrorRetryAfter(err), 30*time.Second; got != want {
		t.Fatalf("RetryAfter=%v, want %v", got, want)
	}
	// Another e-mail from the same address is not slowed.
	f.register(t, mypos.KindCompany, "other@shop.test", "other-pass")
	if _, err := login(f, "other@shop.test", "other-pass"); err != nil {
		t.Fatalf("other account: %v", err)
	}

	// The delay doubles with each failure past the limit, up to 15 minutes.
	wants := []time.Duration{time.Minute, 2 * time.Minute, 4 * time.Minute, 8 * time.Minute, 15 * time.Minute, 15 * time.Minute}
	for _, want := range wants {
		f.now = f.now.Add(mypos.ErrorRetryAfter(err))
		if _, err = login(f, "victim@shop.test", "guess"); mypos.ErrorCode(err) != mypos.EUNAUTHORIZED {
			t.Fatalf("after the wait: err=%v, want EUNAUTHORIZED", err)
		}
		_, err = login(f, "victim@shop.test", "guess")
		if got := mypos.ErrorRetryAfter(err); mypos.ErrorCode(err) != mypos.ERATELIMIT || got != want {
			t.Fatalf("err=%v RetryAfter=%v, want ERATELIMIT after %v", err, got, want)
		}
	}
	// Never a permanent lockout: the owner of the account gets in once the delay ends.
	f.now = f.now.Add(15 * time.Minute)
	if _, err := login(f, "victim@shop.test", "right-pass"); err != nil {
		t.Fatalf("after the last delay: %v", err)
	}
}

func TestLoginBackoffPerAddress(t *testing.T) {
	f := newFixture(t)
	f.register(t, mypos.KindCompany, "real@shop.test", "right-pass")
	// 20 failures spread over many e-mails from one address.
	for i := 0; i < 20; i++ {
		email := string(rune('a'+i)) + "@spray.test"
		if _, err := login(f, email, "guess"); mypos.ErrorCode(err) != mypos.EUNAUTHORIZED {
			t.Fatalf("failure %d: %v", i, err)
		}
	}
	_, err := login(f, "real@shop.test", "right-pass")
	if got, want := mypos.ErrorCode(err), mypos.ERATELIMIT; got != want {
		t.Fatalf("21st attempt from the address: code=%q, want %q", got, want)
	}
	// The same account from another address is not held back.
	_, err = f.svc.Login(context.Background(), account.Credentials{Email: "real@shop.test", Password: "right-pass"}, "10.9.9.9", account.ViaToken)
	if err != nil {
		t.Fatalf("from another address: %v", err)
	}
}

func TestSession(t *testing.T) {
	f := newFixture(t)
	f.register(t, mypos.KindCompany, "solo@shop.test", "company-pass")
	ctx := context.Background()
	l, err := login(f, "solo@shop.test", "company-pass")
	if err != nil {
		t.Fatal(err)
	}
	token := l.Session.Token
	if l.Session.TokenHash == token {
		t.Fatal("the token is stored in clear")
	}
	if _, err := f.svc.Authenticate(ctx, token+"x"); mypos.ErrorCode(err) != mypos.EUNAUTHORIZED {
		t.Fatalf("bad token: %v", err)
	}
	if err := f.svc.Logout(ctx, token); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.Authenticate(ctx, token); mypos.ErrorCode(err) != mypos.EUNAUTHORIZED {
		t.Fatalf("after logout: %v", err)
	}
	l, _ = login(f, "solo@shop.test", "company-pass")
	f.now = f.now.Add(31 * 24 * time.Hour)
	if _, err := f.svc.Authenticate(ctx, l.Session.Token); mypos.ErrorCode(err) != mypos.EUNAUTHORIZED {
		t.Fatalf("expired session: %v", err)
	}
}

func TestRegister(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	good := account.Registration{Kind: mypos.KindCompany, Name: "ИП Иванов", INN: innTrader, Email: "ivanov@shop.test", Password: "long-enough"}
	a, err := f.svc.Register(ctx, good)
	if err != nil {
		t.Fatal(err)
	}
	if a.Status != account.StatusActive || a.Code != nil {
		t.Fatalf("company=%+v, want active without a partner code", a)
	}
	p := good
	p.Kind = mypos.KindPartner
	partner, err := f.svc.Register(ctx, p)
	if err != nil {
		t.Fatalf("a partner on the same e-mail: %v", err)
	}
	if partner.Status != account.StatusPending || partner.Code == nil || len(*partner.Code) != 6 {
		t.Fatalf("partner=%+v, want pending with a 6-character code", partner)
	}

	bad := []struct {
		name   string
		change func(*account.Registration)
		code   string
		field  string
	}{
		{"Kind", func(r *account.Registration) { r.Kind = mypos.KindOwner }, mypos.EINVALID, "kind"},
		{"Name", func(r *account.Registration) { r.Name = "  " }, mypos.EINVALID, "name"},
		{"Email", func(r *account.Registration) { r.Email = "not-an-email" }, mypos.EINVALID, "email"},
		{"INNChecksum", func(r *account.Registration) { r.INN = "7707083894" }, mypos.EINVALID, "inn"},
		{"ShortPassword", func(r *account.Registration) { r.Password = "short" }, mypos.EINVALID, "password"},
		{"Duplicate", func(r *account.Registration) { r.Email = "IVANOV@shop.test" }, mypos.ECONFLICT, "email"},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			r := good
			r.Email = "new-" + tt.name + "@shop.test"
			tt.change(&r)
			_, err := f.svc.Register(ctx, r)
			if mypos.ErrorCode(err) != tt.code || mypos.ErrorField(err) != tt.field {
				t.Fatalf("err=%v field=%q, want %s on %s", err, mypos.ErrorField(err), tt.code, tt.field)
			}
		})
	}
	var n int64
	f.db.Conn(ctx).Model(&account.Account{}).Count(&n)
	if n != 2 {
		t.Fatalf("accounts=%d after refused registrations, want 2", n)
	}
}

func TestOwnerOnly(t *testing.T) {
	f := newFixture(t)
	ownerCtx := f.owner(t)
	c := f.register(t, mypos.KindCompany, "c@shop.test", "company-pass")
	p := f.register(t, mypos.KindPartner, "p@dealer.test", "partner-pass")
	companyCtx := mypos.NewContextWithActor(context.Background(), c.Actor())

	if _, _, err := f.svc.ListPartners(companyCtx, db.ListParams{}); mypos.ErrorCode(err) != mypos.EFORBIDDEN {
		t.Fatalf("company lists partners: %v", err)
	}
	if _, err := f.svc.ApprovePartner(companyCtx, p.ID); mypos.ErrorCode(err) != mypos.EFORBIDDEN {
		t.Fatalf("company approves: %v", err)
	}
	if _, err := f.svc.ApprovePartner(ownerCtx, c.ID); mypos.ErrorCode(err) != mypos.ENOTFOUND {
		t.Fatalf("approving a company: %v, want ENOTFOUND", err)
	}
	created, err := f.svc.CreatePartner(ownerCtx, account.Registration{Name: "Дилер Север", INN: innFirm2, Email: "north@dealer.test", Password: "partner-pass", City: "Мурманск"})
	if err != nil || created.Status != account.StatusActive {
		t.Fatalf("owner creates a partner: %+v, %v", created, err)
	}

	// Search by name folds Cyrillic case on both databases.
	items, next, err := f.svc.ListPartners(ownerCtx, db.ListParams{Query: "дилер"})
	if err != nil || len(items) != 1 || items[0].ID != created.ID || next != "" {
		t.Fatalf("search: %d items, next=%q, err=%v", len(items), next, err)
	}
	// Pagination walks every partner once.
	seen := map[string]bool{}
	cursor := ""
	for {
		page, next, err := f.svc.ListPartners(ownerCtx, db.ListParams{Limit: 1, Cursor: cursor})
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range page {
			seen[a.ID] = true
		}
		if next == "" {
			break
		}
		cursor = next
	}
	if len(seen) != 2 {
		t.Fatalf("paged through %d partners, want 2", len(seen))
	}
}
