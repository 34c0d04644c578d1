package cabinet_test

import (
	"context"
	"net/http"
	"testing"

	"mypos"
	"mypos/changelog"
)

// A store price set through the API reaches the devices of that store
// only; it lists, changes and goes.
func TestAPIStorePrices(t *testing.T) {
	e := newOfficeEnv(t)
	token, ctx := e.company("shop@shop.test")
	a, b := e.createStore(token, "Центральный"), e.createStore(token, "Заречный")
	inA, inB := e.device(ctx, "Касса A", &a), e.device(ctx, "Касса B", &b)
	goods := e.created(e.call("POST", "/api/v1/goods", token, `{"code":"M","name":"Молоко","price":8990,"unit":"piece","vat":"10"}`))
	prices := "/api/v1/stores/" + a + "/prices"

	r := e.call("PUT", prices, token, `{"goods_id":"`+goods+`","price":7990}`)
	if r.status != http.StatusOK || r.body["price"] != float64(7990) || r.body["base_price"] != float64(8990) || r.body["goods_id"] != goods {
		t.Fatalf("put: %d %s", r.status, r.raw)
	}
	if r := e.call("POST", prices, token, `{"goods_id":"`+goods+`","price":7490}`); r.status != http.StatusOK || r.body["price"] != float64(7490) {
		t.Fatalf("post: %d %s", r.status, r.raw)
	}
	r = e.call("GET", prices, token, "")
	if items, _ := r.body["items"].([]any); r.status != http.StatusOK || len(items) != 1 || items[0].(map[string]any)["price"] != float64(7490) {
		t.Fatalf("list: %d %s", r.status, r.raw)
	}
	if r := e.call("GET", "/api/v1/stores/"+b+"/prices", token, ""); r.status != http.StatusOK || len(r.body["items"].([]any)) != 0 {
		t.Fatalf("the other store's list: %d %s", r.status, r.raw)
	}

	actor, _ := mypos.ActorFromContext(ctx)
	sees := func(v changelog.View) bool {
		page, err := e.changes.Snapshot(context.Background(), actor.CompanyID, v, "", 100)
		if err != nil {
			t.Fatal(err)
		}
		for _, it := range page.Items {
			if it.Kind == "price" {
				return true
			}
		}
		return false
	}
	if !sees(changelog.View{DeviceID: inA, StoreID: a}) || sees(changelog.View{DeviceID: inB, StoreID: b}) {
		t.Fatal("the price does not reach exactly the devices of its store")
	}

	for _, tt := range []struct{ body, field string }{
		{`{"goods_id":"` + goods + `","price":-1}`, "price"},
		{`{"goods_id":"` + goods + `"}`, "price"},
		{`{"goods_id":"` + mypos.NewID() + `","price":1}`, "goods_id"},
	} {
		r := e.call("PUT", prices, token, tt.body)
		r.problem(t, http.StatusBadRequest, mypos.EINVALID)
		if r.body["field"] != tt.field {
			t.Fatalf("%s: %s", tt.body, r.raw)
		}
	}
	if r := e.call("DELETE", prices+"/"+goods, token, ""); r.status != http.StatusNoContent {
		t.Fatalf("delete: %d %s", r.status, r.raw)
	}
	if sees(changelog.View{DeviceID: inA, StoreID: a}) {
		t.Fatal("a deleted price still reaches the store")
	}
	e.call("DELETE", prices+"/"+goods, token, "").problem(t, http.StatusNotFound, mypos.ENOTFOUND)
}
