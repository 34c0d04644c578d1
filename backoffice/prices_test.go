package backoffice_test

import (
	"context"
	"testing"

	"mypos"
	"mypos/backoffice"
	"mypos/changelog"
	"mypos/db"
	"mypos/device"
	"mypos/protocol"
)

// A store price reaches the devices of its store only: it shows in the
// snapshot of a device placed there, not of a device in another store or
// in none, while the goods itself shows everywhere.
func TestStorePriceSnapshot(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := f.company(t, "shop@shop.test")
	a, b := f.store(t, ctx, "Центральный"), f.store(t, ctx, "Заречный")
	inA, inB, nowhere := f.placed(t, ctx, &a.ID), f.placed(t, ctx, &b.ID), f.placed(t, ctx, nil)
	g := f.goods(t, ctx, "M", "Молоко")
	head := f.head(t, ctx)

	sp, err := f.office.SetStorePrice(ctx, a.ID, backoffice.StorePriceInput{GoodsID: g.ID, Price: ptr(int64(8990))})
	if err != nil || sp.Price != 8990 || sp.BasePrice != 19990 || sp.GoodsID != g.ID || sp.StoreID != a.ID || sp.Code != "M" {
		t.Fatalf("set %+v, %v", sp, err)
	}
	cs := f.changesSince(t, ctx, head)
	if len(cs) != 1 || cs[0].Kind != "price" || cs[0].Entity != g.ID+"@"+a.ID || !cs[0].Scope.Equal(changelog.Store(a.ID)) {
		t.Fatalf("changes %+v", cs)
	}
	wantJSON(t, cs[0].Body, `{"goods_id":"`+g.ID+`","store_id":"`+a.ID+`","price":8990}`)

	price, goods := "price/"+g.ID+"@"+a.ID, "goods/"+g.ID
	views := []struct {
		name string
		view changelog.View
		sees bool
	}{
		{"InTheStore", changelog.View{DeviceID: inA, StoreID: a.ID}, true},
		{"InAnotherStore", changelog.View{DeviceID: inB, StoreID: b.ID}, false},
		{"InNoStore", changelog.View{DeviceID: nowhere}, false},
	}
	for _, v := range views {
		snap := f.snapshot(t, ctx, v.view)
		if _, ok := snap[price]; ok != v.sees {
			t.Fatalf("%s: sees the price %v, want %v: %v", v.name, ok, v.sees, snap)
		}
		if _, ok := snap[goods]; !ok {
			t.Fatalf("%s: does not see the goods", v.name)
		}
		items, _, err := f.changes.Compacted(ctx, companyID(ctx), v.view, head)
		if err != nil || (len(items) == 1) != v.sees {
			t.Fatalf("%s: pushed %+v, %v", v.name, items, err)
		}
	}

	t.Run("SamePriceWritesNothing", func(t *testing.T) {
		head := f.head(t, ctx)
		if _, err := f.office.SetStorePrice(ctx, a.ID, backoffice.StorePriceInput{GoodsID: g.ID, Price: ptr(int64(8990))}); err != nil {
			t.Fatal(err)
		}
		if f.head(t, ctx) != head {
			t.Fatal("setting the same price was appended")
		}
	})
	t.Run("Delete", func(t *testing.T) {
		head := f.head(t, ctx)
		if err := f.office.DeleteStorePrice(ctx, a.ID, g.ID); err != nil {
			t.Fatal(err)
		}
		cs := f.changesSince(t, ctx, head)
		if len(cs) != 1 || cs[0].Op != protocol.OpDelete || !cs[0].Scope.Equal(changelog.Store(a.ID)) {
			t.Fatalf("changes %+v", cs)
		}
		if _, ok := f.snapshot(t, ctx, views[0].view)[price]; ok {
			t.Fatal("a deleted price is still in the snapshot")
		}
		wantCode(t, f.office.DeleteStorePrice(ctx, a.ID, g.ID), mypos.ENOTFOUND, "")
	})
}

func (f *fixture) placed(t testing.TB, ctx context.Context, storeID *string) string {
	t.Helper()
	d, _, err := f.office.CreateDevice(ctx, device.NewDevice{Name: "Касса", StoreID: storeID})
	if err != nil {
		t.Fatal(err)
	}
	return d.ID
}

