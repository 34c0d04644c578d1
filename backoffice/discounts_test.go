package backoffice_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"mypos"
	"mypos/backoffice"
	"mypos/changelog"
	"mypos/db"
	"mypos/protocol"
)

func TestDiscountForAllStores(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := f.company(t, "shop@shop.test")
	dairy := f.group(t, ctx, "Молочные", nil)
	head := f.head(t, ctx)
	from, to := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 3, 9, 0, 0, 0, 0, time.UTC)
	d, err := f.office.CreateDiscount(ctx, backoffice.DiscountInput{Name: "Весна", Kind: "percent", Value: 1250,
		Target: "group", GroupID: &dairy.ID, AllStores: true, StartsAt: &from, EndsAt: &to,
		Days: []int{6, 7, 6}, TimeFrom: ptr("09:00"), TimeTo: ptr("12:30")})
	if err != nil {
		t.Fatal(err)
	}
	if !d.Active || !slices.Equal(d.Days, []int{6, 7}) || *d.TimeTo != "12:30" || len(d.StoreIDs) != 0 || d.GoodsIDs == nil {
		t.Fatalf("created %+v", d)
	}
	got, err := f.office.GetDiscount(ctx, d.ID)
	if err != nil || mustJSON(got) != mustJSON(d) {
		t.Fatalf("get %s, %v\nwant %s", mustJSON(got), err, mustJSON(d))
	}
	cs := f.changesSince(t, ctx, head)
	if len(cs) != 1 || cs[0].Kind != "discount" || cs[0].Entity != d.ID || !cs[0].Scope.Equal(changelog.Company()) {
		t.Fatalf("changes %+v", cs)
	}
	wantJSON(t, cs[0].Body, `{"id":"`+d.ID+`","name":"Весна","kind":"percent","value":1250,"target":"group",
		"group_id":"`+dairy.ID+`","goods_ids":[],"starts_at":"2026-03-01T00:00:00Z","ends_at":"2026-03-09T00:00:00Z",
		"days":[6,7],"time_from":"09:00","time_to":"12:30","active":true}`)

	t.Run("PatchTargetForgetsGroup", func(t *testing.T) {
		up, err := f.office.UpdateDiscount(ctx, d.ID, backoffice.DiscountPatch{Target: ptr("all"), Days: backoffice.Clear[[]int](),
			TimeFrom: backoffice.Clear[string](), TimeTo: backoffice.Clear[string]()})
		if err != nil || up.GroupID != nil || len(up.Days) != 0 || up.TimeFrom != nil {
			t.Fatalf("update %+v, %v", up, err)
		}
		if err := f.office.DeleteGroup(ctx, dairy.ID); err != nil {
			t.Fatalf("the group is free: %v", err)
		}
	})
	t.Run("NoChangeWritesNothing", func(t *testing.T) {
		head := f.head(t, ctx)
		if _, err := f.office.UpdateDiscount(ctx, d.ID, backoffice.DiscountPatch{Name: ptr("Весна"), AllStores: ptr(true)}); err != nil {
			t.Fatal(err)
		}
		if f.head(t, ctx) != head {
			t.Fatal("a patch that changed nothing was appended")
		}
	})
	t.Run("Delete", func(t *testing.T) {
		head := f.head(t, ctx)
		if err := f.office.DeleteDiscount(ctx, d.ID); err != nil {
			t.Fatal(err)
		}
		cs := f.changesSince(t, ctx, head)
		if len(cs) != 1 || cs[0].Op != protocol.OpDelete || cs[0].Entity != d.ID || !cs[0].Scope.Equal(changelog.Company()) {
			t.Fatalf("changes %+v", cs)
		}
		_, err := f.office.GetDiscount(ctx, d.ID)
		wantCode(t, err, mypos.ENOTFOUND, "")
	})
}

