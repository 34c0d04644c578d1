package cabinet_test

import (
	"net/http"
	"net/url"
	"testing"

	"mypos"
)

func TestAPIDiscounts(t *testing.T) {
	e := newOfficeEnv(t)
	token, _ := e.company("shop@shop.test")
	a, b := e.createStore(token, "Центральный"), e.createStore(token, "Заречный")
	goods := e.created(e.call("POST", "/api/v1/goods", token, `{"code":"M","name":"Молоко","price":8990,"unit":"piece","vat":"10"}`))

	r := e.call("POST", "/api/v1/discounts", token, `{"name":"Счастливые часы","kind":"percent","value":1500,
		"target":"goods","goods_ids":["`+goods+`"],"store_ids":["`+a+`"],"starts_at":"2026-03-01T00:00:00+03:00",
		"days":[1,2,3,4,5],"time_from":"17:00","time_to":"19:00"}`)
	id := e.created(r)
	if r.body["all_stores"] != false || r.body["starts_at"] != "2026-02-28T21:00:00Z" || r.body["time_to"] != "19:00" || r.body["ends_at"] != nil {
		t.Fatalf("create: %s", r.raw)
	}
	r = e.call("PATCH", "/api/v1/discounts/"+id, token, `{"store_ids":["`+b+`","`+a+`"],"days":null,"ends_at":"2026-04-01T00:00:00Z"}`)
	if stores, _ := r.body["store_ids"].([]any); r.status != http.StatusOK || len(stores) != 2 || len(r.body["days"].([]any)) != 0 || r.body["ends_at"] == nil {
		t.Fatalf("patch: %d %s", r.status, r.raw)
	}
	r = e.call("PATCH", "/api/v1/discounts/"+id, token, `{"all_stores":true,"target":"all"}`)
	if r.status != http.StatusOK || r.body["all_stores"] != true || len(r.body["store_ids"].([]any)) != 0 || len(r.body["goods_ids"].([]any)) != 0 {
		t.Fatalf("to all: %d %s", r.status, r.raw)
	}
	if r := e.call("GET", "/api/v1/discounts?q="+url.QueryEscape("счастливые"), token, ""); r.status != http.StatusOK || len(r.ids()) != 1 {
		t.Fatalf("search: %d %s", r.status, r.raw)
	}
	for _, tt := range []struct{ body, field string }{
		{`{"name":"X","kind":"percent","value":10001,"target":"all","all_stores":true}`, "value"},
		{`{"name":"X","kind":"amount","value":100,"target":"all"}`, "store_ids"},
		{`{"name":"X","kind":"amount","value":100,"target":"group","all_stores":true}`, "group_id"},
		{`{"name":"X","kind":"amount","value":100,"target":"all","all_stores":true,"time_from":"19:00","time_to":"17:00"}`, "time_to"},
		{`{"name":"X","kind":"amount","value":100,"target":"all","all_stores":true,"days":"пн"}`, "days"},
		{`{"name":"X","kind":"amount","value":100,"target":"all","all_stores":true,"starts_at":"завтра"}`, ""},
	} {
		r := e.call("POST", "/api/v1/discounts", token, tt.body)
		r.problem(t, http.StatusBadRequest, mypos.EINVALID)
		if got, _ := r.body["field"].(string); got != tt.field {
			t.Fatalf("%s: field %q, want %q: %s", tt.body, got, tt.field, r.raw)
		}
	}
	if r := e.call("DELETE", "/api/v1/discounts/"+id, token, ""); r.status != http.StatusNoContent {
		t.Fatalf("delete: %d %s", r.status, r.raw)
	}
	e.call("GET", "/api/v1/discounts/"+id, token, "").problem(t, http.StatusNotFound, mypos.ENOTFOUND)
}

