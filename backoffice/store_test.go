package backoffice_test

import (
	"context"
	"encoding/json"
	"strings"
	"sync"
	"testing"

	"mypos"
	"mypos/backoffice"
	"mypos/changelog"
	"mypos/db"
	"mypos/device"
	"mypos/protocol"
)

func TestStoreCRUD(t *testing.T) {
	f := newFixture(t)
	ctx := f.company(t, "shop@shop.test")

	st, err := f.office.CreateStore(ctx, backoffice.StoreInput{Name: "  Ольга  ", Address: " ул. Мира, 5 "})
	if err != nil {
		t.Fatal(err)
	}
	if st.Name != "Ольга" || st.Address != "ул. Мира, 5" || !mypos.ValidID(st.ID) {
		t.Fatalf("created %+v", st)
	}
	got, err := f.office.GetStore(ctx, st.ID)
	if err != nil || got.Name != st.Name || got.Address != st.Address || !got.CreatedAt.Equal(st.CreatedAt) {
		t.Fatalf("get %+v, %v; want %+v", got, err, st)
	}
	wantStoreChange(t, f.changesSince(t, ctx, 0), protocol.OpUpsert, st.ID, `{"id":"`+st.ID+`","name":"Ольга","address":"ул. Мира, 5"}`)

	t.Run("PatchOneField", func(t *testing.T) {
		head := f.head(t, ctx)
		up, err := f.office.UpdateStore(ctx, st.ID, backoffice.StorePatch{Name: ptr("Ольга-2")})
		if err != nil || up.Name != "Ольга-2" || up.Address != "ул. Мира, 5" {
			t.Fatalf("update %+v, %v", up, err)
		}
		wantStoreChange(t, f.changesSince(t, ctx, head), protocol.OpUpsert, st.ID, `{"id":"`+st.ID+`","name":"Ольга-2","address":"ул. Мира, 5"}`)
	})
	t.Run("NoChangeWritesNothing", func(t *testing.T) {
		head := f.head(t, ctx)
		if _, err := f.office.UpdateStore(ctx, st.ID, backoffice.StorePatch{Address: ptr("ул. Мира, 5")}); err != nil {
			t.Fatal(err)
		}
		if got := f.head(t, ctx); got != head {
			t.Fatalf("head %d → %d for a patch that changed nothing", head, got)
		}
	})
	t.Run("ErrNameEmpty", func(t *testing.T) {
		head := f.head(t, ctx)
		_, err := f.office.UpdateStore(ctx, st.ID, backoffice.StorePatch{Name: ptr("   ")})
		wantCode(t, err, mypos.EINVALID, "name")
		if got, _ := f.office.GetStore(ctx, st.ID); got.Name != "Ольга-2" || f.head(t, ctx) != head {
			t.Fatalf("a refused patch wrote: %+v", got)
		}
	})
	t.Run("Delete", func(t *testing.T) {
		head := f.head(t, ctx)
		if err := f.office.DeleteStore(ctx, st.ID); err != nil {
			t.Fatal(err)
		}
		wantStoreChange(t, f.changesSince(t, ctx, head), protocol.OpDelete, st.ID, "")
		_, err := f.office.GetStore(ctx, st.ID)
		wantCode(t, err, mypos.ENOTFOUND, "")
		wantCode(t, f.office.DeleteStore(ctx, st.ID), mypos.ENOTFOUND, "")
		wantCode(t, f.office.CheckStore(ctx, companyID(ctx), st.ID), mypos.EINVALID, "store_id")
	})
}

func wantStoreChange(t *testing.T, cs []changelog.Change, op, id, body string) {
	t.Helper()
	if len(cs) != 1 {
		t.Fatalf("%d changes, want 1: %+v", len(cs), cs)
	}
	c := cs[0]
	if c.Kind != "store" || c.Op != op || c.Entity != id || !c.Scope.Equal(changelog.Company()) || c.PrevScope != nil {
		t.Fatalf("change %+v", c)
	}
	if body == "" {
		if c.Body != nil {
			t.Fatalf("a delete with a body: %s", c.Body)
		}
		return
	}
	var got, want any
	json.Unmarshal(c.Body, &got)
	json.Unmarshal([]byte(body), &want)
	if g, _ := json.Marshal(got); string(g) != mustJSON(want) {
		t.Fatalf("body %s, want %s", c.Body, body)
	}
}

func mustJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func TestStoreValidation(t *testing.T) {
	f := newFixture(t)
	ctx := f.company(t, "shop@shop.test")
	tests := []struct {
		name  string
		in    backoffice.StoreInput
		field string
	}{
		{"ErrNameEmpty", backoffice.StoreInput{Name: " "}, "name"},
		{"ErrNameLong", backoffice.StoreInput{Name: strings.Repeat("я", 101)}, "name"},
		{"ErrAddressLong", backoffice.StoreInput{Name: "A", Address: strings.Repeat("я", 301)}, "address"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := f.office.CreateStore(ctx, tt.in)
			wantCode(t, err, mypos.EINVALID, tt.field)
		})
	}
	if n := f.count(t, "stores"); n != 0 || f.head(t, ctx) != 0 {
		t.Fatalf("refused stores wrote: %d rows, head %d", n, f.head(t, ctx))
	}
	if _, err := f.office.CreateStore(ctx, backoffice.StoreInput{Name: strings.Repeat("я", 100)}); err != nil {
		t.Fatalf("a 100-character name: %v", err)
	}
}

// A store with devices in it cannot go: they would stand in a store that is
// gone. Once they move out, it can; and no device can be placed in it after.
func TestDeleteStoreWithDevice(t *testing.T) {
	f := newFixture(t)
	ctx := f.company(t, "shop@shop.test")
	st := f.store(t, ctx, "Центральный")
	d, _, err := f.office.CreateDevice(ctx, device.NewDevice{Name: "Касса 1", StoreID: &st.ID})
	if err != nil {
		t.Fatal(err)
	}
	head := f.head(t, ctx)
	wantCode(t, f.office.DeleteStore(ctx, st.ID), mypos.ECONFLICT, "")
	if _, err := f.office.GetStore(ctx, st.ID); err != nil || f.head(t, ctx) != head {
		t.Fatalf("a refused delete wrote: %v, head %d → %d", err, head, f.head(t, ctx))
	}
	if _, err := f.office.UpdateDevice(ctx, d.ID, device.DevicePatch{Store: device.NoStore()}); err != nil {
		t.Fatal(err)
	}
	if err := f.office.DeleteStore(ctx, st.ID); err != nil {
		t.Fatal(err)
	}
	_, err = f.office.UpdateDevice(ctx, d.ID, device.DevicePatch{Store: device.PlaceIn(st.ID)})
	wantCode(t, err, mypos.EINVALID, "store_id")
}

// Placing a device in a store while the store is being deleted: one of the
// two wins, never both, so no device is left standing in a deleted store.
// On Postgres this is the row lock checkStore shares and DeleteStore takes.
func TestDeleteStoreRacesPlacement(t *testing.T) {
	f := newFixture(t)
	ctx := f.company(t, "shop@shop.test")
	for round := 0; round < 12; round++ {
		st, d := f.store(t, ctx, "Центральный"), f.device(t, ctx, "Касса")
		var placeErr, deleteErr error
		var wg sync.WaitGroup
		wg.Add(2)
		go func() {
			defer wg.Done()
			_, placeErr = f.office.UpdateDevice(ctx, d, device.DevicePatch{Store: device.PlaceIn(st.ID)})
		}()
		go func() {
			defer wg.Done()
			deleteErr = f.office.DeleteStore(ctx, st.ID)
		}()
		wg.Wait()
		switch {
		case placeErr == nil && deleteErr == nil:
			t.Fatalf("round %d: the device was placed in a store deleted at the same time", round)
		case placeErr == nil:
			wantCode(t, deleteErr, mypos.ECONFLICT, "")
		case deleteErr == nil:
			wantCode(t, placeErr, mypos.EINVALID, "store_id")
		default:
			t.Fatalf("round %d: both failed: %v; %v", round, placeErr, deleteErr)
		}
	}
}

