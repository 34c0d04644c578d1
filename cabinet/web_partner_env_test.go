package cabinet

import (
	"context"
	"fmt"
	"net/url"
	"testing"

	"mypos"
	"mypos/account"
	"mypos/db"
	"mypos/licensing"
)

// partnerWorld is a cabinet with the owner, an approved partner logged in
// in a browser, and the licenses the owner sold it.
type partnerWorld struct {
	*webEnv
	owner   context.Context
	partner *account.Account
	as      context.Context // acting as the partner
	b       *browser        // the partner's browser
	n       int             // accounts made, for unique INNs and e-mails
}

func newPartnerWorld(t *testing.T, sealed int) *partnerWorld {
	t.Helper()
	w := &partnerWorld{webEnv: newWebEnv(t)}
	w.owner = w.MustOwnerContext()
	w.partner, w.as, w.b = w.newPartner("Дилер Север")
	w.sell(w.partner, sealed)
	return w
}

// newPartner registers, approves and logs in a partner.
func (w *partnerWorld) newPartner(name string) (*account.Account, context.Context, *browser) {
	w.t.Helper()
	email := w.email()
	p := w.MustRegister(mypos.KindPartner, name, w.inn(), email, "partner-pass")
	w.MustApprove(w.owner, p.ID)
	p.Status = account.StatusActive
	b := w.browser()
	b.login(email, "partner-pass")
	return p, mypos.NewContextWithActor(context.Background(), p.Actor()), b
}

func (w *partnerWorld) sell(p *account.Account, n int) {
	w.t.Helper()
	if n == 0 {
		return
	}
	if _, err := w.srv.cfg.Licensing.Sell(w.owner, p.ID, n); err != nil {
		w.t.Fatal(err)
	}
}

// company registers a company and returns it with its context.
func (w *partnerWorld) company(name string) (*account.Account, context.Context) {
	w.t.Helper()
	c := w.MustRegister(mypos.KindCompany, name, w.inn(), w.email(), "company-pass")
	return c, mypos.NewContextWithActor(context.Background(), c.Actor())
}

// request sends a link request from a new company to partner p.
func (w *partnerWorld) request(name string, p *account.Account) (*account.Account, *account.LinkRequest) {
	w.t.Helper()
	c, ctx := w.company(name)
	r, err := w.svc.RequestLink(ctx, account.LinkRequestInput{PartnerCode: *p.Code})
	if err != nil {
		w.t.Fatal(err)
	}
	return c, r
}

// client makes a new company the partner's client.
func (w *partnerWorld) client(name string, p *account.Account, as context.Context) *account.Account {
	w.t.Helper()
	c, r := w.request(name, p)
	if _, err := w.svc.AcceptLink(as, r.ID); err != nil {
		w.t.Fatal(err)
	}
	return c
}

// sealedIDs are the partner's oldest sealed licenses.
func (w *partnerWorld) sealedIDs(as context.Context, n int) []string {
	w.t.Helper()
	ls, _, err := w.srv.cfg.Licensing.Licenses(as, licensing.LicenseFilter{State: licensing.StateSealed, ListParams: db.ListParams{Limit: n}})
	if err != nil {
		w.t.Fatal(err)
	}
	ids := make([]string, len(ls))
	for i, l := range ls {
		ids[i] = l.ID
	}
	return ids
}

func (w *partnerWorld) email() string {
	w.n++
	return fmt.Sprintf("a%d@partner.test", w.n)
}

// inn makes a valid firm's INN, a new one each call.
func (w *partnerWorld) inn() string {
	w.n++
	base := fmt.Sprintf("77%07d", w.n)
	weights := []int{2, 4, 10, 3, 5, 9, 4, 6, 8}
	sum := 0
	for i, c := range base {
		sum += int(c-'0') * weights[i]
	}
	return base + fmt.Sprint(sum%11%10)
}

// form is url.Values from pairs.
func form(kv ...string) url.Values {
	v := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		v.Add(kv[i], kv[i+1])
	}
	return v
}