// A discount for listed stores reaches the devices of those stores only,
// one copy per store; when its stores change, the devices of a dropped
// store are told to delete it, and moving between "all stores" and a list
// swaps the forms.
func TestDiscountForListedStores(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := f.company(t, "shop@shop.test")
	a, b, c := f.store(t, ctx, "A"), f.store(t, ctx, "B"), f.store(t, ctx, "C")
	va := changelog.View{DeviceID: f.placed(t, ctx, &a.ID), StoreID: a.ID}
	vb := changelog.View{DeviceID: f.placed(t, ctx, &b.ID), StoreID: b.ID}
	vc := changelog.View{DeviceID: f.placed(t, ctx, &c.ID), StoreID: c.ID}
	vnone := changelog.View{DeviceID: f.placed(t, ctx, nil)}
	milk := f.goods(t, ctx, "M", "Молоко")

	d, err := f.office.CreateDiscount(ctx, backoffice.DiscountInput{Name: "Молоко −10 ₽", Kind: "amount", Value: 1000,
		Target: "goods", GoodsIDs: []string{milk.ID}, StoreIDs: []string{b.ID, a.ID, a.ID}})
	if err != nil || d.AllStores || !slices.Equal(d.StoreIDs, sorted(a.ID, b.ID)) {
		t.Fatalf("created %+v, %v", d, err)
	}
	copyOf := func(st string) string { return "discount/" + d.ID + "@" + st }
	f.wantDiscount(t, ctx, map[*changelog.View]string{&va: copyOf(a.ID), &vb: copyOf(b.ID), &vc: "", &vnone: ""})

	// A, B → B, C: A's devices are told to delete it, B's get an update, C's a copy.
	head := f.head(t, ctx)
	if _, err := f.office.UpdateDiscount(ctx, d.ID, backoffice.DiscountPatch{StoreIDs: &[]string{c.ID, b.ID}}); err != nil {
		t.Fatal(err)
	}
	wantPush(t, f, ctx, va, head, protocol.OpDelete, d.ID+"@"+a.ID)
	wantPush(t, f, ctx, vb, head, protocol.OpUpsert, d.ID+"@"+b.ID)
	wantPush(t, f, ctx, vc, head, protocol.OpUpsert, d.ID+"@"+c.ID)
	wantPush(t, f, ctx, vnone, head, "", "")
	f.wantDiscount(t, ctx, map[*changelog.View]string{&va: "", &vb: copyOf(b.ID), &vc: copyOf(c.ID), &vnone: ""})

	// → all stores: the copies go, one company-wide entity comes.
	if _, err := f.office.UpdateDiscount(ctx, d.ID, backoffice.DiscountPatch{AllStores: ptr(true)}); err != nil {
		t.Fatal(err)
	}
	all := "discount/" + d.ID
	f.wantDiscount(t, ctx, map[*changelog.View]string{&va: all, &vb: all, &vc: all, &vnone: all})

	// → A only: every device but A's is told to delete it.
	head = f.head(t, ctx)
	if _, err := f.office.UpdateDiscount(ctx, d.ID, backoffice.DiscountPatch{StoreIDs: &[]string{a.ID}}); err != nil {
		t.Fatal(err)
	}
	wantPush(t, f, ctx, vb, head, protocol.OpDelete, d.ID)
	wantPush(t, f, ctx, vnone, head, protocol.OpDelete, d.ID)
	f.wantDiscount(t, ctx, map[*changelog.View]string{&va: copyOf(a.ID), &vb: "", &vc: "", &vnone: ""})

	// Deleting store A (its devices moved out first) deletes A's copy.
	if err := f.devices.Revoke(ctx, va.DeviceID); err != nil {
		t.Fatal(err)
	}
	if err := f.office.DeleteStore(ctx, a.ID); err != nil {
		t.Fatal(err)
	}
	got, err := f.office.GetDiscount(ctx, d.ID)
	if err != nil || len(got.StoreIDs) != 0 || got.AllStores {
		t.Fatalf("after the store went: %+v, %v", got, err)
	}
	if n, _ := f.changes.Snapshot(context.Background(), companyID(ctx), va, "", 1000); len(n.Items) == 0 {
		t.Fatal("the snapshot is empty")
	}
	var states int64
	f.db.Conn(context.Background()).Table("changelog_state").Where("kind = 'discount'").Count(&states)
	if states != 0 {
		t.Fatalf("%d discount states left for a discount that reaches no store", states)
	}

	// A deleted goods leaves the discount's list, and its devices hear of it.
	if _, err := f.office.UpdateDiscount(ctx, d.ID, backoffice.DiscountPatch{StoreIDs: &[]string{b.ID}}); err != nil {
		t.Fatal(err)
	}
	head = f.head(t, ctx)
	if err := f.office.DeleteGoods(ctx, milk.ID); err != nil {
		t.Fatal(err)
	}
	wantPush(t, f, ctx, vb, head, protocol.OpUpsert, d.ID+"@"+b.ID)
	if got, _ := f.office.GetDiscount(ctx, d.ID); len(got.GoodsIDs) != 0 {
		t.Fatalf("goods_ids %v after the goods went", got.GoodsIDs)
	}
	if _, err := f.office.UpdateDiscount(ctx, d.ID, backoffice.DiscountPatch{Name: ptr("Пусто")}); err != nil {
		t.Fatalf("a discount whose goods all went can still be renamed: %v", err)
	}
}

