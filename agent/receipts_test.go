package agent

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"mypos/protocol"
)

// item is an entity with its body exactly as the cloud sends it.
func item(kind, id, body string) protocol.Item {
	return protocol.Item{Kind: kind, ID: id, Op: "upsert", Body: json.RawMessage(body)}
}

// shop is a licensed till's catalog: a cashier and one switched off; a
// group tree dairy ⊃ milk; bread (pieces, 50.00, sold here at the local database
// price 45.00), cheese (weighed, 1000.00 a kg, in milk), a goods switched
// off; discounts for everything, for dairy (a store's copy), for bread
// only, one switched off, one in hours the test clock is never in.
func shop(extra ...protocol.Item) []protocol.Item {
	return append([]protocol.Item{
		upsert("license", "l1", `"state":"active"`),
		upsert("cashier", "anna", `"name":"Анна","role":"cashier","active":true,"pin_hash":"`+testPINHash+`"`),
		upsert("cashier", "boris", `"name":"Борис","role":"cashier","active":false,"pin_hash":"`+testPINHash+`"`),
		upsert("goods_group", "dairy", `"parent_id":null,"name":"Молочное"`),
		upsert("goods_group", "milk", `"parent_id":"dairy","name":"Молоко"`),
		upsert("goods", "bread", `"code":"101","name":"Хлеб","barcodes":["4600000000017"],"price":5000,"unit":"piece","vat":"10","group_id":null,"active":true`),
		upsert("goods", "cheese", `"code":"202","name":"Сыр","barcodes":[],"price":100000,"unit":"weight","vat":"22","group_id":"milk","active":true`),
		upsert("goods", "old", `"code":"303","name":"Старое","barcodes":[],"price":100,"unit":"piece","vat":"22","group_id":null,"active":false`),
		item("price", "bread@store1", `{"goods_id":"bread","store_id":"store1","price":4500}`),
		upsert("discount", "all5", discount("percent", 500, `"target":"all"`)),
		item("discount", "dairy10@store1", `{"id":"dairy10",`+discount("percent", 1000, `"target":"group","group_id":"dairy"`)+`}`),
		upsert("discount", "bread1", discount("amount", 100, `"target":"goods","goods_ids":["bread"]`)),
		upsert("discount", "off", discount("percent", 500, `"target":"all","active":false`)),
		upsert("discount", "late", discount("percent", 500, `"target":"all","time_from":"23:59","time_to":"24:00"`)),
	}, extra...)
}

// discount is a discount body's fields; fields given later win.
func discount(kind string, value int64, fields string) string {
	return fmt.Sprintf(`"name":"скидка","kind":%q,"value":%d,"group_id":null,"goods_ids":[],"starts_at":null,"ends_at":null,"days":[],"time_from":null,"time_to":null,"active":true,%s`, kind, value, fields)
}

// send makes an authorised request with a body.
func (ta *testAPI) send(method, path, body string) (int, map[string]any, http.Header) {
	ta.t.Helper()
	req, _ := http.NewRequest(method, "http://"+ta.addr+path, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+ta.api.token)
	return ta.do(req)
}

func (ta *testAPI) sell(body string) (int, map[string]any) {
	ta.t.Helper()
	status, out, _ := ta.send(http.MethodPost, "/v1/receipts", body)
	return status, out
}

// stored returns every receipt the local database holds, newest first.
func stored(t *testing.T, s *Local) []Receipt {
	t.Helper()
	list, err := s.Receipts("", maxReceiptList)
	if err != nil {
		t.Fatal(err)
	}
	return list
}

