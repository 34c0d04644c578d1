package cabinet_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"mypos/backoffice"
	"mypos/i18n"
	"mypos/protocol"
	"mypos/sales/salestest"
)

// receiptsWorld is a company with a store, a till in it and one in none,
// two cashiers — one named as markup —, and receipts on three days: the
// day before yesterday none.
type receiptsWorld struct {
	*salesEnv
	token, storeID, inStore, bare string
	ctx                           context.Context
	olga, evil                    salestest.Seller
	day1, day3                    string
	// a is the receipt of the till in the store on day1, b of the bare
	// till on day3, c the markup cashier's on day1.
	a, b, c protocol.Sale
}

func newReceiptsWorld(t *testing.T) *receiptsWorld {
	t.Helper()
	e := newSalesEnv(t)
	w := &receiptsWorld{salesEnv: e, day1: daysAgo(1), day3: daysAgo(3)}
	w.token, w.ctx, w.olga = e.shop("shop@shop.test")
	w.evil = salestest.NewSeller(t, e.office, w.ctx)
	if _, err := e.office.UpdateCashier(w.ctx, w.evil.CashierID, backoffice.CashierPatch{Name: ptr("<script>alert(1)</script>")}); err != nil {
		t.Fatal(err)
	}
	w.storeID = e.createStore(w.token, "Центральный")
	w.inStore, w.bare = e.till(w.ctx, "Касса у входа", &w.storeID), e.till(w.ctx, "Касса 2", nil)
	w.a = w.olga.Sale(at(w.day1, "23:30:00+10:00"), 123456, 100)
	w.b = w.olga.Sale(at(w.day3, "10:00:00+03:00"), 5990)
	w.c = w.evil.Sale(at(w.day1, "09:00:00+03:00"), 990)
	e.sell(w.ctx, w.inStore, w.storeID, w.a, w.c)
	e.sell(w.ctx, w.bare, "", w.b)
	return w
}

func ptr[T any](v T) *T { return &v }

// receiptLinks are the receipts a page lists, by their links, in order.
var receiptLinkRe = regexp.MustCompile(`href="/receipts/([0-9a-f-]{36})"`)

func receiptLinks(body string) []string {
	var ids []string
	for _, m := range receiptLinkRe.FindAllStringSubmatch(body, -1) {
		ids = append(ids, m[1])
	}
	return ids
}

func (w *receiptsWorld) page(path string, headers ...string) apiResponse {
	w.t.Helper()
	r := w.call("GET", path, w.token, "", headers...)
	if r.status != http.StatusOK {
		w.t.Fatalf("%s: %d %s", path, r.status, r.raw)
	}
	return r
}

// The receipts page shows any period — today by default — filtered by
// store, till and cashier, each receipt linking to its page; the quick
// picks keep the filters; names are text, never markup.
func TestWebReceiptsPeriodAndFilters(t *testing.T) {
	w := newReceiptsWorld(t)
	if r := w.page("/receipts"); !strings.Contains(r.raw, "За этот период продаж не было.") || !strings.Contains(r.raw, `value="`+daysAgo(0)+`"`) {
		t.Fatalf("today, without sales: %s", r.raw)
	}
	period := "from=" + w.day3 + "&to=" + w.day1
	for query, want := range map[string][]string{
		period:                                     {w.a.ID, w.c.ID, w.b.ID},
		period + "&device_id=" + w.bare:            {w.b.ID},
		period + "&store_id=" + w.storeID:          {w.a.ID, w.c.ID},
		period + "&cashier_id=" + w.evil.CashierID: {w.c.ID},
		"from=" + w.day1 + "&to=" + w.day1:         {w.a.ID, w.c.ID},
		"from=" + w.day3:                           {w.b.ID},
	} {
		r := w.page("/receipts?" + query)
		if got := receiptLinks(r.raw); strings.Join(got, " ") != strings.Join(want, " ") {
			t.Errorf("%s: %v, want %v", query, got, want)
		}
	}
	r := w.page("/receipts?" + period + "&store_id=" + w.storeID)
	for _, want := range []string{"Центральный", "Касса у входа", "23:30:00", rubles(salestest.Totals(w.a).Total),
		"&lt;script&gt;alert(1)&lt;/script&gt;", `<option value="` + w.storeID + `" selected>Центральный</option>`} {
		if !strings.Contains(r.raw, want) {
			t.Errorf("the page lacks %q", want)
		}
	}
	if strings.Contains(r.raw, "<script>alert") || strings.Contains(r.raw, "cashier_id=&amp;") {
		t.Fatal("a cashier's name is markup, or an address carries an empty filter")
	}
	yesterday := url.Values{"from": {w.day1}, "to": {w.day1}, "store_id": {w.storeID}}.Encode()
	if !strings.Contains(r.raw, `href="/receipts?`+strings.ReplaceAll(yesterday, "&", "&amp;")+`"`) {
		t.Errorf("the quick pick «yesterday» drops the filter: %s", r.raw)
	}
	if !strings.Contains(r.raw, `href="/receipts/summary?`+strings.ReplaceAll(url.Values{"from": {w.day3}, "to": {w.day1}}.Encode(), "&", "&amp;")+`"`) {
		t.Errorf("the summary tab drops the period")
	}
	if r := w.page("/receipts?" + period + "&device_id=" + w.bare + "&cashier_id=" + w.evil.CashierID); !strings.Contains(r.raw, "Таких чеков за этот период нет.") {
		t.Errorf("nothing found by the filters: %s", r.raw)
	}
	if r := w.call("GET", "/receipts", w.partner, ""); r.status != http.StatusForbidden {
		t.Fatalf("a partner: %d", r.status)
	}
}

