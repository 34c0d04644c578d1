package backoffice_test

import (
	"context"
	"testing"

	"mypos"
	"mypos/account"
	"mypos/backoffice"
	"mypos/changelog"
	"mypos/db"
	"mypos/device"
	"mypos/services"
	"mypos/services/servicestest"
)

const innFirm = "7707083893"

type fixture struct {
	db       *db.DB
	changes  *changelog.Log
	accounts *account.Service
	devices  *device.Service
	office   *backoffice.Service
}

func newFixture(t testing.TB) *fixture {
	t.Helper()
	return fixtureOf(servicestest.Open(t, services.Config{}))
}

// fixtureOf is the fixture over the services.
func fixtureOf(svc *services.Set) *fixture {
	return &fixture{db: svc.DB, changes: svc.Changes, accounts: svc.Accounts, devices: svc.Devices, office: svc.Backoffice}
}

// company registers a company and returns a context acting as it.
func (f *fixture) company(t testing.TB, email string) context.Context {
	t.Helper()
	a, err := f.accounts.Register(context.Background(), account.Registration{
		Kind: mypos.KindCompany, Name: "Ромашка", INN: innFirm, Email: email, Password: "company-pass",
	})
	if err != nil {
		t.Fatalf("register %s: %v", email, err)
	}
	return mypos.NewContextWithActor(context.Background(), a.Actor())
}

func companyID(ctx context.Context) string {
	a, _ := mypos.ActorFromContext(ctx)
	return a.CompanyID
}

func (f *fixture) device(t testing.TB, ctx context.Context, name string) string {
	t.Helper()
	d, _, err := f.devices.Create(ctx, device.NewDevice{Name: name})
	if err != nil {
		t.Fatalf("create device %s: %v", name, err)
	}
	return d.ID
}

func (f *fixture) store(t testing.TB, ctx context.Context, name string) *backoffice.Store {
	t.Helper()
	st, err := f.office.CreateStore(ctx, backoffice.StoreInput{Name: name, Address: "ул. Ленина, 1"})
	if err != nil {
		t.Fatalf("create store %s: %v", name, err)
	}
	return st
}

func (f *fixture) cashier(t testing.TB, ctx context.Context, name string, deviceIDs ...string) *backoffice.Cashier {
	t.Helper()
	c, err := f.office.CreateCashier(ctx, backoffice.CashierInput{Name: name, PIN: "1234", Role: backoffice.RoleCashier, DeviceIDs: deviceIDs})
	if err != nil {
		t.Fatalf("create cashier %s: %v", name, err)
	}
	return c
}

func (f *fixture) head(t testing.TB, ctx context.Context) int64 {
	t.Helper()
	rev, err := f.changes.Head(context.Background(), companyID(ctx))
	if err != nil {
		t.Fatal(err)
	}
	return rev
}

// count returns the rows of a table.
func (f *fixture) count(t testing.TB, table string) int64 {
	t.Helper()
	var n int64
	if err := f.db.Conn(context.Background()).Table(table).Count(&n).Error; err != nil {
		t.Fatal(err)
	}
	return n
}

// changesSince returns the company's changes after rev.
func (f *fixture) changesSince(t testing.TB, ctx context.Context, rev int64) []changelog.Change {
	t.Helper()
	cs, err := f.changes.Rows(context.Background(), companyID(ctx), rev, 1000)
	if err != nil {
		t.Fatal(err)
	}
	return cs
}

func wantCode(t testing.TB, err error, code, field string) {
	t.Helper()
	if got := mypos.ErrorCode(err); got != code {
		t.Fatalf("code=%q (%v), want %q", got, err, code)
	}
	if got := mypos.ErrorField(err); field != "" && got != field {
		t.Fatalf("field=%q, want %q", got, field)
	}
}

func ptr[T any](v T) *T { return &v }
