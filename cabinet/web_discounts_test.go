package cabinet

import (
	"net/http"
	"net/url"
	"testing"

	"mypos/backoffice"
	"mypos/db"
)

func TestWebDiscounts(t *testing.T) {
	e := newShopEnv(t)
	wantPage(t, e.b.get("/discounts"), http.StatusOK, "Скидок пока нет.", `href="/discounts/new"`)
	dairy := e.group(e.ctx, "Молочное", nil)
	st, _ := e.office.CreateStore(e.ctx, backoffice.StoreInput{Name: "Центральный", Address: "ул. Ленина, 1"})
	e.goods(e.ctx, "M-1", "Молоко", 8990, nil)
	e.goods(e.ctx, "K-1", "Кефир", 7550, nil)
	wantPage(t, e.b.get("/discounts/new"), http.StatusOK, `name="days"`, "Молочное", "Центральный")

	form := url.Values{"name": {"Утро <script>"}, "kind": {"percent"}, "value": {"12,5"}, "target": {"group"},
		"group_id": {dairy.ID}, "stores": {"listed"}, "store_ids": {st.ID}, "starts_at": {"2026-03-01"},
		"ends_at": {"2026-03-31"}, "days": {"1", "3", "5"}, "time_from": {"08:00"}, "time_to": {"11:00"}, "active": {"1"}}
	// Field errors stand at their fields.
	bad := url.Values{}
	for k, v := range form {
		bad[k] = v
	}
	bad.Set("value", "150")
	r := e.b.post("/discounts/new", bad)
	wantPage(t, r, http.StatusBadRequest, `id="f-value-error"`, "Процент — число, например 12,5")
	bad.Set("value", "10")
	bad.Set("target", "goods")
	bad.Set("goods_ids", "M-1 NOPE")
	wantPage(t, e.b.post("/discounts/new", bad), http.StatusBadRequest, `id="f-goods_ids-error"`, "NOPE")
	bad.Set("goods_ids", "")
	bad.Set("time_to", "07:00")
	wantPage(t, e.b.post("/discounts/new", bad), http.StatusBadRequest, `id="f-goods_ids-error"`)
	bad.Set("goods_ids", "M-1")
	wantPage(t, e.b.post("/discounts/new", bad), http.StatusBadRequest, `id="f-time_to-error"`)
	e.b.get("/discounts?lang=en")
	wantPage(t, e.b.post("/discounts/new", bad), http.StatusBadRequest, `id="f-time_to-error"`, "time_to is after time_from")
	e.b.get("/discounts?lang=ru")

	wantRedirect(t, e.b.post("/discounts/new", form), "/discounts")
	r = e.b.get("/discounts")
	wantPage(t, r, http.StatusOK, "Скидка «Утро &lt;script&gt;» создана.", "12,5 %", "Группа «Молочное»", "Центральный",
		"с 01.03.2026 по 31.03.2026", "пн, ср, пт", "с 08:00 до 11:00")
	ds, _, _ := e.office.ListDiscounts(e.ctx, db.ListParams{})
	if len(ds) != 1 || ds[0].Value != 1250 || ds[0].AllStores || len(ds[0].Days) != 3 {
		t.Fatalf("discounts %+v", ds)
	}
	d := ds[0]
	wantPage(t, e.b.get("/discounts/"+d.ID), http.StatusOK, `value="12,5"`, `value="2026-03-31"`, `value="08:00"`)

	// Edit: an amount off listed goods, everywhere, at any time.
	edit := url.Values{"name": {"Молочка"}, "kind": {"amount"}, "value": {"10"}, "target": {"goods"},
		"goods_ids": {"M-1 K-1"}, "stores": {"all"}}
	wantRedirect(t, e.b.post("/discounts/"+d.ID, edit), "/discounts")
	wantPage(t, e.b.get("/discounts"), http.StatusOK, "10,00", "2 товара", "Все торговые объекты", "бессрочно",
		"каждый день", "весь день", "Приостановлена")
	wantPage(t, e.b.get("/discounts/"+d.ID), http.StatusOK, `value="M-1 K-1"`)
	edit.Del("csrf")
	wantStatus(t, e.b.postRaw("/discounts/"+d.ID, edit), http.StatusForbidden)

	wantPage(t, e.b.get("/discounts/"+d.ID+"/delete"), http.StatusOK, "Удалить скидку «Молочка»?")
	wantRedirect(t, e.b.post("/discounts/"+d.ID+"/delete", url.Values{}), "/discounts")
	wantPage(t, e.b.get("/discounts"), http.StatusOK, "Скидок пока нет.")

	theirs, err := e.office.CreateDiscount(e.other, backoffice.DiscountInput{Name: "Чужая", Kind: "percent", Value: 100,
		Target: "all", AllStores: true})
	if err != nil {
		t.Fatal(err)
	}
	wantNotFound(t, e.b, "/discounts/"+theirs.ID, "/discounts/"+theirs.ID+"/delete", "POST /discounts/"+theirs.ID+"/delete",
		"POST /discounts/"+theirs.ID)
}
