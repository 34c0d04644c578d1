package cabinet_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"mypos"
	"mypos/cabinet"
	"mypos/protocol"
	"mypos/sales"
	"mypos/sales/salestest"
)

// salesEnv is the office env with the sales service in the cabinet and
// receipts stored through the real ingester.
type salesEnv struct {
	*officeEnv
	ingest *sales.Ingester
}

func newSalesEnv(t *testing.T) *salesEnv {
	t.Helper()
	e := newOfficeEnv(t)
	if err := e.db.Migrate(context.Background(), sales.Schema); err != nil {
		t.Fatal(err)
	}
	svc := sales.NewService(e.db)
	srv, err := cabinet.New(cabinet.Config{Accounts: e.accounts, Devices: e.devices, Backoffice: e.office, Sales: svc,
		InTx: e.db.InTx, PublicMQTTURL: testMQTTURL})
	if err != nil {
		t.Fatal(err)
	}
	e.srv = srv
	s := &salesEnv{officeEnv: e, ingest: sales.NewIngester(svc, sales.IngestOptions{})}
	t.Cleanup(s.ingest.Close)
	return s
}

// sell stores sales of a device of the company, as fleet hands them over.
func (e *salesEnv) sell(company context.Context, deviceID, storeID string, sold ...protocol.Sale) {
	e.t.Helper()
	a, _ := mypos.ActorFromContext(company)
	errs := make(chan error, len(sold))
	for _, s := range sold {
		in := sales.Incoming{CompanyID: a.CompanyID, DeviceID: deviceID, StoreID: storeID, Sale: s}
		if err := e.ingest.Submit(in, func(_ bool, err error) { errs <- err }); err != nil {
			e.t.Fatal(err)
		}
	}
	for range sold {
		select {
		case err := <-errs:
			if err != nil {
				e.t.Fatal(err)
			}
		case <-time.After(5 * time.Second):
			e.t.Fatal("a receipt not stored within 5 s")
		}
	}
}

// A company lists its receipts newest first, a page at a time and
// filtered, reads one in full, and sums a period by day, store and cashier.
func TestAPIReceipts(t *testing.T) {
	e := newSalesEnv(t)
	token, ctx := e.company("shop@shop.test")
	storeID := e.createStore(token, "Центральный")
	a, b := e.device(ctx, "Касса A", &storeID), e.device(ctx, "Касса B", nil)
	morning := salestest.Sale(salestest.At("2026-03-08T09:00:00+03:00"), "c1", 5990, 12000)
	noon := salestest.Sale(salestest.At("2026-03-08T12:00:00+03:00"), "c2", 990)
	before := salestest.Sale(salestest.At("2026-03-07T20:00:00+03:00"), "c1", 100000)
	e.sell(ctx, a, storeID, morning, before)
	e.sell(ctx, b, "", noon)

	var ids []string
	path := "/api/v1/receipts?limit=2"
	for range 3 {
		r := e.call("GET", path, token, "")
		if r.status != http.StatusOK || r.body["items"] == nil {
			t.Fatalf("list: %d %s", r.status, r.raw)
		}
		ids = append(ids, r.ids()...)
		next, _ := r.body["next"].(string)
		if next == "" {
			break
		}
		path = "/api/v1/receipts?limit=2&cursor=" + url.QueryEscape(next)
	}
	if want := []string{noon.ID, morning.ID, before.ID}; !slices.Equal(ids, want) {
		t.Fatalf("listed %v, want newest first %v", ids, want)
	}
	for query, want := range map[string][]string{
		"device_id=" + b:                {noon.ID},
		"store_id=" + storeID:           {morning.ID, before.ID},
		"from=2026-03-08&to=2026-03-08": {noon.ID, morning.ID},
		"cashier_id=c1&to=2026-03-07":   {before.ID},
		"from=2026-03-09":               nil,
	} {
		if r := e.call("GET", "/api/v1/receipts?"+query, token, ""); r.status != http.StatusOK || !slices.Equal(r.ids(), want) {
			t.Fatalf("%s: %d %s, want %v", query, r.status, r.raw, want)
		}
	}

	r := e.call("GET", "/api/v1/receipts/"+morning.ID, token, "")
	tot := salestest.Totals(morning)
	sale, _ := r.body["sale"].(map[string]any)
	if r.status != http.StatusOK || r.body["total"] != float64(tot.Total) || r.body["vat"] != float64(tot.VAT) ||
		r.body["store_id"] != storeID || r.body["device_id"] != a || r.body["day"] != "2026-03-08" ||
		sale == nil || sale["at"] != "2026-03-08T09:00:00+03:00" || r.body["totals"] == nil {
		t.Fatalf("get: %d %s", r.status, r.raw)
	}

	r = e.call("GET", "/api/v1/sales/summary?from=2026-03-07&to=2026-03-08", token, "")
	totals, _ := r.body["totals"].(map[string]any)
	sum := tot.Total + salestest.Totals(noon).Total + salestest.Totals(before).Total
	if r.status != http.StatusOK || len(r.body["items"].([]any)) != 3 || totals["receipts"] != float64(3) || totals["total"] != float64(sum) {
		t.Fatalf("summary: %d %s, want 3 rows summing %d", r.status, r.raw, sum)
	}
}