// A revoked device in a store does not hold the store.
func TestDeleteStoreWithRevokedDevice(t *testing.T) {
	f := newFixture(t)
	ctx := f.company(t, "shop@shop.test")
	st := f.store(t, ctx, "Центральный")
	d, _, err := f.office.CreateDevice(ctx, device.NewDevice{Name: "Касса 1", StoreID: &st.ID})
	if err != nil {
		t.Fatal(err)
	}
	if err := f.devices.Revoke(ctx, d.ID); err != nil {
		t.Fatal(err)
	}
	if err := f.office.DeleteStore(ctx, st.ID); err != nil {
		t.Fatal(err)
	}
}

func TestCheckStore(t *testing.T) {
	f := newFixture(t)
	ctx := f.company(t, "shop@shop.test")
	other := f.company(t, "other@shop.test")
	st := f.store(t, ctx, "Центральный")
	if err := f.office.CheckStore(ctx, companyID(ctx), st.ID); err != nil {
		t.Fatal(err)
	}
	wantCode(t, f.office.CheckStore(ctx, companyID(other), st.ID), mypos.EINVALID, "store_id")
	wantCode(t, f.office.CheckStore(ctx, companyID(ctx), "not-an-id"), mypos.EINVALID, "store_id")
	wantCode(t, f.office.CheckStore(ctx, companyID(ctx), mypos.NewID()), mypos.EINVALID, "store_id")
	// Placing a device there: another company's store is refused.
	_, _, err := f.office.CreateDevice(other, device.NewDevice{Name: "Чужая касса", StoreID: &st.ID})
	wantCode(t, err, mypos.EINVALID, "store_id")
}

func TestStoreSearch(t *testing.T) {
	f := newFixture(t)
	ctx := f.company(t, "shop@shop.test")
	olga := f.store(t, ctx, "Ольга")
	shout := f.store(t, ctx, "Кафе ОЛЬГА")
	f.store(t, ctx, "Молоко")
	pct := f.store(t, ctx, "100% вкуса")
	f.store(t, f.company(t, "other@shop.test"), "Ольга") // another company's

	tests := []struct {
		q    string
		want []string
	}{
		{"ольга", []string{olga.ID, shout.ID}},
		{"ОлЬгА", []string{olga.ID, shout.ID}},
		{"%", []string{pct.ID}},
		{"_", nil},
		{"хлеб", nil},
	}
	for _, tt := range tests {
		items, next, err := f.office.ListStores(ctx, db.ListParams{Query: tt.q})
		if err != nil || next != "" {
			t.Fatalf("q=%q: %v, next %q", tt.q, err, next)
		}
		if got := storeIDs(items); strings.Join(got, ",") != strings.Join(tt.want, ",") {
			t.Fatalf("q=%q found %v, want %v", tt.q, got, tt.want)
		}
	}
}

func storeIDs(items []backoffice.Store) []string {
	var ids []string
	for _, st := range items {
		ids = append(ids, st.ID)
	}
	return ids
}

// Walking the pages visits every live store of the company once, in order.
func TestStorePagination(t *testing.T) {
	f := newFixture(t)
	ctx := f.company(t, "shop@shop.test")
	f.store(t, f.company(t, "other@shop.test"), "Чужой")
	var want []string
	for i := 0; i < 8; i++ {
		want = append(want, f.store(t, ctx, "Магазин").ID)
	}
	if err := f.office.DeleteStore(ctx, want[3]); err != nil {
		t.Fatal(err)
	}
	want = append(want[:3], want[4:]...)

	var got []string
	p := db.ListParams{Limit: 3}
	for pages := 0; ; pages++ {
		items, next, err := f.office.ListStores(ctx, p)
		if err != nil || pages > 5 {
			t.Fatalf("page %d: %v", pages, err)
		}
		got = append(got, storeIDs(items)...)
		if next == "" {
			break
		}
		p.Cursor = next
	}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("walked %v, want %v", got, want)
	}
	_, _, err := f.office.ListStores(ctx, db.ListParams{Cursor: "1; drop"})
	wantCode(t, err, mypos.EINVALID, "cursor")
}

