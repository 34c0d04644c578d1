package cabinet_test

import (
	"context"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"mypos"
	"mypos/account"
	"mypos/licensing"
	"mypos/protocol"
	"mypos/sales"
	"mypos/sales/salestest"
)

// salesEnv is the office env with licensing and sales at hand, and
// receipts stored through the real ingester, checked as serve checks them.
// Its companies are clients of one partner.
type salesEnv struct {
	*officeEnv
	lic                *licensing.Service
	sales              *sales.Service
	ingest             *sales.Ingester
	ownerAs, partnerAs context.Context // the owner and the partner, as actors
	partner            string          // the partner's token
	behind             atomic.Int64    // how far the database's clock is set back (see licensed)
}

func newSalesEnv(t *testing.T) *salesEnv {
	t.Helper()
	e := newOfficeEnv(t)
	s := &salesEnv{officeEnv: e, lic: e.svc.Licensing, sales: e.svc.Sales, ingest: e.svc.Receipts}
	e.db.Now = func() time.Time { return time.Now().Add(-time.Duration(s.behind.Load())).UTC() }
	owner, err := e.accounts.CreateOwner(context.Background(), "owner@mypos.test", "owner-password")
	if err != nil {
		t.Fatal(err)
	}
	s.ownerAs = mypos.NewContextWithActor(context.Background(), owner.Actor())
	partner, err := e.accounts.CreatePartner(s.ownerAs, account.Registration{Name: "Дилер", INN: "7736207543", Email: "p@dealer.test", Password: "long-enough"})
	if err != nil {
		t.Fatal(err)
	}
	s.partnerAs = mypos.NewContextWithActor(context.Background(), partner.Actor())
	s.partner = e.login("p@dealer.test", "long-enough")
	return s
}

// shop registers a company, a client of the partner, with a cashier, goods
// and a discount; it returns its token, a context acting as it and a
// seller of its own.
func (e *salesEnv) shop(email string) (string, context.Context, salestest.Seller) {
	e.t.Helper()
	token, ctx := e.company(email)
	a, _ := mypos.ActorFromContext(e.partnerAs)
	r, err := e.accounts.RequestLink(ctx, account.LinkRequestInput{PartnerID: a.ID})
	if err == nil {
		_, err = e.accounts.AcceptLink(e.partnerAs, r.ID)
	}
	if err != nil {
		e.t.Fatal(err)
	}
	return token, ctx, salestest.NewSeller(e.t, e.office, ctx)
}

// licensed puts a new license on a device of the company, as of a month
// ago, so the days the tests sell on are licensed ones.
func (e *salesEnv) licensed(company context.Context, deviceID string) {
	e.t.Helper()
	e.behind.Store(int64(30 * 24 * time.Hour))
	defer e.behind.Store(0)
	a, _ := mypos.ActorFromContext(e.partnerAs)
	c, _ := mypos.ActorFromContext(company)
	doc, err := e.lic.Sell(e.ownerAs, a.ID, 1)
	if err == nil {
		_, err = e.lic.Transfer(e.partnerAs, c.ID, doc.LicenseIDs)
	}
	if err == nil {
		_, err = e.lic.Assign(company, doc.LicenseIDs[0], deviceID)
	}
	if err != nil {
		e.t.Fatal(err)
	}
}

// till makes a licensed device of the company.
func (e *salesEnv) till(company context.Context, name string, storeID *string) string {
	e.t.Helper()
	id := e.device(company, name, storeID)
	e.licensed(company, id)
	return id
}

// sell stores sales of a device of the company, as fleet hands them over.
func (e *salesEnv) sell(company context.Context, deviceID, storeID string, sold ...protocol.Sale) {
	e.t.Helper()
	a, _ := mypos.ActorFromContext(company)
	outcomes := make(chan sales.Outcome, len(sold))
	for _, s := range sold {
		if err := e.ingest.Submit(a.CompanyID, deviceID, storeID, s, func(o sales.Outcome) { outcomes <- o }); err != nil {
			e.t.Fatal(err)
		}
	}
	for range sold {
		select {
		case o := <-outcomes:
			if o.Err != nil {
				e.t.Fatal(o.Err)
			}
		case <-time.After(5 * time.Second):
			e.t.Fatal("a receipt not stored within 5 s")
		}
	}
}

// daysAgo is the date n days before today, YYYY-MM-DD: the tests sell in
// the last days, as the cloud takes no receipt older than 400 days.
func daysAgo(n int) string { return time.Now().AddDate(0, 0, -n).Format(time.DateOnly) }