// wantDiscount asserts which discount entity each device's snapshot holds
// ("" for none).
func (f *fixture) wantDiscount(t *testing.T, ctx context.Context, want map[*changelog.View]string) {
	t.Helper()
	for v, key := range want {
		var got []string
		for k := range f.snapshot(t, ctx, *v) {
			if len(k) > 9 && k[:9] == "discount/" {
				got = append(got, k)
			}
		}
		if key == "" && len(got) != 0 || key != "" && (len(got) != 1 || got[0] != key) {
			t.Fatalf("device in store %q holds %v, want %q", v.StoreID, got, key)
		}
	}
}

// wantPush asserts what one device is sent since head: one discount item
// with the op and entity, or nothing (op "").
func wantPush(t *testing.T, f *fixture, ctx context.Context, v changelog.View, head int64, op, entity string) {
	t.Helper()
	items, _, err := f.changes.Compacted(context.Background(), companyID(ctx), v, head)
	if err != nil {
		t.Fatal(err)
	}
	var got []changelog.Item
	for _, it := range items {
		if it.Kind == "discount" {
			got = append(got, it)
		}
	}
	if op == "" && len(got) == 0 || len(got) == 1 && got[0].Op == op && got[0].Entity == entity {
		return
	}
	t.Fatalf("device in store %q is sent %+v, want %s %s", v.StoreID, got, op, entity)
}

