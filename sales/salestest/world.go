package salestest

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"

	"mypos"
	"mypos/account"
	"mypos/backoffice"
	"mypos/changelog"
	"mypos/db"
	"mypos/device"
	"mypos/licensing"
)

// Schemas are what a World needs of its database, beside sales.Schema
// (which this package cannot name: sales' own tests import it).
var Schemas = []db.Schema{account.Schema, changelog.Schema, device.Schema, backoffice.Schema, licensing.Schema}

// World is the real services an uploaded receipt is checked against, over
// one db: backoffice's cashiers, goods and discounts, licensing's
// ledger, and the accounts behind them — an owner and a partner whose
// client companies sell. services.New wires them (and checks receipts
// against Office and Licensing); sales' own tests, which services imports,
// wire them by hand.
type World struct {
	Accounts  *account.Service
	Office    *backoffice.Service
	Licensing *licensing.Service
	Devices   *device.Service
	owner     context.Context
	partner   context.Context
	companies atomic.Int32
}

// NewWorld is the world of the services, with its owner and partner made.
func NewWorld(tb testing.TB, accounts *account.Service, office *backoffice.Service, lic *licensing.Service, devices *device.Service) *World {
	tb.Helper()
	w := &World{Accounts: accounts, Office: office, Licensing: lic, Devices: devices}
	owner, err := w.Accounts.CreateOwner(context.Background(), "owner@mypos.test", "owner-password")
	if err != nil {
		tb.Fatal(err)
	}
	w.owner = actorOf(owner)
	partner, err := w.Accounts.CreatePartner(w.owner, account.Registration{Name: "Дилер", INN: "7736207543", Email: "dealer@mypos.test", Password: "dealer-password"})
	if err != nil {
		tb.Fatal(err)
	}
	w.partner = actorOf(partner)
	return w
}

// Partner is a context acting as the partner every company is a client of.
func (w *World) Partner() context.Context { return w.partner }

// Shop is a client company of the partner, set up to sell: the context
// acting as it, and a Seller of its cashier, two goods and a discount.
func (w *World) Shop(tb testing.TB) (context.Context, Seller) {
	tb.Helper()
	n := w.companies.Add(1)
	a, err := w.Accounts.Register(context.Background(), account.Registration{Kind: mypos.KindCompany, Name: "Магазин",
		INN: "7707083893", Email: fmt.Sprintf("shop%d@mypos.test", n), Password: "company-pass"})
	if err != nil {
		tb.Fatal(err)
	}
	ctx := actorOf(a)
	r, err := w.Accounts.RequestLink(ctx, account.LinkRequestInput{PartnerID: actorID(w.partner)})
	if err == nil {
		_, err = w.Accounts.AcceptLink(w.partner, r.ID)
	}
	if err != nil {
		tb.Fatal(err)
	}
	return ctx, w.Seller(tb, ctx)
}

// Seller makes a cashier, two goods and a discount of the company.
func (w *World) Seller(tb testing.TB, company context.Context) Seller {
	tb.Helper()
	return NewSeller(tb, w.Office, company)
}

// NewSeller makes a cashier, two goods and a discount of the company in
// the backoffice.
func NewSeller(tb testing.TB, office *backoffice.Service, company context.Context) Seller {
	tb.Helper()
	c, err := office.CreateCashier(company, backoffice.CashierInput{Name: "Ольга", PIN: "1234", Role: backoffice.RoleCashier})
	if err != nil {
		tb.Fatal(err)
	}
	s := Seller{CashierID: c.ID}
	for i := range 2 {
		price := int64(5990)
		g, err := office.CreateGoods(company, backoffice.GoodsInput{Code: mypos.NewID()[28:] + fmt.Sprint(i), Name: "Товар",
			Price: &price, Unit: "piece", VAT: "22"})
		if err != nil {
			tb.Fatal(err)
		}
		s.GoodsIDs = append(s.GoodsIDs, g.ID)
	}
	d, err := office.CreateDiscount(company, backoffice.DiscountInput{Name: "Скидка", Kind: "percent", Value: 500, Target: "all", AllStores: true})
	if err != nil {
		tb.Fatal(err)
	}
	s.DiscountID = d.ID
	return s
}

// License puts a new license of the company on its device: the owner
// sells it to the partner, who transfers it to the company, which assigns
// it. It returns the license.
func (w *World) License(tb testing.TB, company context.Context, deviceID string) string {
	tb.Helper()
	sale, err := w.Licensing.Sell(w.owner, actorID(w.partner), 1)
	if err != nil {
		tb.Fatal(err)
	}
	id := sale.LicenseIDs[0]
	if _, err := w.Licensing.Transfer(w.partner, actorID(company), []string{id}); err != nil {
		tb.Fatal(err)
	}
	if _, err := w.Licensing.Assign(company, id, deviceID); err != nil {
		tb.Fatal(err)
	}
	return id
}

func actorOf(a *account.Account) context.Context {
	return mypos.NewContextWithActor(context.Background(), a.Actor())
}

func actorID(ctx context.Context) string {
	a, _ := mypos.ActorFromContext(ctx)
	return a.ID
}