// at is a moment of a day on a till's clock: at(day, "09:00:00+03:00").
func at(day, clock string) time.Time { return salestest.At(day + "T" + clock) }

// A company lists its receipts newest first, a page at a time and
// filtered, reads one in full, and sums a period by day, store and cashier.
func TestAPIReceipts(t *testing.T) {
	e := newSalesEnv(t)
	token, ctx, seller := e.shop("shop@shop.test")
	other := salestest.NewSeller(t, e.office, ctx)
	storeID := e.createStore(token, "Центральный")
	a, b := e.till(ctx, "Касса A", &storeID), e.till(ctx, "Касса B", nil)
	day, before1 := daysAgo(1), daysAgo(2)
	morning := seller.Sale(at(day, "09:00:00+03:00"), 5990, 12000)
	noon := other.Sale(at(day, "12:00:00+03:00"), 990)
	before := seller.Sale(at(before1, "20:00:00+03:00"), 100000)
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
		"device_id=" + b:                                    {noon.ID},
		"store_id=" + storeID:                               {morning.ID, before.ID},
		"from=" + day + "&to=" + day:                        {noon.ID, morning.ID},
		"cashier_id=" + seller.CashierID + "&to=" + before1: {before.ID},
		"from=" + daysAgo(0):                                nil,
	} {
		if r := e.call("GET", "/api/v1/receipts?"+query, token, ""); r.status != http.StatusOK || !slices.Equal(r.ids(), want) {
			t.Fatalf("%s: %d %s, want %v", query, r.status, r.raw, want)
		}
	}

	r := e.call("GET", "/api/v1/receipts/"+morning.ID, token, "")
	tot := salestest.Totals(morning)
	sale, _ := r.body["sale"].(map[string]any)
	if r.status != http.StatusOK || r.body["total"] != float64(tot.Total) || r.body["vat"] != float64(tot.VAT) ||
		r.body["store_id"] != storeID || r.body["device_id"] != a || r.body["day"] != day || r.body["unlicensed"] != false ||
		sale == nil || sale["at"] != day+"T09:00:00+03:00" || r.body["totals"] == nil {
		t.Fatalf("get: %d %s", r.status, r.raw)
	}

	r = e.call("GET", "/api/v1/sales/summary?from="+before1+"&to="+day, token, "")
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
	_, ctx, seller := e.shop("shop@shop.test")
	otherToken, _ := e.company("other@shop.test")
	day := daysAgo(1)
	s := seller.Sale(at(day, "09:00:00+03:00"), 5990)
	e.sell(ctx, e.till(ctx, "Касса", nil), "", s)
	partner := e.partner
	owner := e.login("owner@mypos.test", "owner-password")

	e.call("GET", "/api/v1/receipts/"+s.ID, otherToken, "").problem(t, http.StatusNotFound, mypos.ENOTFOUND)
	if r := e.call("GET", "/api/v1/receipts", otherToken, ""); r.status != http.StatusOK || len(r.ids()) != 0 || r.body["next"] != nil {
		t.Fatalf("other lists: %d %s", r.status, r.raw)
	}
	if r := e.call("GET", "/api/v1/sales/summary?from="+day+"&to="+day, otherToken, ""); r.status != http.StatusOK || strings.Contains(r.raw, `"receipts":1`) {
		t.Fatalf("other sums: %d %s", r.status, r.raw)
	}
	for _, path := range []string{"/api/v1/receipts", "/api/v1/receipts/" + s.ID, "/api/v1/sales/summary?from=" + day + "&to=" + day} {
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

// A receipt a till punched without a license is shown so: "unlicensed":
// true in the API, a badge and a word of explanation on the page — and
// nothing on the licensed till's.
func TestReceiptsUnlicensedShown(t *testing.T) {
	e := newSalesEnv(t)
	token, ctx, seller := e.shop("shop@shop.test")
	licensed, unlicensed := e.till(ctx, "Касса 1", nil), e.device(ctx, "Касса 2", nil)
	day := daysAgo(1)
	good, bad := seller.Sale(at(day, "10:00:00+03:00"), 5990), seller.Sale(at(day, "11:00:00+03:00"), 990)
	e.sell(ctx, licensed, "", good)
	e.sell(ctx, unlicensed, "", bad)

	r := e.call("GET", "/api/v1/receipts", token, "")
	marked := map[string]any{}
	for _, it := range items(r) {
		marked[it["id"].(string)] = it["unlicensed"]
	}
	if r.status != http.StatusOK || marked[good.ID] != false || marked[bad.ID] != true {
		t.Fatalf("list: %d %s", r.status, r.raw)
	}
	if r := e.call("GET", "/api/v1/receipts/"+bad.ID, token, ""); r.body["unlicensed"] != true {
		t.Fatalf("get: %d %s", r.status, r.raw)
	}
	page := e.call("GET", "/receipts?from="+day+"&to="+day, token, "")
	if page.status != http.StatusOK || strings.Count(page.raw, `<span class="badge bad"`) != 1 || !strings.Contains(page.raw, "когда лицензии на ней не было") {
		t.Fatalf("the page marks the unlicensed receipt once, and says why: %d %s", page.status, page.raw)
	}
}

// Whatever is stored, the summary and the page answer: receipts an older
// version let in beyond int64 — the twelve receipts of 90 lines at
// the largest price and quantity were acknowledged, then broke both with a
// 500 — make the summary a clear 400 on "to", and its page says so next
// to the field; the receipts page lists them.
func TestReceiptsSumsTooLarge(t *testing.T) {
	e := newSalesEnv(t)
	token, ctx := e.company("shop@shop.test")
	a, _ := mypos.ActorFromContext(ctx)
	day := daysAgo(1)
	e.storeLegacy(a.CompanyID, day, math.MaxInt64/2, math.MaxInt64/2, math.MaxInt64/2)

	r := e.call("GET", "/api/v1/sales/summary?from="+day+"&to="+day, token, "")
	r.problem(t, http.StatusBadRequest, mypos.EINVALID)
	if r.body["field"] != "to" {
		t.Fatalf("summary: %s", r.raw)
	}
	page := e.call("GET", "/receipts?from="+day+"&to="+day, token, "")
	if page.status != http.StatusOK || strings.Count(page.raw, `<td data-label="Время" class="when">`) != 3 {
		t.Fatalf("the receipts page: %d %s", page.status, page.raw)
	}
	page = e.call("GET", "/receipts/summary?from="+day+"&to="+day, token, "")
	if page.status != http.StatusOK || !strings.Contains(page.raw, `id="f-to-error"`) || !strings.Contains(page.raw, "не могут быть настоящими") {
		t.Fatalf("the summary page: %d %s", page.status, page.raw)
	}
}

// storeLegacy writes receipts of the given totals as a version before the
// limits could have, straight into the table.
func (e *salesEnv) storeLegacy(companyID, day string, totals ...int64) {
	e.t.Helper()
	for i, total := range totals {
		err := e.db.Conn(context.Background()).Exec(`INSERT INTO receipts (device_id, id, company_id, cashier_id, number,
			punched_at, utc_offset, day, payment, total, discount, vat, lines, body, received_at)
			VALUES (?, ?, ?, ?, ?, ?, 0, ?, 'card', ?, 0, 0, 90, '{}', ?)`,
			mypos.NewID(), mypos.NewID(), companyID, mypos.NewID(), i+1, at(day, "12:00:00Z"), day, total, time.Now().UTC()).Error
		if err != nil {
			e.t.Fatal(err)
		}
	}
}

// A partner's board of its clients' devices shows what each sold without
// a license — how many receipts, the day of the latest — and null for a
// device that never did.
func TestAPIPartnerDevicesUnlicensed(t *testing.T) {
	e := newSalesEnv(t)
	_, ctx, seller := e.shop("shop@shop.test")
	licensed, unlicensed := e.till(ctx, "Касса 1", nil), e.device(ctx, "Касса 2", nil)
	e.sell(ctx, licensed, "", seller.Sale(at(daysAgo(1), "10:00:00+03:00"), 5990))
	e.sell(ctx, unlicensed, "", seller.Sale(at(daysAgo(2), "10:00:00+03:00"), 990), seller.Sale(at(daysAgo(1), "10:00:00+03:00"), 100))

	r := e.call("GET", "/api/v1/devices", e.partner, "")
	byID := map[string]map[string]any{}
	for _, d := range items(r) {
		byID[d["id"].(string)] = d
	}
	sold, _ := byID[unlicensed]["unlicensed_receipts"].(map[string]any)
	if r.status != http.StatusOK || len(byID) != 2 || byID[licensed]["unlicensed_receipts"] != nil ||
		sold == nil || sold["receipts"] != float64(2) || sold["last_day"] != daysAgo(1) {
		t.Fatalf("the board: %d %s", r.status, r.raw)
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
