package backoffice_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"mypos/account"
	"mypos/backoffice"
	"mypos/changelog"
	"mypos/db"
	"mypos/db/dbtest"
	"mypos/device"
	"mypos/services"
	"mypos/services/servicestest"
)

// The name search finds what a scan would, by the index of name suffixes
// or by scanning when many match, merged with the exact code and barcode
// matches in ID order, page after page; a rename and a delete keep the
// index true.
func TestSearchGoodsPages(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := f.company(t, "shop@shop.test")
	var want []string
	for i := range 7 {
		want = append(want, f.goods(t, ctx, fmt.Sprintf("C%d", i), fmt.Sprintf("Сок яблочный %d", i)).ID)
	}
	exact := f.goods(t, ctx, "яблоч", "Груша", "4600051000057")
	all := append(append([]string{}, want...), exact.ID)
	for _, q := range []string{"ЯБЛОЧ", "блочный 5", "яблоч"} {
		var got []string
		for p := (db.ListParams{Query: q, Limit: 3}); ; {
			items, next, err := f.office.ListGoods(ctx, p)
			if err != nil {
				t.Fatal(err)
			}
			for _, g := range items {
				got = append(got, g.ID)
			}
			if next == "" {
				break
			}
			p.Cursor = next
		}
		switch q {
		case "ЯБЛОЧ":
			wantIDs(t, q, got, want)
		case "блочный 5":
			wantIDs(t, q, got, want[5:6])
		case "яблоч":
			wantIDs(t, q, got, all)
		}
	}
	if _, err := f.office.UpdateGoods(ctx, want[0], backoffice.GoodsPatch{Name: ptr("Морс")}); err != nil {
		t.Fatal(err)
	}
	if err := f.office.DeleteGoods(ctx, want[1]); err != nil {
		t.Fatal(err)
	}
	items, _, _ := f.office.ListGoods(ctx, db.ListParams{Query: "сок"})
	wantIDs(t, "сок", ids(items), want[2:])
	items, _, _ = f.office.ListGoods(ctx, db.ListParams{Query: "орс"})
	wantIDs(t, "орс", ids(items), want[:1])
	// An import renames as an update does.
	if _, err := f.office.ImportGoods(ctx, strings.NewReader("code,name,barcode,price,unit,vat,group\nC2,Квас,,1,piece,none,\n")); err != nil {
		t.Fatal(err)
	}
	items, _, _ = f.office.ListGoods(ctx, db.ListParams{Query: "сок"})
	wantIDs(t, "сок after the import", ids(items), want[3:])
	items, _, _ = f.office.ListGoods(ctx, db.ListParams{Query: "вас"})
	wantIDs(t, "вас", ids(items), want[2:3])
}

// A catalog from before the index is indexed by the upgrade.
func TestSchemaUpgradeIndexesNames(t *testing.T) {
	t.Parallel()
	d := dbtest.Open(t, account.Schema, changelog.Schema, device.Schema)
	if err := d.MigrateTo(context.Background(), backoffice.Schema, 3); err != nil {
		t.Fatal(err)
	}
	f := fixtureOf(servicestest.On(t, d, services.Config{}))
	ctx := f.company(t, "shop@shop.test")
	err := d.Conn(context.Background()).Exec(`INSERT INTO goods (id, company_id, code, name, name_key, price, unit, vat, active, created_at, updated_at)
		VALUES (?, ?, 'M1', 'Молоко', 'молоко', 100, 'piece', 'none', TRUE, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)`,
		"01a00000-0000-7000-8000-000000000001", companyID(ctx)).Error
	if err != nil {
		t.Fatal(err)
	}
	if err := d.Migrate(context.Background(), backoffice.Schema); err != nil {
		t.Fatal(err)
	}
	if n := f.count(t, "goods_grams"); n != 6 {
		t.Fatalf("%d suffixes of «молоко», want 6", n)
	}
	items, _, err := f.office.ListGoods(ctx, db.ListParams{Query: "ЛОКО"})
	if err != nil || len(items) != 1 {
		t.Fatalf("after the upgrade: %v, %v", items, err)
	}
}

func ids(gs []backoffice.Goods) []string {
	var out []string
	for _, g := range gs {
		out = append(out, g.ID)
	}
	return out
}

func wantIDs(t *testing.T, q string, got, want []string) {
	t.Helper()
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("q=%q: %v, want %v", q, got, want)
	}
}