func TestSellRefusals(t *testing.T) {
	ta := startAPI(t, shop()...)
	many := strings.Repeat(`{"goods_id":"bread","quantity":1000},`, 400)
	for _, tt := range []struct {
		name, body string
		status     int
		code, want string
	}{
		{"ErrUnknownCashier", `{"cashier_id":"zoe","payment":"cash","lines":[{"goods_id":"bread","quantity":1000}]}`, 422, "unknown_cashier", "zoe"},
		{"ErrCashierOff", `{"cashier_id":"boris","payment":"cash","lines":[{"goods_id":"bread","quantity":1000}]}`, 422, "unknown_cashier", "switched off"},
		{"ErrUnknownGoodsID", `{"cashier_id":"anna","payment":"cash","lines":[{"goods_id":"bread","quantity":1000},{"goods_id":"nope","quantity":1000}]}`, 422, "unknown_goods", "line 2"},
		{"ErrUnknownCode", `{"cashier_id":"anna","payment":"cash","lines":[{"code":"999","quantity":1000}]}`, 422, "unknown_goods", "code 999"},
		{"ErrUnknownBarcode", `{"cashier_id":"anna","payment":"cash","lines":[{"barcode":"4600000000024","quantity":1000}]}`, 422, "unknown_goods", "barcode 4600000000024"},
		{"ErrGoodsOff", `{"cashier_id":"anna","payment":"cash","lines":[{"code":"303","quantity":1000}]}`, 422, "unknown_goods", "not on sale"},
		{"ErrDiscountNotHere", `{"cashier_id":"anna","payment":"cash","lines":[{"goods_id":"bread","quantity":1000,"discount_id":"other-store"}]}`, 422, "bad_discount", "not among"},
		{"ErrDiscountOtherGoods", `{"cashier_id":"anna","payment":"cash","lines":[{"goods_id":"cheese","quantity":1000,"discount_id":"bread1"}]}`, 422, "bad_discount", "does not apply to goods cheese"},
		{"ErrDiscountOtherGroup", `{"cashier_id":"anna","payment":"cash","lines":[{"goods_id":"bread","quantity":1000,"discount_id":"dairy10"}]}`, 422, "bad_discount", "does not apply"},
		{"ErrDiscountOff", `{"cashier_id":"anna","payment":"cash","lines":[{"goods_id":"bread","quantity":1000,"discount_id":"off"}]}`, 422, "bad_discount", "switched off"},
		{"ErrDiscountHours", `{"cashier_id":"anna","payment":"cash","lines":[{"goods_id":"bread","quantity":1000,"discount_id":"late"}]}`, 422, "bad_discount", "23:59"},
		{"ErrTotalMismatch", `{"cashier_id":"anna","payment":"cash","lines":[{"goods_id":"bread","quantity":2000}],"total":10000}`, 422, "total_mismatch", "9000 kopecks (90.00 ₽)"},
		// 100 000 kg of cheese at 1 000 ₽ is the limit of one receipt; a loaf more is over it.
		{"ErrOverLimit", `{"cashier_id":"anna","payment":"cash","lines":[{"goods_id":"cheese","quantity":100000000},{"goods_id":"bread","quantity":1000}]}`, 422, "over_limit", "line 2 (Хлеб): total: the receipt comes to more than 100 000 000 ₽ before discounts: split it"},
		{"ErrTooLargeUpload", `{"cashier_id":"anna","payment":"cash","lines":[` + strings.TrimSuffix(many, ",") + `]}`, 413, "too_large", "split"},
		{"ErrTooLargeBody", `{"cashier_id":"anna","payment":"cash","lines":[` + strings.Repeat(many, 20) + `{}]}`, 413, "too_large", "split"},
		{"ErrWholePieces", `{"cashier_id":"anna","payment":"cash","lines":[{"goods_id":"bread","quantity":1500}]}`, 400, "bad_request", "whole"},
		{"ErrNotJSON", `{"cashier_id":`, 400, "bad_request", "cashier_id"},
		{"ErrUnknownField", `{"cashier_id":"anna","payment":"cash","price":1,"lines":[{"goods_id":"bread","quantity":1000}]}`, 400, "bad_request", "price"},
		{"ErrNoLines", `{"cashier_id":"anna","payment":"cash","lines":[]}`, 400, "bad_request", "at least one line"},
		{"ErrTwoRefs", `{"cashier_id":"anna","payment":"cash","lines":[{"goods_id":"bread","code":"101","quantity":1000}]}`, 400, "bad_request", "exactly one"},
		{"ErrNoQuantity", `{"cashier_id":"anna","payment":"cash","lines":[{"goods_id":"bread"}]}`, 400, "bad_request", "thousandths"},
		{"ErrFractionalQuantity", `{"cashier_id":"anna","payment":"cash","lines":[{"goods_id":"bread","quantity":1.5}]}`, 400, "bad_request", "quantity"},
		{"ErrPayment", `{"cashier_id":"anna","payment":"barter","lines":[{"goods_id":"bread","quantity":1000}]}`, 400, "bad_request", "payment"},
		{"ErrID", `{"id":"42","cashier_id":"anna","payment":"cash","lines":[{"goods_id":"bread","quantity":1000}]}`, 400, "bad_request", "UUID"},
		{"ErrNegativeTotal", `{"cashier_id":"anna","payment":"cash","lines":[{"goods_id":"bread","quantity":1000}],"total":-1}`, 400, "bad_request", "total"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			status, body := ta.sell(tt.body)
			msg, _ := body["message"].(string)
			if status != tt.status || body["code"] != tt.code || !strings.Contains(msg, tt.want) {
				t.Fatalf("%d %v, want %d %s saying %q", status, body, tt.status, tt.code, tt.want)
			}
			if list := stored(t, ta.local); len(list) != 0 {
				t.Fatalf("a refused sale stored %d receipts", len(list))
			}
		})
	}
	// Nothing moved the receipt counter either: the first sale is number 1.
	status, body := ta.sell(`{"cashier_id":"anna","payment":"cash","lines":[{"goods_id":"bread","quantity":1000}]}`)
	if receipt, _ := body["receipt"].(map[string]any); status != http.StatusCreated || receipt["number"] != 1.0 {
		t.Fatalf("%d %v, want the first receipt, number 1", status, body)
	}
}