// Paging keeps the period and the filters, and htmx gets the list alone.
func TestWebReceiptsPaging(t *testing.T) {
	w := newReceiptsWorld(t)
	var many []protocol.Sale
	for i := range 51 {
		many = append(many, w.olga.Sale(at(w.day1, "12:00:00+03:00").Add(-time.Duration(i)*time.Second), 100))
	}
	w.sell(w.ctx, w.bare, "", many...)
	path := "/receipts?from=" + w.day3 + "&to=" + w.day1 + "&device_id=" + w.bare
	first := w.page(path, "HX-Request", "true", "HX-Target", "receipts-list")
	if strings.Contains(first.raw, "<html") || len(receiptLinks(first.raw)) != 50 {
		t.Fatalf("the first page, for htmx: %d receipts %s", len(receiptLinks(first.raw)), first.raw)
	}
	m := nextPageRe.FindStringSubmatch(first.raw)
	if m == nil {
		t.Fatalf("no next page: %s", first.raw)
	}
	next := strings.ReplaceAll(m[1], "&amp;", "&")
	u, _ := url.Parse(next)
	if q := u.Query(); q.Get("device_id") != w.bare || q.Get("from") != w.day3 || q.Get("to") != w.day1 || q.Get("cursor") == "" {
		t.Fatalf("the next page's address lost the filters: %s", next)
	}
	second := w.page(next)
	if got := receiptLinks(second.raw); len(got) != 2 || got[1] != w.b.ID || !strings.Contains(second.raw, `class="pager"`) {
		t.Fatalf("the second page: %v", got)
	}
}

// A reversed period is the same form with the error next to «from»; with
// htmx, the whole of <main> comes back, since the field is outside the list.
func TestWebReceiptsBadPeriod(t *testing.T) {
	w := newReceiptsWorld(t)
	r := w.page("/receipts?from=" + w.day1 + "&to=" + w.day3)
	if !strings.Contains(r.raw, `<p class="field-error" id="f-from-error" role="alert">Период начинается позже, чем заканчивается.</p>`) {
		t.Fatalf("the reversed period: %s", r.raw)
	}
	r = w.page("/receipts?from="+w.day1+"&to="+w.day3, "HX-Request", "true", "HX-Target", "receipts-list", "Accept-Language", "en")
	if r.header.Get("HX-Retarget") != "main" || r.header.Get("HX-Reselect") != "main" || !strings.Contains(r.raw, "<main") ||
		!strings.Contains(r.raw, "The period starts after it ends.") {
		t.Fatalf("the reversed period, for htmx: %v %s", r.header, r.raw)
	}
}