// A company cannot see, change or delete another company's store; other
// kinds of account cannot use stores at all.
func TestStoreTenancy(t *testing.T) {
	f := newFixture(t)
	ctx := f.company(t, "shop@shop.test")
	other := f.company(t, "other@shop.test")
	st := f.store(t, ctx, "Центральный")
	head := f.head(t, ctx)

	_, err := f.office.GetStore(other, st.ID)
	wantCode(t, err, mypos.ENOTFOUND, "")
	_, err = f.office.UpdateStore(other, st.ID, backoffice.StorePatch{Name: ptr("Захвачен")})
	wantCode(t, err, mypos.ENOTFOUND, "")
	wantCode(t, f.office.DeleteStore(other, st.ID), mypos.ENOTFOUND, "")
	if items, _, err := f.office.ListStores(other, db.ListParams{}); err != nil || len(items) != 0 {
		t.Fatalf("other lists %v, %v", items, err)
	}
	if got, err := f.office.GetStore(ctx, st.ID); err != nil || got.Name != "Центральный" || f.head(t, ctx) != head || f.head(t, other) != 0 {
		t.Fatalf("another company changed the store: %+v, %v", got, err)
	}

	partner := mypos.NewContextWithActor(context.Background(), mypos.Actor{Kind: mypos.KindPartner, ID: mypos.NewID()})
	_, err = f.office.GetStore(partner, st.ID)
	wantCode(t, err, mypos.EFORBIDDEN, "")
	_, err = f.office.CreateStore(partner, backoffice.StoreInput{Name: "P"})
	wantCode(t, err, mypos.EFORBIDDEN, "")
	_, _, err = f.office.ListStores(context.Background(), db.ListParams{})
	wantCode(t, err, mypos.EUNAUTHORIZED, "")
}

// A device is placed only in a live store of its company, on create and on
// update; a refused placement writes nothing. (Moved from device's tests:
// device takes a store on trust, backoffice vouches for it.)
func TestPlaceDevice(t *testing.T) {
	f := newFixture(t)
	ctx := f.company(t, "shop@shop.test")
	other := f.company(t, "other@shop.test")
	theirs := f.store(t, other, "Чужой")
	mine := f.store(t, ctx, "Свой")
	head := f.head(t, ctx)
	tests := []struct {
		name        string
		nd          device.NewDevice
		code, field string
	}{
		{"ErrForeignStore", device.NewDevice{Name: "Касса", StoreID: &theirs.ID}, mypos.EINVALID, "store_id"},
		{"ErrUnknownStore", device.NewDevice{Name: "Касса", StoreID: ptr(mypos.NewID())}, mypos.EINVALID, "store_id"},
		{"ErrMalformedStore", device.NewDevice{Name: "Касса", StoreID: ptr("store-1")}, mypos.EINVALID, "store_id"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, code, err := f.office.CreateDevice(ctx, tt.nd)
			wantCode(t, err, tt.code, tt.field)
			if code != "" {
				t.Fatal("a refused device got a code")
			}
		})
	}
	if n := f.count(t, "devices"); n != 0 || f.head(t, ctx) != head {
		t.Fatalf("refused creates left %d devices and revision %d → %d", n, head, f.head(t, ctx))
	}
	d, _, err := f.office.CreateDevice(ctx, device.NewDevice{Name: "Касса", StoreID: &mine.ID})
	if err != nil || *d.StoreID != mine.ID {
		t.Fatalf("placed in its company's store: %+v, %v", d, err)
	}
	t.Run("ErrForeignStoreOnUpdate", func(t *testing.T) {
		head := f.head(t, ctx)
		_, err := f.office.UpdateDevice(ctx, d.ID, device.DevicePatch{Name: ptr("Новое"), Store: device.PlaceIn(theirs.ID)})
		wantCode(t, err, mypos.EINVALID, "store_id")
		if got, _ := f.devices.Get(ctx, d.ID); got.Name != "Касса" || *got.StoreID != mine.ID || f.head(t, ctx) != head {
			t.Fatalf("a refused update changed the device: %+v, head %d → %d", got, head, f.head(t, ctx))
		}
	})
}