func TestSellErrLicenseRequired(t *testing.T) {
	ta := startAPI(t, shop()[1:]...) // the same till, without its license
	status, body := ta.sell(`{"cashier_id":"anna","payment":"cash","lines":[{"goods_id":"bread","quantity":1000}]}`)
	if status != http.StatusForbidden || body["code"] != "license_required" {
		t.Fatalf("%d %v, want 403 license_required", status, body)
	}
	if list := stored(t, ta.local); len(list) != 0 {
		t.Fatalf("an unlicensed till stored %d receipts", len(list))
	}
}

// A sale is priced from the till's store — the store price over the
// goods' own, a discount on a parent group — by protocol's arithmetic.
func TestSellOK(t *testing.T) {
	ta := startAPI(t, shop()...)
	status, body := ta.sell(`{"cashier_id":"anna","payment":"card","total":120060,"lines":[
		{"barcode":"4600000000017","quantity":2000},
		{"code":"202","quantity":1234,"discount_id":"dairy10"}]}`)
	if status != http.StatusCreated || body["state"] != ReceiptQueued {
		t.Fatalf("%d %v, want 201 queued", status, body)
	}
	var r Receipt
	raw, _ := json.Marshal(body)
	if err := json.Unmarshal(raw, &r); err != nil {
		t.Fatal(err)
	}
	s := r.Sale
	if !protocol.ValidID(s.ID) || s.ID[14] != '7' || s.Number != 1 || s.CashierID != "anna" || s.Payment != "card" || !s.At.Equal(ta.clock) {
		t.Fatalf("sale %+v: want a fresh UUIDv7, number 1, anna, card, at the worker's clock", s)
	}
	want := []protocol.SaleLine{
		{GoodsID: "bread", Name: "Хлеб", Line: protocol.Line{Price: 4500, Quantity: 2000, Unit: "piece", VAT: "10"}},
		{GoodsID: "cheese", Name: "Сыр", DiscountID: "dairy10", Line: protocol.Line{Price: 100000, Quantity: 1234, Unit: "weight", VAT: "22",
			Discount: &protocol.Discount{Kind: "percent", Value: 1000}}},
	}
	if got, _ := json.Marshal(s.Lines); string(got) != string(mustJSON(t, want)) {
		t.Fatalf("lines %s, want %s", got, mustJSON(t, want))
	}
	// 2 × 45.00 = 90.00; 1.234 kg × 1000.00 = 1234.00 − 10 % = 1110.60.
	if s.Total != 120060 || r.Totals.Total != 120060 || r.Totals.Lines[1].Discount != 12340 {
		t.Fatalf("total %d, totals %+v; want 120060 with 123.40 off the cheese", s.Total, r.Totals)
	}
	if _, err := protocol.CheckSale(&s); err != nil {
		t.Fatalf("the stored sale fails the cloud's check: %v", err)
	}
	if list := stored(t, ta.local); len(list) != 1 || list[0].Sale.ID != s.ID || list[0].State != ReceiptQueued {
		t.Fatalf("stored %+v, want the receipt, queued", list)
	}
	status, body = ta.sell(`{"cashier_id":"anna","payment":"cash","lines":[{"goods_id":"bread","quantity":1000,"discount_id":"bread1"},{"goods_id":"cheese","quantity":500,"discount_id":"all5"}]}`)
	if receipt, _ := body["receipt"].(map[string]any); status != http.StatusCreated || receipt["number"] != 2.0 || receipt["total"] != 4400.0+47500 {
		t.Fatalf("%d %v, want receipt 2 of 44.00 + 475.00", status, body)
	}
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// The front's retry with the receipt's ID finds it; the same ID for
// another sale is a conflict; neither stores a second receipt.
func TestSellIdempotent(t *testing.T) {
	ta := startAPI(t, shop()...)
	const id = "0190c0de-0000-7000-8000-0000000000aa"
	body := `{"id":"` + id + `","cashier_id":"anna","payment":"cash","lines":[{"goods_id":"bread","quantity":3000}]}`
	status, first := ta.sell(body)
	if status != http.StatusCreated {
		t.Fatalf("first: %d %v", status, first)
	}
	status, again := ta.sell(strings.Replace(body, id, strings.ToUpper(id), 1))
	if status != http.StatusOK || fmt.Sprint(again) != fmt.Sprint(first) {
		t.Fatalf("the retry: %d %v, want 200 with the stored receipt %v", status, again, first)
	}
	status, other := ta.sell(strings.Replace(body, "3000", "4000", 1))
	if status != http.StatusConflict || other["code"] != "conflict" {
		t.Fatalf("another sale under the same id: %d %v, want 409 conflict", status, other)
	}
	if list := stored(t, ta.local); len(list) != 1 || list[0].Sale.ID != id || list[0].Sale.Number != 1 {
		t.Fatalf("stored %+v, want the one receipt %s", list, id)
	}
}

func TestReceiptsListAndStatus(t *testing.T) {
	ta := startAPI(t, shop()...)
	for range 3 {
		if status, body := ta.sell(`{"cashier_id":"anna","payment":"cash","lines":[{"goods_id":"bread","quantity":1000}]}`); status != http.StatusCreated {
			t.Fatalf("%d %v", status, body)
		}
	}
	// The cloud rejects receipt 2 for good.
	second := stored(t, ta.local)[1].Sale.ID
	done := make(chan bool, 1)
	ta.w.do(func() { done <- ta.w.settle(second, ReceiptRejected, "bad_field", "no such cashier") })
	if !<-done {
		t.Fatal("receipt 2 was not rejected")
	}
	numbers := func(path string) string {
		var out []string
		for _, r := range ta.items(path) {
			out = append(out, fmt.Sprint(r["receipt"].(map[string]any)["number"]))
		}
		return strings.Join(out, ",")
	}
	for path, want := range map[string]string{
		"/v1/receipts":                "3,2,1",
		"/v1/receipts?limit=2":        "3,2",
		"/v1/receipts?state=queued":   "3,1",
		"/v1/receipts?state=rejected": "2",
		"/v1/receipts?state=acked":    "",
	} {
		if got := numbers(path); got != want {
			t.Errorf("%s: %s, want %s", path, got, want)
		}
	}
	if r := ta.items("/v1/receipts?state=rejected")[0]; r["code"] != "bad_field" || r["message"] != "no such cashier" {
		t.Fatalf("the rejected receipt %v, want the cloud's code and message", r)
	}
	for _, bad := range []string{"?state=lost", "?limit=0", "?limit=x", "?limit=1001"} {
		if status, body := ta.call(http.MethodGet, "/v1/receipts"+bad, "", "-"); status != http.StatusBadRequest || body["code"] != "bad_request" {
			t.Fatalf("%s: %d %v, want 400", bad, status, body)
		}
	}
	_, st := ta.call(http.MethodGet, "/v1/status", "", "-")
	if n, _ := st["receipts"].(map[string]any); n["queued"] != 2.0 || n["rejected"] != 1.0 || st["device_id"] != testDevice {
		t.Fatalf("status %v, want 2 queued and 1 rejected beside the other fields", st)
	}
	if status, body := ta.call(http.MethodPut, "/v1/receipts", "", "-"); status != http.StatusMethodNotAllowed || !strings.Contains(body["message"].(string), "GET, POST") {
		t.Fatalf("PUT: %d %v, want 405 naming GET and POST", status, body)
	}
}

// GET /v1/goods answers the price this till sells at.
func TestAPIGoodsStorePrice(t *testing.T) {
	ta := startAPI(t, shop()...)
	prices := map[string]string{}
	for _, g := range ta.items("/v1/goods") {
		prices[g["id"].(string)] = fmt.Sprint(g["price"], "/", g["base_price"])
	}
	if prices["bread"] != "4500/5000" || prices["cheese"] != "100000/100000" {
		t.Fatalf("prices %v, want bread at the store's 4500 (its own 5000), cheese at its own", prices)
	}
	if g := ta.items("/v1/goods?barcode=4600000000017"); len(g) != 1 || g[0]["price"] != 4500.0 {
		t.Fatalf("by barcode: %v, want bread at 4500", g)
	}
}

// The sale's time is the worker's clock; a discount outside its weekdays
// or period does not apply.
func TestSellDiscountCalendar(t *testing.T) {
	local := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC).Local() // the harness's clock
	other := (int(local.Weekday())+1)%7 + 1                      // an ISO weekday that is not today
	ta := startAPI(t, shop(
		upsert("discount", "weekday", discount("percent", 500, fmt.Sprintf(`"target":"all","days":[%d]`, other))),
		upsert("discount", "ended", discount("percent", 500, `"target":"all","ends_at":"2025-12-31T00:00:00Z"`)),
		upsert("discount", "soon", discount("percent", 500, `"target":"all","starts_at":"2027-01-01T00:00:00Z"`)),
	)...)
	for id, want := range map[string]string{"weekday": "weekday", "ended": "has ended", "soon": "not started"} {
		status, body := ta.sell(`{"cashier_id":"anna","payment":"cash","lines":[{"goods_id":"bread","quantity":1000,"discount_id":"` + id + `"}]}`)
		if status != http.StatusUnprocessableEntity || body["code"] != "bad_discount" || !strings.Contains(body["message"].(string), want) {
			t.Fatalf("%s: %d %v, want bad_discount saying %q", id, status, body, want)
		}
	}
}