func TestStorePriceValidation(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := f.company(t, "shop@shop.test")
	other := f.company(t, "other@shop.test")
	st, theirStore := f.store(t, ctx, "Центральный"), f.store(t, other, "Чужой")
	g, theirGoods := f.goods(t, ctx, "M", "Молоко"), f.goods(t, other, "M", "Молоко")
	head := f.head(t, ctx)

	for _, tt := range []struct {
		name, store string
		in          backoffice.StorePriceInput
		code, field string
	}{
		{"ErrNoPrice", st.ID, backoffice.StorePriceInput{GoodsID: g.ID}, mypos.EINVALID, "price"},
		{"ErrNegative", st.ID, backoffice.StorePriceInput{GoodsID: g.ID, Price: ptr(int64(-1))}, mypos.EINVALID, "price"},
		{"ErrForeignGoods", st.ID, backoffice.StorePriceInput{GoodsID: theirGoods.ID, Price: ptr(int64(1))}, mypos.EINVALID, "goods_id"},
		{"ErrMalformedGoods", st.ID, backoffice.StorePriceInput{GoodsID: "x", Price: ptr(int64(1))}, mypos.EINVALID, "goods_id"},
		{"ErrForeignStore", theirStore.ID, backoffice.StorePriceInput{GoodsID: g.ID, Price: ptr(int64(1))}, mypos.ENOTFOUND, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := f.office.SetStorePrice(ctx, tt.store, tt.in)
			wantCode(t, err, tt.code, tt.field)
		})
	}
	_, _, err := f.office.ListStorePrices(ctx, theirStore.ID, db.ListParams{})
	wantCode(t, err, mypos.ENOTFOUND, "")
	if n := f.count(t, "store_prices"); n != 0 || f.head(t, ctx) != head {
		t.Fatalf("refused prices wrote: %d rows", n)
	}
	if _, err := f.office.SetStorePrice(ctx, st.ID, backoffice.StorePriceInput{GoodsID: g.ID, Price: ptr(int64(0))}); err != nil {
		t.Fatalf("a free goods: %v", err)
	}
	wantCode(t, f.office.DeleteStorePrice(other, st.ID, g.ID), mypos.ENOTFOUND, "")
}

// Deleting a goods or a store deletes its prices, and the devices of the
// store are told.
func TestStorePricesGoWithGoodsAndStore(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := f.company(t, "shop@shop.test")
	a, b := f.store(t, ctx, "A"), f.store(t, ctx, "B")
	milk, bread := f.goods(t, ctx, "M", "Молоко"), f.goods(t, ctx, "B", "Хлеб")
	for _, st := range []string{a.ID, b.ID} {
		for _, g := range []string{milk.ID, bread.ID} {
			if _, err := f.office.SetStorePrice(ctx, st, backoffice.StorePriceInput{GoodsID: g, Price: ptr(int64(5))}); err != nil {
				t.Fatal(err)
			}
		}
	}
	list, next, err := f.office.ListStorePrices(ctx, a.ID, db.ListParams{Limit: 1})
	if err != nil || len(list) != 1 || list[0].GoodsID != milk.ID || next != milk.ID {
		t.Fatalf("first page %+v, %q, %v", list, next, err)
	}
	list, _, err = f.office.ListStorePrices(ctx, a.ID, db.ListParams{Query: "ХЛЕБ"})
	if err != nil || len(list) != 1 || list[0].GoodsID != bread.ID {
		t.Fatalf("search %+v, %v", list, err)
	}

	head := f.head(t, ctx)
	if err := f.office.DeleteGoods(ctx, milk.ID); err != nil {
		t.Fatal(err)
	}
	wantScopes(t, f.changesSince(t, ctx, head), "price", protocol.OpDelete, a.ID, b.ID)
	head = f.head(t, ctx)
	if err := f.office.DeleteStore(ctx, a.ID); err != nil {
		t.Fatal(err)
	}
	wantScopes(t, f.changesSince(t, ctx, head), "price", protocol.OpDelete, a.ID)
	if n := f.count(t, "store_prices"); n != 1 {
		t.Fatalf("%d prices left, want the bread's in B", n)
	}
}

// wantScopes asserts that the changes of a kind are ops scoped to those stores, in order.
func wantScopes(t *testing.T, cs []changelog.Change, kind, op string, stores ...string) {
	t.Helper()
	var got []string
	for _, c := range cs {
		if c.Kind == kind {
			if c.Op != op || c.Scope.Kind != changelog.ScopeStore {
				t.Fatalf("change %+v, want a %s scoped to a store", c, op)
			}
			got = append(got, c.Scope.IDs[0])
		}
	}
	if len(got) != len(stores) {
		t.Fatalf("%s changes for stores %v, want %v", kind, got, stores)
	}
	for i := range got {
		if got[i] != stores[i] {
			t.Fatalf("%s changes for stores %v, want %v", kind, got, stores)
		}
	}
}
