package backoffice_test

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"mypos"
	"mypos/backoffice"
	"mypos/changelog"
	"mypos/db"
	"mypos/protocol"
)

func TestGoodsCRUD(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := f.company(t, "shop@shop.test")
	milk := f.group(t, ctx, "Молоко", nil)
	head := f.head(t, ctx)

	g, err := f.office.CreateGoods(ctx, backoffice.GoodsInput{Code: " M-1 ", Name: " Молоко 3,2% ",
		Barcodes: []string{"4600051000057", "4006381333931", "4600051000057"}, Price: ptr(int64(8990)),
		Unit: "piece", VAT: "10", GroupID: &milk.ID})
	if err != nil {
		t.Fatal(err)
	}
	if g.Code != "M-1" || g.Name != "Молоко 3,2%" || !g.Active || g.Price != 8990 || *g.GroupID != milk.ID ||
		!slices.Equal(g.Barcodes, []string{"4006381333931", "4600051000057"}) {
		t.Fatalf("created %+v", g)
	}
	got, err := f.office.GetGoods(ctx, g.ID)
	if err != nil || !slices.Equal(got.Barcodes, g.Barcodes) || got.Name != g.Name || !got.UpdatedAt.Equal(g.UpdatedAt) {
		t.Fatalf("get %+v, %v", got, err)
	}
	cs := f.changesSince(t, ctx, head)
	if len(cs) != 1 || cs[0].Kind != "goods" || cs[0].Entity != g.ID || !cs[0].Scope.Equal(changelog.Company()) {
		t.Fatalf("changes %+v", cs)
	}
	want := `{"id":"` + g.ID + `","code":"M-1","name":"Молоко 3,2%","barcodes":["4006381333931","4600051000057"],` +
		`"price":8990,"unit":"piece","vat":"10","group_id":"` + milk.ID + `","active":true}`
	wantJSON(t, cs[0].Body, want)

	t.Run("Patch", func(t *testing.T) {
		head := f.head(t, ctx)
		up, err := f.office.UpdateGoods(ctx, g.ID, backoffice.GoodsPatch{Price: ptr(int64(9990)),
			Barcodes: &[]string{"73513537"}, GroupID: backoffice.Clear[string](), Unit: ptr("weight")})
		if err != nil || up.Price != 9990 || up.GroupID != nil || up.Unit != "weight" || up.Name != g.Name ||
			!slices.Equal(up.Barcodes, []string{"73513537"}) {
			t.Fatalf("update %+v, %v", up, err)
		}
		if cs := f.changesSince(t, ctx, head); len(cs) != 1 || !strings.Contains(strings.ReplaceAll(string(cs[0].Body), " ", ""), `"price":9990`) {
			t.Fatalf("changes %+v", cs)
		}
		// The old barcodes are free again.
		f.goods(t, ctx, "X-1", "Кефир", "4006381333931")
	})
	t.Run("NoChangeWritesNothing", func(t *testing.T) {
		head := f.head(t, ctx)
		if _, err := f.office.UpdateGoods(ctx, g.ID, backoffice.GoodsPatch{Price: ptr(int64(9990)), Barcodes: &[]string{"73513537"}}); err != nil {
			t.Fatal(err)
		}
		if f.head(t, ctx) != head {
			t.Fatal("a patch that changed nothing was appended")
		}
	})
	t.Run("Delete", func(t *testing.T) {
		head := f.head(t, ctx)
		if err := f.office.DeleteGoods(ctx, g.ID); err != nil {
			t.Fatal(err)
		}
		cs := f.changesSince(t, ctx, head)
		if len(cs) != 1 || cs[0].Op != protocol.OpDelete || cs[0].Entity != g.ID {
			t.Fatalf("changes %+v", cs)
		}
		_, err := f.office.GetGoods(ctx, g.ID)
		wantCode(t, err, mypos.ENOTFOUND, "")
		wantCode(t, f.office.DeleteGoods(ctx, g.ID), mypos.ENOTFOUND, "")
		// Its code and barcode are free for a new goods.
		f.goods(t, ctx, "M-1", "Молоко", "73513537")
	})
}

