package cabinet

import (
	"net/http"
	"net/url"
	"testing"

	"mypos/backoffice"
	"mypos/db"
)

func TestWebPrices(t *testing.T) {
	e := newShopEnv(t)
	wantPage(t, e.b.get("/prices"), http.StatusOK, "Торговых объектов пока нет.", `href="/stores"`)
	st, err := e.office.CreateStore(e.ctx, backoffice.StoreInput{Name: "Центральный <b>", Address: "ул. Ленина, 1"})
	if err != nil {
		t.Fatal(err)
	}
	g := e.goods(e.ctx, "M-1", "Молоко <script>", 8990, nil)
	e.goods(e.ctx, "K-1", "Кефир", 7550, nil)

	r := e.b.get("/prices")
	wantPage(t, r, http.StatusOK, "Центральный &lt;b&gt;", "все товары продаются по базовой цене")
	// Find a goods to price; htmx gets the results alone.
	r = e.b.hx("/prices?store="+st.ID+"&find=молоко", "found")
	wantPage(t, r, http.StatusOK, "Молоко &lt;script&gt;", "89,90", `name="price"`)
	wantAbsent(t, r, "Кефир", "<html")

	set := url.Values{"store": {st.ID}, "goods_id": {g.ID}, "find": {"молоко"}, "price": {"79,9"}}
	wantRedirect(t, e.b.post("/prices", set), "/prices?store="+st.ID)
	r = e.b.get("/prices?store=" + st.ID)
	wantPage(t, r, http.StatusOK, "Цена «Молоко &lt;script&gt;» здесь: 79,90", "89,90", "Вернуть базовую (89,90")
	sp, _, _ := e.office.ListStorePrices(e.ctx, st.ID, db.ListParams{})
	if len(sp) != 1 || sp[0].Price != 7990 {
		t.Fatalf("store prices %+v", sp)
	}
	// A bad price stands next to the goods it was typed for.
	set.Set("price", "дорого")
	r = e.b.post("/prices", set)
	_, err = backoffice.ParseRubles("price", "дорого")
	wantMessage(t, r, err)
	wantPage(t, r, http.StatusBadRequest, `aria-invalid="true" class="bad"`)
	wantPage(t, e.b.get("/prices?store="+st.ID+"&q=кеф"), http.StatusOK, "Ничего не найдено.")

	set.Del("csrf")
	wantStatus(t, e.b.postRaw("/prices", set), http.StatusForbidden)
	wantRedirect(t, e.b.post("/prices/remove", url.Values{"store": {st.ID}, "goods_id": {g.ID}}), "/prices?store="+st.ID)
	wantPage(t, e.b.get("/prices?store="+st.ID), http.StatusOK, "снова базовая: 89,90")

	// Another company's store and goods are not there.
	theirs, _ := e.office.CreateStore(e.other, backoffice.StoreInput{Name: "Чужой", Address: "ул. Мира, 2"})
	tg := e.goods(e.other, "T-1", "Чужой товар", 100, nil)
	wantNotFound(t, e.b, "/prices?store="+theirs.ID)
	wantStatus(t, e.b.post("/prices", url.Values{"store": {theirs.ID}, "goods_id": {g.ID}, "price": {"1"}}), http.StatusNotFound)
	wantStatus(t, e.b.post("/prices/remove", url.Values{"store": {st.ID}, "goods_id": {tg.ID}}), http.StatusNotFound)
	r = e.b.post("/prices", url.Values{"store": {st.ID}, "goods_id": {tg.ID}, "price": {"1"}})
	wantStatus(t, r, http.StatusBadRequest)
}
