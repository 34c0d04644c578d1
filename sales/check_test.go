package sales

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"mypos"
	"mypos/account"
	"mypos/backoffice"
	"mypos/changelog"
	"mypos/db"
	"mypos/db/dbtest"
	"mypos/device"
	"mypos/licensing"
	"mypos/protocol"
	"mypos/sales/salestest"
)

// checkedFixture is the ingester checking receipts against the real
// backoffice and licensing over one database, each lookup counted, on a
// clock the test moves.
type checkedFixture struct {
	*fixture
	world   *salestest.World
	clock   time.Time
	lookups *counted
}

func newCheckedFixture(t testing.TB, opts IngestOptions) *checkedFixture {
	t.Helper()
	database := dbtest.Open(t, append(salestest.Schemas, Schema)...)
	f := &checkedFixture{clock: testNow}
	database.Now = func() time.Time { return f.clock }
	f.world = newWorld(t, database)
	f.lookups = &counted{Owners: f.world.Office, Licenses: f.world.Licensing}
	svc := NewService(database)
	f.fixture = &fixture{t: t, db: database, svc: svc, in: NewIngester(svc, Checks{Owners: f.lookups, Licenses: f.lookups}, opts)}
	t.Cleanup(f.in.Close)
	return f
}

// newWorld wires the services of a world over database by hand: sales'
// tests cannot import package services, which imports sales.
func newWorld(t testing.TB, database *db.DB) *salestest.World {
	changes := changelog.New(database)
	accounts := account.NewService(database, account.Options{HashCost: bcrypt.MinCost})
	devices := device.NewService(database, changes, device.Options{})
	office := backoffice.NewService(database, changes, devices, backoffice.Options{HashCost: bcrypt.MinCost})
	return salestest.NewWorld(t, accounts, office, licensing.NewService(database, changes, accounts, devices, licensing.Options{}), devices)
}

// device makes a device of the company.
func (f *checkedFixture) device(company context.Context) string {
	f.t.Helper()
	d, _, err := f.world.Devices.Create(company, device.NewDevice{Name: "Касса"})
	if err != nil {
		f.t.Fatal(err)
	}
	return d.ID
}

// counted counts the lookups of the real services it passes them to.
type counted struct {
	Owners
	Licenses
	cashiers, goods, discounts, licenses atomic.Int32
}

func (c *counted) CashierOwners(ctx context.Context, ids []string) (map[string]string, error) {
	c.cashiers.Add(1)
	return c.Owners.CashierOwners(ctx, ids)
}

func (c *counted) GoodsOwners(ctx context.Context, ids []string) (map[string]string, error) {
	c.goods.Add(1)
	return c.Owners.GoodsOwners(ctx, ids)
}

func (c *counted) DiscountOwners(ctx context.Context, ids []string) (map[string]string, error) {
	c.discounts.Add(1)
	return c.Owners.DiscountOwners(ctx, ids)
}

func (c *counted) HeldAt(ctx context.Context, moments map[string][]time.Time, slack time.Duration) (map[string][]bool, error) {
	c.licenses.Add(1)
	return c.Licenses.HeldAt(ctx, moments, slack)
}