// A company cannot see or touch another company's catalog: to it, it does
// not exist. Other kinds of account get 403.
func TestAPICatalogTenancy(t *testing.T) {
	e := newOfficeEnv(t)
	token, ctx := e.company("shop@shop.test")
	otherToken, otherCtx := e.company("other@shop.test")
	st := e.createStore(token, "Центральный")
	group := e.created(e.call("POST", "/api/v1/goods-groups", token, `{"name":"Молоко"}`))
	goods := e.created(e.call("POST", "/api/v1/goods", token, `{"code":"M","name":"Молоко","price":8990,"unit":"piece","vat":"10"}`))
	discount := e.created(e.call("POST", "/api/v1/discounts", token, `{"name":"Скидка","kind":"amount","value":100,"target":"all","all_stores":true}`))
	if r := e.call("PUT", "/api/v1/stores/"+st+"/prices", token, `{"goods_id":"`+goods+`","price":1}`); r.status != http.StatusOK {
		t.Fatalf("price: %d %s", r.status, r.raw)
	}
	head := e.head(ctx)
	partner := e.partnerToken()

	for _, res := range []struct{ path, patch string }{
		{"/api/v1/goods/" + goods, `{"name":"Захвачен"}`},
		{"/api/v1/goods-groups/" + group, `{"name":"Захвачен"}`},
		{"/api/v1/discounts/" + discount, `{"name":"Захвачен"}`},
	} {
		e.call("GET", res.path, otherToken, "").problem(t, http.StatusNotFound, mypos.ENOTFOUND)
		e.call("PATCH", res.path, otherToken, res.patch).problem(t, http.StatusNotFound, mypos.ENOTFOUND)
		e.call("DELETE", res.path, otherToken, "").problem(t, http.StatusNotFound, mypos.ENOTFOUND)
		e.call("GET", res.path, partner, "").problem(t, http.StatusForbidden, mypos.EFORBIDDEN)
		e.call("GET", res.path, "", "").problem(t, http.StatusUnauthorized, mypos.EUNAUTHORIZED)
	}
	prices := "/api/v1/stores/" + st + "/prices"
	e.call("GET", prices, otherToken, "").problem(t, http.StatusNotFound, mypos.ENOTFOUND)
	e.call("PUT", prices, otherToken, `{"goods_id":"`+goods+`","price":2}`).problem(t, http.StatusNotFound, mypos.ENOTFOUND)
	e.call("DELETE", prices+"/"+goods, otherToken, "").problem(t, http.StatusNotFound, mypos.ENOTFOUND)
	e.call("GET", prices, partner, "").problem(t, http.StatusForbidden, mypos.EFORBIDDEN)
	for _, list := range []string{"/api/v1/goods", "/api/v1/goods-groups", "/api/v1/discounts"} {
		if r := e.call("GET", list, otherToken, ""); r.status != http.StatusOK || len(r.ids()) != 0 {
			t.Fatalf("other lists %s: %d %s", list, r.status, r.raw)
		}
		e.call("GET", list, partner, "").problem(t, http.StatusForbidden, mypos.EFORBIDDEN)
	}
	if r := e.call("GET", "/api/v1/goods?q=M", otherToken, ""); len(r.ids()) != 0 {
		t.Fatalf("other finds by code: %s", r.raw)
	}
	e.call("POST", "/api/v1/goods/import", partner, "code,name,barcode,price,unit,vat,group\n").problem(t, http.StatusForbidden, mypos.EFORBIDDEN)
	if e.head(ctx) != head || e.head(otherCtx) != 0 {
		t.Fatal("refused requests wrote")
	}
}

// partnerToken creates a partner through the owner and logs in as it.
func (e *officeEnv) partnerToken() string {
	e.t.Helper()
	if r := e.call("POST", "/api/v1/partners", e.owner(), `{"name":"Дилер","inn":"7736207543","email":"p@dealer.test","password":"long-enough"}`); r.status != http.StatusCreated {
		e.t.Fatalf("create partner: %d %s", r.status, r.raw)
	}
	return e.login("p@dealer.test", "long-enough")
}