// Another company finds nothing of a company's receipts; partners and the
// owner are refused as on every company-only route.
func TestAPIReceiptsTenancy(t *testing.T) {
	e := newSalesEnv(t)
	_, ctx := e.company("shop@shop.test")
	otherToken, _ := e.company("other@shop.test")
	s := salestest.Sale(salestest.At("2026-03-08T09:00:00+03:00"), "c1", 5990)
	e.sell(ctx, e.device(ctx, "Касса", nil), "", s)
	partner := e.partnerToken()
	owner := e.login("owner@mypos.test", "owner-password")

	e.call("GET", "/api/v1/receipts/"+s.ID, otherToken, "").problem(t, http.StatusNotFound, mypos.ENOTFOUND)
	if r := e.call("GET", "/api/v1/receipts", otherToken, ""); r.status != http.StatusOK || len(r.ids()) != 0 || r.body["next"] != nil {
		t.Fatalf("other lists: %d %s", r.status, r.raw)
	}
	if r := e.call("GET", "/api/v1/sales/summary?from=2026-03-08&to=2026-03-08", otherToken, ""); r.status != http.StatusOK || strings.Contains(r.raw, `"receipts":1`) {
		t.Fatalf("other sums: %d %s", r.status, r.raw)
	}
	for _, path := range []string{"/api/v1/receipts", "/api/v1/receipts/" + s.ID, "/api/v1/sales/summary?from=2026-03-08&to=2026-03-08"} {
		e.call("GET", path, partner, "").problem(t, http.StatusForbidden, mypos.EFORBIDDEN)
		e.call("GET", path, owner, "").problem(t, http.StatusForbidden, mypos.EFORBIDDEN)
		e.call("GET", path, "", "").problem(t, http.StatusUnauthorized, mypos.EUNAUTHORIZED)
	}
}

func TestAPIReceiptsBadInput(t *testing.T) {
	e := newSalesEnv(t)
	token, _ := e.company("shop@shop.test")
	tests := []struct {
		name, path, field string
	}{
		{"BadFrom", "/api/v1/receipts?from=08.03.2026", "from"},
		{"Reversed", "/api/v1/receipts?from=2026-03-09&to=2026-03-08", "from"},
		{"BadStore", "/api/v1/receipts?store_id=1;drop", "store_id"},
		{"BadDevice", "/api/v1/receipts?device_id=x", "device_id"},
		{"BadLimit", "/api/v1/receipts?limit=x", "limit"},
		{"LimitTooBig", "/api/v1/receipts?limit=501", "limit"},
		{"BadCursor", "/api/v1/receipts?cursor=1;drop", "cursor"},
		{"SummaryNoPeriod", "/api/v1/sales/summary", "from"},
		{"SummaryNoTo", "/api/v1/sales/summary?from=2026-03-01", "to"},
		{"SummaryBadDay", "/api/v1/sales/summary?from=2026-02-30&to=2026-03-01", "from"},
		{"SummaryTooLong", "/api/v1/sales/summary?from=2025-01-01&to=2026-03-01", "to"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := e.call("GET", tt.path, token, "")
			r.problem(t, http.StatusBadRequest, mypos.EINVALID)
			if got, _ := r.body["field"].(string); got != tt.field {
				t.Fatalf("field=%q, want %q: %s", got, tt.field, r.raw)
			}
		})
	}
	e.call("GET", "/api/v1/receipts/not-an-id", token, "").problem(t, http.StatusNotFound, mypos.ENOTFOUND)
}

// The «Чеки» page shows a day — the newest receipt's by default — with
// its sums by store and cashier, by name, and its receipts at the tills'
// local time; a partner gets the refusal page.
func TestWebReceipts(t *testing.T) {
	e := newSalesEnv(t)
	token, ctx := e.company("shop@shop.test")
	storeID := e.createStore(token, "Центральный")
	till := e.device(ctx, "Касса у входа", &storeID)
	cashierID := e.created(e.call("POST", "/api/v1/cashiers", token, `{"name":"Ольга","pin":"1234","role":"cashier","device_ids":["`+till+`"]}`))
	late := salestest.Sale(salestest.At("2026-03-08T23:30:00+10:00"), cashierID, 123456, 100)
	e.sell(ctx, till, storeID, late, salestest.Sale(salestest.At("2026-03-07T10:00:00+03:00"), cashierID, 500))

	r := e.call("GET", "/receipts", token, "")
	tot := salestest.Totals(late)
	for _, want := range []string{"Чеки за 2026-03-08", "Центральный", "Ольга", "Касса у входа", "23:30:00", rubles(tot.Total), "Карта"} {
		if r.status != http.StatusOK || !strings.Contains(r.raw, want) {
			t.Fatalf("the page lacks %q: %d %s", want, r.status, r.raw)
		}
	}
	if r := e.call("GET", "/receipts?day=2026-03-06", token, ""); r.status != http.StatusOK || !strings.Contains(r.raw, "продаж не было") {
		t.Fatalf("a day without sales: %d %s", r.status, r.raw)
	}
	if r := e.call("GET", "/receipts?day=8-March", token, ""); r.status != http.StatusBadRequest {
		t.Fatalf("a bad day: %d", r.status)
	}
	if r := e.call("GET", "/receipts", e.partnerToken(), ""); r.status != http.StatusForbidden {
		t.Fatalf("a partner: %d", r.status)
	}
}

// rubles is how the page writes kopecks: 1 235,56 ₽.
func rubles(kopecks int64) string {
	whole := strconv.FormatInt(kopecks/100, 10)
	if len(whole) > 3 {
		whole = whole[:len(whole)-3] + "\u00a0" + whole[len(whole)-3:]
	}
	return fmt.Sprintf("%s,%02d\u00a0₽", whole, kopecks%100)
}