// A receipt's cashier, goods and discounts must be its device's company's
// — or have been: a cashier, goods or discount deleted since still sold
// what it sold —; another company's, or an ID no company ever had, is
// refused for good (EINVALID, the field at fault) while the rest of the
// batch is stored. The whole batch costs one lookup of each kind.
func TestIngestChecksWhoseItIs(t *testing.T) {
	f := newCheckedFixture(t, IngestOptions{Linger: time.Second})
	shop, mine := f.world.Shop(t)
	_, theirs := f.world.Shop(t)
	dev := f.device(shop)
	companyID := actorID(shop)
	gone := f.world.Seller(t, shop)
	for _, del := range []error{
		f.world.Office.DeleteCashier(shop, gone.CashierID), f.world.Office.DeleteGoods(shop, gone.GoodsIDs[0]),
		f.world.Office.DeleteDiscount(shop, gone.DiscountID),
	} {
		if del != nil {
			t.Fatal(del)
		}
	}
	sell := func(s salestest.Seller) protocol.Sale { return s.Sale(testNow, 5990, 12000, 990) }
	tests := []struct {
		name  string
		sale  protocol.Sale
		field string // "" for stored
	}{
		{"Mine", sell(mine), ""},
		{"DeletedSince", sell(gone), ""},
		{"TheirCashier", sell(salestest.Seller{CashierID: theirs.CashierID, GoodsIDs: mine.GoodsIDs, DiscountID: mine.DiscountID}), "cashier_id"},
		{"MadeUpCashier", sell(salestest.Seller{CashierID: mypos.NewID(), GoodsIDs: mine.GoodsIDs, DiscountID: mine.DiscountID}), "cashier_id"},
		{"TheirGoods", sell(salestest.Seller{CashierID: mine.CashierID, GoodsIDs: []string{mine.GoodsIDs[0], theirs.GoodsIDs[0]}, DiscountID: mine.DiscountID}), "lines"},
		{"MadeUpGoods", sell(salestest.Seller{CashierID: mine.CashierID, GoodsIDs: []string{mypos.NewID()}, DiscountID: mine.DiscountID}), "lines"},
		{"TheirDiscount", sell(salestest.Seller{CashierID: mine.CashierID, GoodsIDs: mine.GoodsIDs, DiscountID: theirs.DiscountID}), "lines"},
		{"CashierAsGoods", sell(salestest.Seller{CashierID: mine.CashierID, GoodsIDs: []string{mine.CashierID}, DiscountID: mine.DiscountID}), "lines"},
	}
	outcomes := make([]<-chan Outcome, len(tests))
	for i, tt := range tests {
		outcomes[i] = f.submit(incoming(companyID, dev, "", tt.sale))
	}
	for i, tt := range tests {
		o := wait(t, outcomes[i])
		switch {
		case tt.field == "" && (o.Err != nil || o.Duplicate):
			t.Errorf("%s: %+v, want stored", tt.name, o)
		case tt.field != "" && (mypos.ErrorCode(o.Err) != mypos.EINVALID || mypos.ErrorField(o.Err) != tt.field):
			t.Errorf("%s: %+v, want refused on %q", tt.name, o, tt.field)
		}
	}
	if n := f.count(); n != 2 {
		t.Fatalf("%d rows, want the 2 of the company's own", n)
	}
	l := f.lookups
	if c, g, d, h := l.cashiers.Load(), l.goods.Load(), l.discounts.Load(), l.licenses.Load(); c != 1 || g != 1 || d != 1 || h != 1 {
		t.Fatalf("lookups: %d cashiers, %d goods, %d discounts, %d licenses; want one of each for the batch", c, g, d, h)
	}
	// A batch of what the ingester has met asks only the ledger; one of
	// another company's still is refused.
	again := []<-chan Outcome{f.submit(incoming(companyID, dev, "", sell(mine))), f.submit(incoming(companyID, dev, "", tests[2].sale))}
	if o := wait(t, again[0]); o.Err != nil {
		t.Fatalf("mine again: %+v", o)
	}
	if o := wait(t, again[1]); mypos.ErrorField(o.Err) != "cashier_id" {
		t.Fatalf("their cashier again: %+v", o)
	}
	if c, g, d, h := l.cashiers.Load(), l.goods.Load(), l.discounts.Load(), l.licenses.Load(); c != 1 || g != 1 || d != 1 || h != 2 {
		t.Fatalf("lookups after a batch of known IDs: %d cashiers, %d goods, %d discounts, %d licenses; want 1, 1, 1, 2", c, g, d, h)
	}
}