func TestCutName(t *testing.T) {
	cabinets := strings.Repeat("Я", 200) // 400 bytes: the cabinet allows it
	if got := cutName(cabinets); got != cabinets {
		t.Fatalf("a name the cabinet allows was cut to %d characters", utf8.RuneCountInString(got))
	}
	if got := cutName("a" + strings.Repeat("Я", 300)); got != "a"+strings.Repeat("Я", 255) {
		t.Fatalf("cut to %q, want 256 characters", got)
	}
}

// The client the CLI uses, against the real API.
func TestAPIClientSale(t *testing.T) {
	ta := startAPI(t, shop()...)
	c, err := NewAPIClient(ta.dir, ta.addr)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	req := &SaleRequest{ID: "0190c0de-0000-7000-8000-0000000000bb", CashierID: "anna", Payment: "cash",
		Lines: []SaleLineRequest{{Code: "101", Quantity: 2000}}}
	r, created, err := c.Sell(ctx, req)
	if err != nil || !created || r.Sale.Number != 1 || r.Sale.Total != 9000 || r.State != ReceiptQueued {
		t.Fatalf("Sell: %+v created=%v %v", r, created, err)
	}
	if again, created, err := c.Sell(ctx, req); err != nil || created || again.Sale.ID != r.Sale.ID {
		t.Fatalf("the retry: %+v created=%v %v, want the same receipt, not created", again, created, err)
	}
	req.Lines[0].Code = "nope"
	req.ID = ""
	_, _, err = c.Sell(ctx, req)
	var ae *APIError
	if !errors.As(err, &ae) || ae.Status != http.StatusUnprocessableEntity || ae.Code != "unknown_goods" {
		t.Fatalf("unknown goods: %v, want an APIError 422 unknown_goods", err)
	}
	if list, err := c.Receipts(ctx, ReceiptQueued, 10); err != nil || len(list) != 1 || list[0].Sale.ID != r.Sale.ID {
		t.Fatalf("Receipts: %+v %v", list, err)
	}
	if goods, err := c.Goods(ctx, "101", ""); err != nil || len(goods) != 1 || !strings.Contains(string(goods[0]), `"price":4500`) {
		t.Fatalf("Goods: %s %v", goods, err)
	}
	if cs, err := c.Cashiers(ctx); err != nil || len(cs) != 2 || strings.Contains(string(cs[0]), "pin_hash") {
		t.Fatalf("Cashiers: %s %v", cs, err)
	}
	if ok, err := c.CheckPIN(ctx, "anna", testPIN); err != nil || !ok {
		t.Fatalf("CheckPIN: %v %v", ok, err)
	}
}
