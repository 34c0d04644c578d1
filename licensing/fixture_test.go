package licensing_test

import (
	"context"
	"testing"

	"mypos"
	"mypos/account"
	"mypos/changelog"
	"mypos/db"
	"mypos/device"
	"mypos/licensing"
	"mypos/licensing/licensingtest"
	"mypos/services"
	"mypos/services/servicestest"
)

// Valid INNs for fixtures.
const (
	innFirm   = "7707083893"
	innFirm2  = "7736207543"
	innTrader = "500100732259"
)

// fixture is licensing over a real database, with the services it asks.
// Every test ends with a replay of all documents (licensingtest.VerifyAfter).
type fixture struct {
	db       *db.DB
	changes  *changelog.Log
	accounts *account.Service
	devices  *device.Service
	lic      *licensing.Service
	owner    context.Context
	n        int // accounts made, for unique e-mails
}

func newFixture(tb testing.TB) *fixture {
	tb.Helper()
	f := fixtureOf(tb, servicestest.Open(tb, services.Config{}))
	licensingtest.VerifyAfter(tb, f.lic)
	return f
}

// fixtureOf is the fixture over the services, its owner made.
func fixtureOf(tb testing.TB, svc *services.Set) *fixture {
	tb.Helper()
	f := &fixture{db: svc.DB, changes: svc.Changes, accounts: svc.Accounts, devices: svc.Devices, lic: svc.Licensing}
	o, err := f.accounts.CreateOwner(context.Background(), "owner@mypos.test", "owner-password")
	if err != nil {
		tb.Fatal(err)
	}
	f.owner = as(o)
	return f
}

func as(a *account.Account) context.Context {
	return mypos.NewContextWithActor(context.Background(), a.Actor())
}

func idOf(ctx context.Context) string {
	a, _ := mypos.ActorFromContext(ctx)
	return a.ID
}

func (f *fixture) email(kind string) string {
	f.n++
	return kind + string(rune('a'+f.n%26)) + "-" + mypos.NewID()[24:] + "@mypos.test"
}

// partner makes an active partner and returns a context acting as it.
func (f *fixture) partner(tb testing.TB) context.Context {
	tb.Helper()
	p, err := f.accounts.CreatePartner(f.owner, account.Registration{Name: "Дилер", INN: innFirm2, Email: f.email("partner"), Password: "partner-pass"})
	if err != nil {
		tb.Fatal(err)
	}
	return as(p)
}

// company makes a company and returns a context acting as it.
func (f *fixture) company(tb testing.TB) context.Context {
	tb.Helper()
	c, err := f.accounts.Register(context.Background(), account.Registration{Kind: mypos.KindCompany, Name: "Магазин", INN: innFirm, Email: f.email("company"), Password: "company-pass"})
	if err != nil {
		tb.Fatal(err)
	}
	return as(c)
}

// link makes the company the partner's client.
func (f *fixture) link(tb testing.TB, company, partner context.Context) {
	tb.Helper()
	r, err := f.accounts.RequestLink(company, account.LinkRequestInput{PartnerID: idOf(partner)})
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := f.accounts.AcceptLink(partner, r.ID); err != nil {
		tb.Fatal(err)
	}
}

func (f *fixture) device(tb testing.TB, company context.Context) string {
	tb.Helper()
	d, _, err := f.devices.Create(company, device.NewDevice{Name: "Касса"})
	if err != nil {
		tb.Fatal(err)
	}
	return d.ID
}

// sell sells n sealed licenses to the partner.
func (f *fixture) sell(tb testing.TB, partner context.Context, n int) []string {
	tb.Helper()
	doc, err := f.lic.Sell(f.owner, idOf(partner), n)
	if err != nil {
		tb.Fatal(err)
	}
	return doc.LicenseIDs
}

// license returns a license as the owner sees it: facts and key.
func (f *fixture) license(tb testing.TB, id string) *licensing.License {
	tb.Helper()
	l, err := f.lic.Get(f.owner, id)
	if err != nil {
		tb.Fatal(err)
	}
	return l
}

var licensee = licensing.Licensee{Name: "ООО Ромашка", INN: innTrader, Email: "shop@romashka.test"}

// unsealed sells a license to the partner and unseals it to itself; it
// returns the license and its key.
func (f *fixture) unsealed(tb testing.TB, partner context.Context) (string, string) {
	tb.Helper()
	id := f.sell(tb, partner, 1)[0]
	if _, err := f.lic.Unseal(partner, []string{id}, licensee); err != nil {
		tb.Fatal(err)
	}
	return id, f.license(tb, id).Key
}

// atCompany sells a license to the partner and transfers it to its client.
func (f *fixture) atCompany(tb testing.TB, partner, company context.Context) string {
	tb.Helper()
	id := f.sell(tb, partner, 1)[0]
	if _, err := f.lic.Transfer(partner, idOf(company), []string{id}); err != nil {
		tb.Fatal(err)
	}
	return id
}

// onDevice puts a new license of the company on a device.
func (f *fixture) onDevice(tb testing.TB, partner, company context.Context, deviceID string) string {
	tb.Helper()
	id := f.atCompany(tb, partner, company)
	if _, err := f.lic.Assign(company, id, deviceID); err != nil {
		tb.Fatal(err)
	}
	return id
}

// snapshot is everything a refused operation must leave as it was.
type snapshot struct {
	documents int64
	facts     map[string]string
	revisions int64
}

func (f *fixture) snapshot(tb testing.TB) snapshot {
	tb.Helper()
	conn := f.db.Conn(context.Background())
	var s snapshot
	if err := conn.Raw(`SELECT COUNT(*) FROM license_documents`).Scan(&s.documents).Error; err != nil {
		tb.Fatal(err)
	}
	var revs []int64
	if err := conn.Raw(`SELECT rev FROM changelog_heads`).Scan(&revs).Error; err != nil {
		tb.Fatal(err)
	}
	for _, r := range revs {
		s.revisions += r
	}
	var rows []struct {
		ID, Facts string
	}
	err := conn.Raw(`SELECT CAST(id AS TEXT) AS id, (CASE WHEN sealed THEN 's' ELSE 'u' END) || ':' ||
		COALESCE(CAST(partner_id AS TEXT), '') || ':' || COALESCE(CAST(company_id AS TEXT), '') || ':' ||
		COALESCE(CAST(device_id AS TEXT), '') || ':' || COALESCE(licensee_inn, '') AS facts FROM licenses`).Scan(&rows).Error
	if err != nil {
		tb.Fatal(err)
	}
	s.facts = make(map[string]string, len(rows))
	for _, r := range rows {
		s.facts[r.ID] = r.Facts
	}
	return s
}

func (s snapshot) same(o snapshot) bool {
	if s.documents != o.documents || s.revisions != o.revisions || len(s.facts) != len(o.facts) {
		return false
	}
	for id, facts := range s.facts {
		if o.facts[id] != facts {
			return false
		}
	}
	return true
}

func wantCode(tb testing.TB, err error, code string) {
	tb.Helper()
	if got := mypos.ErrorCode(err); got != code {
		tb.Fatalf("error %v: code %q, want %q", err, got, code)
	}
}

// pageAll asks for the longest page a list gives.
var pageAll = db.ListParams{Limit: db.MaxLimit}