// The memory of owners keeps what was found, forgets nothing it was told
// within its bound, and starts over past it rather than grow.
func TestOwnerMemo(t *testing.T) {
	var m ownerMemo
	asked := 0
	lookup := func(_ context.Context, ids []string) (map[string]string, error) {
		asked += len(ids)
		out := map[string]string{}
		for _, id := range ids {
			if id != "nobody's" {
				out[id] = "company of " + id
			}
		}
		return out, nil
	}
	got, err := m.of(context.Background(), []string{"a", "b", "a", "nobody's"}, lookup)
	if err != nil || len(got) != 2 || got["a"] != "company of a" || asked != 3 {
		t.Fatalf("first: %v, %v, asked %d", got, err, asked)
	}
	if got, _ := m.of(context.Background(), []string{"b", "nobody's"}, lookup); got["b"] != "company of b" || asked != 4 {
		t.Fatalf("again: %v, asked %d; want b remembered, nobody's asked again", got, asked)
	}
	many := make([]string, ownersRemembered)
	for i := range many {
		many[i] = fmt.Sprint(i)
	}
	if _, err := m.of(context.Background(), many, lookup); err != nil || len(m) > ownersRemembered {
		t.Fatalf("past the bound: %d remembered, %v", len(m), err)
	}
}

// A receipt punched while its till held no license by the ledger's
// history — before its first, after it was released while the till sold
// offline, on a till never licensed — is stored all the same, marked
// unlicensed; the list shows the mark, the device's partner board counts
// them. One sold within minutes of an edge counts as licensed: the till's
// clock is not the cloud's.
func TestIngestMarksUnlicensed(t *testing.T) {
	f := newCheckedFixture(t, IngestOptions{})
	shop, seller := f.world.Shop(t)
	companyID := actorID(shop)
	released, licensed, never := f.device(shop), f.device(shop), f.device(shop)
	assignedAt, releasedAt := testNow.Add(-48*time.Hour), testNow.Add(-24*time.Hour)
	f.clock = assignedAt
	license := f.world.License(t, shop, released)
	f.world.License(t, shop, licensed)
	f.clock = releasedAt
	if _, err := f.world.Licensing.Release(shop, license); err != nil {
		t.Fatal(err)
	}
	f.clock = testNow

	sale := func(at time.Time) protocol.Sale { return seller.Sale(at, 5990, 12000) }
	tests := []struct {
		name       string
		device     string
		sale       protocol.Sale
		unlicensed bool
	}{
		{"BeforeItsFirst", released, sale(assignedAt.Add(-time.Hour)), true},
		{"WhileLicensed", released, sale(assignedAt.Add(time.Hour)), false},
		{"ClockBehind", released, sale(assignedAt.Add(-time.Minute)), false},
		{"AfterTheRelease", released, sale(releasedAt.Add(time.Hour)), true},
		{"Licensed", licensed, sale(testNow), false},
		{"NeverLicensed", never, sale(testNow), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := wait(t, f.submit(incoming(companyID, tt.device, "", tt.sale)))
			if o.Err != nil || o.Duplicate || o.Unlicensed != tt.unlicensed {
				t.Fatalf("%+v, want stored with unlicensed=%v", o, tt.unlicensed)
			}
			d, err := f.svc.Get(shop, tt.sale.ID)
			if err != nil || d.Unlicensed != tt.unlicensed {
				t.Fatalf("stored %+v, %v; want unlicensed=%v", d, err, tt.unlicensed)
			}
			// Uploaded again, it is a duplicate, not counted a second time.
			if o := wait(t, f.submit(incoming(companyID, tt.device, "", tt.sale))); !o.Duplicate || o.Unlicensed {
				t.Fatalf("again: %+v, want a duplicate", o)
			}
		})
	}
	rows, _, err := f.svc.List(shop, Filter{DeviceID: never})
	if err != nil || len(rows) != 1 || !rows[0].Unlicensed {
		t.Fatalf("the list: %+v, %v", rows, err)
	}
	board, err := f.svc.UnlicensedOn(context.Background(), []string{released, licensed, never})
	want := map[string]Unlicensed{released: {Receipts: 2, LastDay: releasedAt.Add(time.Hour).Format(time.DateOnly)},
		never: {Receipts: 1, LastDay: testNow.Format(time.DateOnly)}}
	if err != nil || len(board) != 2 || board[released] != want[released] || board[never] != want[never] {
		t.Fatalf("unlicensed on the devices: %+v, %v; want %+v", board, err, want)
	}
}

func actorID(ctx context.Context) string {
	a, _ := mypos.ActorFromContext(ctx)
	return a.ID
}
