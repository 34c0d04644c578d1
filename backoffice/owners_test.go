package backoffice_test

import (
	"context"
	"maps"
	"testing"

	"mypos"
	"mypos/account"
	"mypos/backoffice"
	"mypos/changelog"
	"mypos/db/dbtest"
	"mypos/device"
	"mypos/protocol"
	"mypos/services"
	"mypos/services/servicestest"
)

// Owners name the company of each cashier, goods and discount asked —
// deleted ones too, so a receipt sold before a deletion stays its
// company's —, and nobody for an ID never made or not an ID; a kind is
// looked up as itself only.
func TestOwners(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	a, b := f.company(t, "a@shop.test"), f.company(t, "b@shop.test")
	aCashier, gone, bCashier := f.cashier(t, a, "Ольга"), f.cashier(t, a, "Борис"), f.cashier(t, b, "Пётр")
	aGoods, goneGoods := f.goods(t, a, "1", "Хлеб"), f.goods(t, a, "2", "Сыр")
	aDiscount, goneDiscount := f.discount(t, a), f.discount(t, a)
	if err := f.office.DeleteCashier(a, gone.ID); err != nil {
		t.Fatal(err)
	}
	if err := f.office.DeleteGoods(a, goneGoods.ID); err != nil {
		t.Fatal(err)
	}
	if err := f.office.DeleteDiscount(a, goneDiscount); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	never := mypos.NewID()
	for _, tt := range []struct {
		name   string
		lookup func(context.Context, []string) (map[string]string, error)
		ids    []string
		want   map[string]string
	}{
		{"Cashiers", f.office.CashierOwners, []string{aCashier.ID, gone.ID, bCashier.ID, never, "c1", aGoods.ID},
			map[string]string{aCashier.ID: companyID(a), gone.ID: companyID(a), bCashier.ID: companyID(b)}},
		{"Goods", f.office.GoodsOwners, []string{aGoods.ID, goneGoods.ID, aCashier.ID, never},
			map[string]string{aGoods.ID: companyID(a), goneGoods.ID: companyID(a)}},
		{"Discounts", f.office.DiscountOwners, []string{aDiscount, goneDiscount, gone.ID, "", never},
			map[string]string{aDiscount: companyID(a), goneDiscount: companyID(a)}},
		{"None", f.office.CashierOwners, nil, map[string]string{}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.lookup(ctx, tt.ids)
			if err != nil || !maps.Equal(got, tt.want) {
				t.Fatalf("owners %v, %v; want %v", got, err, tt.want)
			}
		})
	}
}

// More IDs than one query takes are looked up in several.
func TestOwnersOfManyIDs(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	a := f.company(t, "a@shop.test")
	want := map[string]string{}
	ids := make([]string, 0, 450)
	for i := range 3 {
		id := f.goods(t, a, string(rune('1'+i)), "Хлеб").ID
		want[id] = companyID(a)
		ids = append(ids, id)
		for range 149 {
			ids = append(ids, mypos.NewID())
		}
	}
	if got, err := f.office.GoodsOwners(context.Background(), ids); err != nil || !maps.Equal(got, want) {
		t.Fatalf("owners %v, %v; want %v", got, err, want)
	}
}

// A database at version 2 upgrades to remembering deletions with those
// its changelog still holds: a cashier and a discount deleted by the
// version before are still their company's.
func TestSchemaUpgradeRemembersDeletions(t *testing.T) {
	t.Parallel()
	db := dbtest.Open(t, account.Schema, changelog.Schema, device.Schema)
	if err := db.MigrateTo(context.Background(), backoffice.Schema, 2); err != nil {
		t.Fatal(err)
	}
	f := fixtureOf(servicestest.On(t, db, services.Config{}))
	ctx := f.company(t, "shop@shop.test")
	c := f.cashier(t, ctx, "Ольга")
	st := f.store(t, ctx, "Центральный")
	d, err := f.office.CreateDiscount(ctx, backoffice.DiscountInput{Name: "Весна", Kind: "percent", Value: 500,
		Target: "all", StoreIDs: []string{st.ID}})
	if err != nil {
		t.Fatal(err)
	}
	// As version 2 deleted them: the rows go, the changelog tells the tills.
	err = db.InTx(ctx, func(ctx context.Context) error {
		for _, del := range []struct{ stmt, id string }{
			{"DELETE FROM discount_stores WHERE discount_id = ?", d.ID}, {"DELETE FROM discounts WHERE id = ?", d.ID},
			{"DELETE FROM cashiers WHERE id = ?", c.ID},
		} {
			if err := db.Conn(ctx).Exec(del.stmt, del.id).Error; err != nil {
				return err
			}
		}
		for _, e := range []changelog.Entry{
			{Kind: "cashier", Entity: c.ID, Op: protocol.OpDelete, Scope: changelog.Devices()},
			{Kind: protocol.KindDiscount, Entity: d.ID + "@" + st.ID, Op: protocol.OpDelete, Scope: changelog.Store(st.ID)},
		} {
			if _, err := f.changes.Append(ctx, companyID(ctx), e); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}

	if err := db.Migrate(context.Background(), backoffice.Schema); err != nil {
		t.Fatal(err)
	}
	if v, err := db.SchemaVersion(context.Background(), "backoffice"); err != nil || v != len(backoffice.Schema.Migrations) {
		t.Fatalf("version %d, %v", v, err)
	}
	cashiers, err := f.office.CashierOwners(ctx, []string{c.ID})
	if err != nil || cashiers[c.ID] != companyID(ctx) {
		t.Fatalf("the deleted cashier's owners: %v, %v", cashiers, err)
	}
	discounts, err := f.office.DiscountOwners(ctx, []string{d.ID})
	if err != nil || discounts[d.ID] != companyID(ctx) {
		t.Fatalf("the deleted discount's owners: %v, %v", discounts, err)
	}
}

// discount makes a discount of 5 % on everything in every store.
func (f *fixture) discount(t testing.TB, ctx context.Context) string {
	t.Helper()
	d, err := f.office.CreateDiscount(ctx, backoffice.DiscountInput{Name: "Скидка", Kind: "percent", Value: 500, Target: "all", AllStores: true})
	if err != nil {
		t.Fatal(err)
	}
	return d.ID
}