// A receipt's page: where and when — the till's clock and the cloud's —,
// its lines in pieces and kilograms, the discounts it took, its totals;
// another company's receipt is 404, and a name is never markup.
func TestWebReceiptPage(t *testing.T) {
	w := newReceiptsWorld(t)
	weighed := w.evil.Sale(at(w.day1, "23:30:00+10:00"), 12990, 5990)
	weighed.Lines[1].Unit, weighed.Lines[1].Quantity = protocol.UnitWeight, 1234
	tot, err := protocol.Total(weighed.Receipt())
	if err != nil {
		t.Fatal(err)
	}
	weighed.Total = tot.Total
	w.sell(w.ctx, w.inStore, w.storeID, weighed)

	r := w.page("/receipts/" + weighed.ID)
	for _, want := range []string{"Чек № " + strconv.FormatInt(weighed.Number, 10), "Касса у входа", "Центральный", "&lt;script&gt;alert(1)&lt;/script&gt;", "Карта",
		i18n.For(i18n.Russian).Day(w.day1) + " 23:30:00", "UTC&#43;10:00", "1 шт.", "1,234 кг", "Скидка", "5 %", "22 %",
		rubles(tot.Lines[1].Discount), rubles(tot.Total), rubles(tot.VATByRate[protocol.VAT22]), rubles(tot.VATByRate[protocol.VAT10])} {
		if !strings.Contains(r.raw, want) {
			t.Errorf("the receipt lacks %q", want)
		}
	}
	if strings.Contains(r.raw, "<script>alert") {
		t.Fatal("a cashier's name is markup")
	}
	if r := w.page("/receipts/"+weighed.ID, "Accept-Language", "en"); !strings.Contains(r.raw, "Receipt No. "+strconv.FormatInt(weighed.Number, 10)) || !strings.Contains(r.raw, "1.234 kg") {
		t.Errorf("in English: %s", r.raw)
	}
	other, _ := w.company("other@shop.test")
	if r := w.call("GET", "/receipts/"+weighed.ID, other, ""); r.status != http.StatusNotFound {
		t.Fatalf("another company's receipt: %d", r.status)
	}
	if r := w.call("GET", "/receipts/not-an-id", w.token, ""); r.status != http.StatusNotFound {
		t.Fatalf("not an ID: %d", r.status)
	}
}

// The summary sums a period by day — every day, the one without sales at
// zero, in a chart and a table — and by store and cashier; a period over
// 366 days is refused next to «to», in either language.
func TestWebSalesSummary(t *testing.T) {
	w := newReceiptsWorld(t)
	r := w.page("/receipts/summary?from=" + w.day3 + "&to=" + w.day1)
	all := salestest.Totals(w.a).Total + salestest.Totals(w.b).Total + salestest.Totals(w.c).Total
	if got := strings.Count(r.raw, `<tr><td data-label="День">`) + strings.Count(r.raw, `<tr class="quiet-row"><td data-label="День">`); got != 3 {
		t.Errorf("%d days in the table, want 3", got)
	}
	if !strings.Contains(r.raw, `<tr class="quiet-row"><td data-label="День">`+i18n.For(i18n.Russian).Day(daysAgo(2))+`</td><td data-label="Чеков" class="num">0</td>`) {
		t.Errorf("the day without sales is not a zero: %s", r.raw)
	}
	for _, want := range []string{`<svg class="chart-svg"`, `<title id="chart-title">Выручка с `, rubles(all), "Центральный", "Без торгового объекта",
		"&lt;script&gt;alert(1)&lt;/script&gt;", `href="/receipts/summary.csv?from=`} {
		if !strings.Contains(r.raw, want) {
			t.Errorf("the summary lacks %q", want)
		}
	}
	if got := strings.Count(r.raw, `<rect class="chart-bar"`); got != 2 {
		t.Errorf("%d bars, want 2 (a day without sales has none)", got)
	}
	long := "/receipts/summary?from=2025-01-01&to=2026-03-01"
	if r := w.page(long); !strings.Contains(r.raw, `id="f-to-error" role="alert">Сводка — не больше чем за 366 дней.</p>`) {
		t.Errorf("a period too long: %s", r.raw)
	}
	if r := w.page(long, "Accept-Language", "en"); !strings.Contains(r.raw, `id="f-to-error" role="alert">A summary covers at most 366 days.</p>`) {
		t.Errorf("a period too long, in English: %s", r.raw)
	}
}