func TestDiscountValidation(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := f.company(t, "shop@shop.test")
	other := f.company(t, "other@shop.test")
	st, g, grp := f.store(t, ctx, "A"), f.goods(t, ctx, "M", "Молоко"), f.group(t, ctx, "Г", nil)
	theirStore, theirGoods, theirGroup := f.store(t, other, "Ч"), f.goods(t, other, "M", "Молоко"), f.group(t, other, "Ч", nil)
	ok := backoffice.DiscountInput{Name: "Скидка", Kind: "percent", Value: 500, Target: "all", AllStores: true}
	d, err := f.office.CreateDiscount(ctx, ok)
	if err != nil {
		t.Fatal(err)
	}
	head := f.head(t, ctx)
	day := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name  string
		edit  func(*backoffice.DiscountInput)
		field string
	}{
		{"ErrName", func(in *backoffice.DiscountInput) { in.Name = " " }, "name"},
		{"ErrKind", func(in *backoffice.DiscountInput) { in.Kind = "gift" }, "kind"},
		{"ErrPercentZero", func(in *backoffice.DiscountInput) { in.Value = 0 }, "value"},
		{"ErrPercentOver100", func(in *backoffice.DiscountInput) { in.Value = 10001 }, "value"},
		{"ErrAmountNegative", func(in *backoffice.DiscountInput) { in.Kind, in.Value = "amount", -5 }, "value"},
		{"ErrTarget", func(in *backoffice.DiscountInput) { in.Target = "some" }, "target"},
		{"ErrGroupMissing", func(in *backoffice.DiscountInput) { in.Target = "group" }, "group_id"},
		{"ErrGroupForeign", func(in *backoffice.DiscountInput) { in.Target, in.GroupID = "group", &theirGroup.ID }, "group_id"},
		{"ErrGroupWithAll", func(in *backoffice.DiscountInput) { in.GroupID = &grp.ID }, "group_id"},
		{"ErrGoodsEmpty", func(in *backoffice.DiscountInput) { in.Target = "goods" }, "goods_ids"},
		{"ErrGoodsForeign", func(in *backoffice.DiscountInput) { in.Target, in.GoodsIDs = "goods", []string{g.ID, theirGoods.ID} }, "goods_ids"},
		{"ErrGoodsMalformed", func(in *backoffice.DiscountInput) { in.Target, in.GoodsIDs = "goods", []string{"1; drop"} }, "goods_ids"},
		{"ErrGoodsWithAll", func(in *backoffice.DiscountInput) { in.GoodsIDs = []string{g.ID} }, "goods_ids"},
		{"ErrNoStores", func(in *backoffice.DiscountInput) { in.AllStores = false }, "store_ids"},
		{"ErrBothStores", func(in *backoffice.DiscountInput) { in.StoreIDs = []string{st.ID} }, "store_ids"},
		{"ErrStoreForeign", func(in *backoffice.DiscountInput) { in.AllStores, in.StoreIDs = false, []string{theirStore.ID} }, "store_ids"},
		{"ErrEndsBeforeStart", func(in *backoffice.DiscountInput) { in.StartsAt, in.EndsAt = &day, &day }, "ends_at"},
		{"ErrDayZero", func(in *backoffice.DiscountInput) { in.Days = []int{0} }, "days"},
		{"ErrDayEight", func(in *backoffice.DiscountInput) { in.Days = []int{1, 8} }, "days"},
		{"ErrHoursHalf", func(in *backoffice.DiscountInput) { in.TimeFrom = ptr("09:00") }, "time_to"},
		{"ErrHoursBad", func(in *backoffice.DiscountInput) { in.TimeFrom, in.TimeTo = ptr("9:00"), ptr("18:00") }, "time_from"},
		{"ErrHours25", func(in *backoffice.DiscountInput) { in.TimeFrom, in.TimeTo = ptr("09:00"), ptr("25:00") }, "time_to"},
		{"ErrHoursBackwards", func(in *backoffice.DiscountInput) { in.TimeFrom, in.TimeTo = ptr("22:00"), ptr("02:00") }, "time_to"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := ok
			tt.edit(&in)
			_, err := f.office.CreateDiscount(ctx, in)
			wantCode(t, err, mypos.EINVALID, tt.field)
		})
	}
	_, err = f.office.UpdateDiscount(ctx, d.ID, backoffice.DiscountPatch{Target: ptr("goods")})
	wantCode(t, err, mypos.EINVALID, "goods_ids")
	_, err = f.office.UpdateDiscount(ctx, d.ID, backoffice.DiscountPatch{AllStores: ptr(false)})
	wantCode(t, err, mypos.EINVALID, "store_ids")
	_, err = f.office.UpdateDiscount(ctx, d.ID, backoffice.DiscountPatch{StoreIDs: &[]string{theirStore.ID}})
	wantCode(t, err, mypos.EINVALID, "store_ids")
	if n := f.count(t, "discounts"); n != 1 || f.head(t, ctx) != head || f.count(t, "discount_stores") != 0 {
		t.Fatalf("refused discounts wrote: %d rows, head %d → %d", n, head, f.head(t, ctx))
	}

	_, err = f.office.GetDiscount(other, d.ID)
	wantCode(t, err, mypos.ENOTFOUND, "")
	_, err = f.office.UpdateDiscount(other, d.ID, backoffice.DiscountPatch{Name: ptr("x")})
	wantCode(t, err, mypos.ENOTFOUND, "")
	wantCode(t, f.office.DeleteDiscount(other, d.ID), mypos.ENOTFOUND, "")
	if items, _, err := f.office.ListDiscounts(other, db.ListParams{}); err != nil || len(items) != 0 {
		t.Fatalf("other lists %+v, %v", items, err)
	}
	if items, _, err := f.office.ListDiscounts(ctx, db.ListParams{Query: "СКИД"}); err != nil || len(items) != 1 {
		t.Fatalf("search %+v, %v", items, err)
	}
}