func TestGoodsValidation(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := f.company(t, "shop@shop.test")
	foreign := f.group(t, f.company(t, "other@shop.test"), "Чужая", nil)
	g := f.goods(t, ctx, "A", "Хлеб")
	head := f.head(t, ctx)
	ok := backoffice.GoodsInput{Code: "B", Name: "Сыр", Price: ptr(int64(100)), Unit: "weight", VAT: "22"}
	tests := []struct {
		name  string
		edit  func(*backoffice.GoodsInput)
		field string
	}{
		{"ErrCodeEmpty", func(in *backoffice.GoodsInput) { in.Code = " " }, "code"},
		{"ErrCodeLong", func(in *backoffice.GoodsInput) { in.Code = strings.Repeat("7", 51) }, "code"},
		{"ErrCodeControl", func(in *backoffice.GoodsInput) { in.Code = "A\x01" }, "code"},
		{"ErrNameEmpty", func(in *backoffice.GoodsInput) { in.Name = "" }, "name"},
		{"ErrNameLong", func(in *backoffice.GoodsInput) { in.Name = strings.Repeat("я", 201) }, "name"},
		{"ErrPriceMissing", func(in *backoffice.GoodsInput) { in.Price = nil }, "price"},
		{"ErrPriceNegative", func(in *backoffice.GoodsInput) { in.Price = ptr(int64(-1)) }, "price"},
		{"ErrPriceHuge", func(in *backoffice.GoodsInput) { in.Price = ptr(int64(10_000_000_001)) }, "price"},
		{"ErrUnit", func(in *backoffice.GoodsInput) { in.Unit = "kg" }, "unit"},
		{"ErrVAT18", func(in *backoffice.GoodsInput) { in.VAT = "18" }, "vat"},
		{"ErrVATEmpty", func(in *backoffice.GoodsInput) { in.VAT = "" }, "vat"},
		{"ErrEANCheckDigit", func(in *backoffice.GoodsInput) { in.Barcodes = []string{"4600051000058"} }, "barcodes"},
		{"ErrEAN8CheckDigit", func(in *backoffice.GoodsInput) { in.Barcodes = []string{"73513538"} }, "barcodes"},
		{"ErrBarcodeLength", func(in *backoffice.GoodsInput) { in.Barcodes = []string{"460005100005"} }, "barcodes"},
		{"ErrBarcodeLetters", func(in *backoffice.GoodsInput) { in.Barcodes = []string{"46000510000a7"} }, "barcodes"},
		{"ErrGroupMalformed", func(in *backoffice.GoodsInput) { in.GroupID = ptr("x") }, "group_id"},
		{"ErrGroupUnknown", func(in *backoffice.GoodsInput) { in.GroupID = ptr(mypos.NewID()) }, "group_id"},
		{"ErrGroupForeign", func(in *backoffice.GoodsInput) { in.GroupID = &foreign.ID }, "group_id"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := ok
			tt.edit(&in)
			_, err := f.office.CreateGoods(ctx, in)
			wantCode(t, err, mypos.EINVALID, tt.field)
			p := backoffice.GoodsPatch{Code: &in.Code, Name: &in.Name, Barcodes: &in.Barcodes, Price: in.Price, Unit: &in.Unit, VAT: &in.VAT}
			if in.GroupID != nil {
				p.GroupID = backoffice.SetTo(*in.GroupID)
			}
			if in.Price == nil {
				return // a patch may leave the price out
			}
			_, err = f.office.UpdateGoods(ctx, g.ID, p)
			wantCode(t, err, mypos.EINVALID, tt.field)
		})
	}
	if n := f.count(t, "goods"); n != 1 || f.head(t, ctx) != head {
		t.Fatalf("refused requests wrote: %d goods, head %d → %d", n, head, f.head(t, ctx))
	}
	for _, vat := range []string{"none", "0", "5", "7", "10", "20", "22"} {
		if _, err := f.office.UpdateGoods(ctx, g.ID, backoffice.GoodsPatch{VAT: &vat}); err != nil {
			t.Fatalf("VAT %q: %v", vat, err)
		}
	}
}

// A barcode belongs to one goods of a company: a second is refused with
// the barcode and the code of the goods that has it. Another company may
// use it.
func TestDuplicateBarcode(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := f.company(t, "shop@shop.test")
	f.goods(t, ctx, "MILK-1", "Молоко", "4600051000057")
	other := f.goods(t, ctx, "KEFIR-1", "Кефир")
	head := f.head(t, ctx)

	_, err := f.office.CreateGoods(ctx, backoffice.GoodsInput{Code: "MILK-2", Name: "Молоко 2", Barcodes: []string{"73513537", "4600051000057"},
		Price: ptr(int64(1)), Unit: "piece", VAT: "none"})
	wantCode(t, err, mypos.ECONFLICT, "barcodes")
	if msg := mypos.ErrorMessage(err); !strings.Contains(msg, "4600051000057") || !strings.Contains(msg, "MILK-1") {
		t.Fatalf("message %q names neither the barcode nor the goods that has it", msg)
	}
	_, err = f.office.UpdateGoods(ctx, other.ID, backoffice.GoodsPatch{Barcodes: &[]string{"4600051000057"}})
	wantCode(t, err, mypos.ECONFLICT, "barcodes")
	if n := f.count(t, "goods_barcodes"); n != 1 || f.head(t, ctx) != head {
		t.Fatalf("refused requests wrote: %d barcodes, head %d → %d", n, head, f.head(t, ctx))
	}
	f.goods(t, f.company(t, "other@shop.test"), "MILK-1", "Молоко", "4600051000057")
}

