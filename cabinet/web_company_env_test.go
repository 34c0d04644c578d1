package cabinet

import (
	"context"
	"net/url"
	"testing"

	"mypos"
	"mypos/account"
	"mypos/backoffice"
	"mypos/device"
)

// officeEnv is a cabinet with a company logged in through the form — its
// browser — and the company acting on the services directly (ctx), so a
// test sets the scene quickly and checks the pages.
type officeEnv struct {
	*webEnv
	co    *account.Account
	ctx   context.Context
	b     *browser
	owner context.Context
}

func newOfficeEnv(t *testing.T) *officeEnv {
	t.Helper()
	env := newWebEnv(t)
	co := env.MustRegister(mypos.KindCompany, "Ромашка", innFirm, "shop@romashka.test", "company-pass")
	b := env.browser()
	b.login("shop@romashka.test", "company-pass")
	return &officeEnv{webEnv: env, co: co, ctx: mypos.NewContextWithActor(context.Background(), co.Actor()), b: b}
}

// other is a second company, for the tenancy checks: its rows are 404 to
// the first.
func (e *officeEnv) other() context.Context {
	e.t.Helper()
	co := e.MustRegister(mypos.KindCompany, "Лютик", innFirm2, "shop@lutik.test", "company-pass")
	return mypos.NewContextWithActor(context.Background(), co.Actor())
}

func (e *officeEnv) store(ctx context.Context, name string) *backoffice.Store {
	e.t.Helper()
	st, err := e.srv.cfg.Backoffice.CreateStore(ctx, backoffice.StoreInput{Name: name})
	if err != nil {
		e.t.Fatal(err)
	}
	return st
}

func (e *officeEnv) device(ctx context.Context, name string, storeID *string) *device.Device {
	e.t.Helper()
	d, _, err := e.srv.cfg.Backoffice.CreateDevice(ctx, device.NewDevice{Name: name, StoreID: storeID})
	if err != nil {
		e.t.Fatal(err)
	}
	return d
}

func (e *officeEnv) cashier(ctx context.Context, name string, deviceIDs ...string) *backoffice.Cashier {
	e.t.Helper()
	c, err := e.srv.cfg.Backoffice.CreateCashier(ctx, backoffice.CashierInput{Name: name, PIN: "1234", Role: backoffice.RoleCashier, DeviceIDs: deviceIDs})
	if err != nil {
		e.t.Fatal(err)
	}
	return c
}

// partner is an approved partner and a context acting as it.
func (e *officeEnv) partner(name, inn, email string) (*account.Account, context.Context) {
	e.t.Helper()
	p := e.MustRegister(mypos.KindPartner, name, inn, email, "partner-pass")
	e.MustApprove(e.ownerCtx(), p.ID)
	p, _ = e.svc.ActivePartner(context.Background(), p.ID)
	return p, mypos.NewContextWithActor(context.Background(), p.Actor())
}

// ownerCtx creates the owner once.
func (e *officeEnv) ownerCtx() context.Context {
	if e.owner == nil {
		e.owner = e.MustOwnerContext()
	}
	return e.owner
}

// link links the company to the partner: a request it accepts.
func (e *officeEnv) link(partnerCtx context.Context, p *account.Account) {
	e.t.Helper()
	r, err := e.svc.RequestLink(e.ctx, account.LinkRequestInput{PartnerID: p.ID})
	if err != nil {
		e.t.Fatal(err)
	}
	if _, err := e.svc.AcceptLink(partnerCtx, r.ID); err != nil {
		e.t.Fatal(err)
	}
}

// licenses sells n licenses to the partner, who passes them to the company.
func (e *officeEnv) licenses(partnerCtx context.Context, p *account.Account, n int) []string {
	e.t.Helper()
	lic := e.srv.cfg.Licensing
	doc, err := lic.Sell(e.ownerCtx(), p.ID, n)
	if err != nil {
		e.t.Fatal(err)
	}
	if _, err := lic.Transfer(partnerCtx, e.co.ID, doc.LicenseIDs); err != nil {
		e.t.Fatal(err)
	}
	return doc.LicenseIDs
}

// getEach checks each path answers the status.
func (b *browser) getEach(t *testing.T, status int, paths ...string) {
	t.Helper()
	for _, p := range paths {
		if r := b.get(p); r.StatusCode != status {
			t.Fatalf("GET %s: %d, want %d", p, r.StatusCode, status)
		}
	}
}

// postEach checks each form post answers the status.
func (b *browser) postEach(t *testing.T, status int, paths ...string) {
	t.Helper()
	for _, p := range paths {
		if r := b.post(p, url.Values{"name": {"x"}, "pin": {"1234"}, "role": {"cashier"}}); r.StatusCode != status {
			t.Fatalf("POST %s: %d, want %d:\n%s", p, r.StatusCode, status, r.Body)
		}
	}
}
