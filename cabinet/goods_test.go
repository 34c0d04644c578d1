package cabinet_test

import (
	"net/http"
	"net/url"
	"testing"

	"mypos"
)

func TestAPIGoods(t *testing.T) {
	e := newOfficeEnv(t)
	token, _ := e.company("shop@shop.test")
	group := e.created(e.call("POST", "/api/v1/goods-groups", token, `{"name":"Молочные продукты"}`))

	r := e.call("POST", "/api/v1/goods", token, `{"code":"M-1","name":"Молоко 3,2%","barcodes":["4600051000057"],
		"price":8990,"unit":"piece","vat":"22","group_id":"`+group+`"}`)
	id := e.created(r)
	if r.body["price"] != float64(8990) || r.body["group_id"] != group || r.body["active"] != true {
		t.Fatalf("create: %s", r.raw)
	}
	for _, hidden := range []string{"name_key", "company_id", "deleted_at"} {
		if _, ok := r.body[hidden]; ok {
			t.Fatalf("the goods shows %s: %s", hidden, r.raw)
		}
	}
	kefir := e.created(e.call("POST", "/api/v1/goods", token, `{"code":"K-1","name":"Кефир","price":7000,"unit":"piece","vat":"10"}`))

	for q, want := range map[string]string{"молоко": id, "МОЛОКО": id, "M-1": id, "4600051000057": id, "кеф": kefir} {
		r := e.call("GET", "/api/v1/goods?q="+url.QueryEscape(q), token, "")
		if r.status != http.StatusOK || len(r.ids()) != 1 || r.ids()[0] != want {
			t.Fatalf("search %q: %d %s", q, r.status, r.raw)
		}
	}
	r = e.call("GET", "/api/v1/goods?limit=1", token, "")
	if next, _ := r.body["next"].(string); r.status != http.StatusOK || len(r.ids()) != 1 || next != id {
		t.Fatalf("first page: %d %s", r.status, r.raw)
	}

	r = e.call("POST", "/api/v1/goods", token, `{"code":"M-2","name":"Молоко","barcodes":["4600051000057"],"price":1,"unit":"piece","vat":"none"}`)
	r.problem(t, http.StatusConflict, mypos.ECONFLICT)
	if r.body["field"] != "barcodes" {
		t.Fatalf("duplicate barcode: %s", r.raw)
	}
	e.call("POST", "/api/v1/goods", token, `{"code":"M-1","name":"Молоко","price":1,"unit":"piece","vat":"none"}`).problem(t, http.StatusConflict, mypos.ECONFLICT)
	for _, tt := range []struct{ body, field string }{
		{`{"code":"M-3","name":"Молоко","barcodes":["4600051000058"],"price":1,"unit":"piece","vat":"none"}`, "barcodes"},
		{`{"code":"M-3","name":"Молоко","price":1,"unit":"piece","vat":"18"}`, "vat"},
		{`{"code":"M-3","name":"Молоко","price":"1.00","unit":"piece","vat":"none"}`, "price"},
		{`{"code":"M-3","name":"Молоко","unit":"piece","vat":"none"}`, "price"},
		{`{"code":"M-3","name":"Молоко","price":1,"unit":"piece","vat":"none","colour":"red"}`, "colour"},
	} {
		r := e.call("POST", "/api/v1/goods", token, tt.body)
		r.problem(t, http.StatusBadRequest, mypos.EINVALID)
		if r.body["field"] != tt.field {
			t.Fatalf("%s: field %v, want %q", tt.body, r.body["field"], tt.field)
		}
	}

	r = e.call("PATCH", "/api/v1/goods/"+id, token, `{"group_id":null,"price":9990}`)
	if r.status != http.StatusOK || r.body["group_id"] != nil || r.body["price"] != float64(9990) || r.body["name"] != "Молоко 3,2%" {
		t.Fatalf("patch: %d %s", r.status, r.raw)
	}
	if r := e.call("DELETE", "/api/v1/goods/"+id, token, ""); r.status != http.StatusNoContent {
		t.Fatalf("delete: %d %s", r.status, r.raw)
	}
	e.call("GET", "/api/v1/goods/"+id, token, "").problem(t, http.StatusNotFound, mypos.ENOTFOUND)
}

func TestAPIGoodsGroups(t *testing.T) {
	e := newOfficeEnv(t)
	token, _ := e.company("shop@shop.test")
	top := e.created(e.call("POST", "/api/v1/goods-groups", token, `{"name":"Молочные продукты"}`))
	sub := e.created(e.call("POST", "/api/v1/goods-groups", token, `{"name":"Молоко","parent_id":"`+top+`"}`))

	r := e.call("PATCH", "/api/v1/goods-groups/"+top, token, `{"parent_id":"`+sub+`"}`)
	r.problem(t, http.StatusBadRequest, mypos.EINVALID)
	if r.body["field"] != "parent_id" {
		t.Fatalf("cycle: %s", r.raw)
	}
	e.call("DELETE", "/api/v1/goods-groups/"+top, token, "").problem(t, http.StatusConflict, mypos.ECONFLICT)
	r = e.call("PATCH", "/api/v1/goods-groups/"+sub, token, `{"parent_id":null}`)
	if r.status != http.StatusOK || r.body["parent_id"] != nil {
		t.Fatalf("to the top: %d %s", r.status, r.raw)
	}
	r = e.call("GET", "/api/v1/goods-groups?q="+url.QueryEscape("молоко"), token, "")
	if r.status != http.StatusOK || len(r.ids()) != 1 || r.ids()[0] != sub {
		t.Fatalf("search: %d %s", r.status, r.raw)
	}
	if r := e.call("DELETE", "/api/v1/goods-groups/"+top, token, ""); r.status != http.StatusNoContent {
		t.Fatalf("delete: %d %s", r.status, r.raw)
	}
}