func TestDuplicateCode(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := f.company(t, "shop@shop.test")
	f.goods(t, ctx, "A-1", "Хлеб")
	b := f.goods(t, ctx, "B-1", "Батон")
	_, err := f.office.CreateGoods(ctx, backoffice.GoodsInput{Code: "A-1", Name: "Другой", Price: ptr(int64(1)), Unit: "piece", VAT: "none"})
	wantCode(t, err, mypos.ECONFLICT, "code")
	_, err = f.office.UpdateGoods(ctx, b.ID, backoffice.GoodsPatch{Code: ptr("A-1")})
	wantCode(t, err, mypos.ECONFLICT, "code")
	f.goods(t, ctx, "a-1", "Codes compare exactly")
	f.goods(t, f.company(t, "other@shop.test"), "A-1", "Хлеб")
}

func TestGoodsSearch(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := f.company(t, "shop@shop.test")
	milk := f.goods(t, ctx, "M1", "Молоко")
	shout := f.goods(t, ctx, "M2", "МОЛОКО 3,2% Простоквашино")
	kefir := f.goods(t, ctx, "K1", "Кефир", "4600051000057")
	pct := f.goods(t, ctx, "P1", "Скидка 100%")
	f.goods(t, f.company(t, "other@shop.test"), "M1", "Молоко")

	for _, tt := range []struct {
		q    string
		want []string
	}{
		{"молоко", []string{milk.ID, shout.ID}},
		{"Молоко", []string{milk.ID, shout.ID}},
		{"мОлОкО 3,2", []string{shout.ID}},
		{"K1", []string{kefir.ID}},
		{"k1", nil}, // codes match exactly
		{"4600051000057", []string{kefir.ID}},
		{"460005100005", nil}, // barcodes too
		{"%", []string{shout.ID, pct.ID}},
		{"0%", []string{pct.ID}},
		{"_", nil},
	} {
		items, _, err := f.office.ListGoods(ctx, db.ListParams{Query: tt.q})
		if err != nil {
			t.Fatalf("q=%q: %v", tt.q, err)
		}
		var got []string
		for _, g := range items {
			got = append(got, g.ID)
		}
		if !slices.Equal(got, tt.want) {
			t.Fatalf("q=%q found %v, want %v", tt.q, got, tt.want)
		}
	}
	items, next, err := f.office.ListGoods(ctx, db.ListParams{Limit: 3})
	if err != nil || len(items) != 3 || next != items[2].ID || !slices.Equal(items[2].Barcodes, []string{"4600051000057"}) {
		t.Fatalf("first page %+v, %q, %v", items, next, err)
	}
	items, next, err = f.office.ListGoods(ctx, db.ListParams{Limit: 3, Cursor: next})
	if err != nil || len(items) != 1 || next != "" || items[0].ID != pct.ID {
		t.Fatalf("last page %+v, %q, %v", items, next, err)
	}
}

// Another company's goods do not exist for a company; other kinds of
// account cannot use goods at all.
func TestGoodsTenancy(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := f.company(t, "shop@shop.test")
	other := f.company(t, "other@shop.test")
	g := f.goods(t, ctx, "A", "Хлеб", "4600051000057")
	head := f.head(t, ctx)

	_, err := f.office.GetGoods(other, g.ID)
	wantCode(t, err, mypos.ENOTFOUND, "")
	_, err = f.office.UpdateGoods(other, g.ID, backoffice.GoodsPatch{Name: ptr("Захвачен")})
	wantCode(t, err, mypos.ENOTFOUND, "")
	wantCode(t, f.office.DeleteGoods(other, g.ID), mypos.ENOTFOUND, "")
	if items, _, err := f.office.ListGoods(other, db.ListParams{Query: "4600051000057"}); err != nil || len(items) != 0 {
		t.Fatalf("other finds %+v, %v", items, err)
	}
	if got, err := f.office.GetGoods(ctx, g.ID); err != nil || got.Name != "Хлеб" || f.head(t, ctx) != head {
		t.Fatalf("another company changed the goods: %+v, %v", got, err)
	}
	partner := mypos.NewContextWithActor(context.Background(), mypos.Actor{Kind: mypos.KindPartner, ID: mypos.NewID()})
	_, err = f.office.GetGoods(partner, g.ID)
	wantCode(t, err, mypos.EFORBIDDEN, "")
	_, err = f.office.ImportGoods(partner, strings.NewReader(catalogCSV(1)))
	wantCode(t, err, mypos.EFORBIDDEN, "")
	_, _, err = f.office.ListGoods(context.Background(), db.ListParams{})
	wantCode(t, err, mypos.EUNAUTHORIZED, "")
}

// The JSON of a goods carries what the cabinet shows, never the search key.
func TestGoodsJSON(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := f.company(t, "shop@shop.test")
	b, _ := json.Marshal(f.goods(t, ctx, "A", "Хлеб"))
	var m map[string]any
	json.Unmarshal(b, &m)
	for _, k := range []string{"id", "code", "name", "barcodes", "price", "unit", "vat", "group_id", "active", "created_at", "updated_at"} {
		if _, ok := m[k]; !ok {
			t.Fatalf("%s lacks %q", b, k)
		}
	}
	if len(m) != 11 || m["barcodes"] == nil {
		t.Fatalf("goods JSON %s", b)
	}
}
