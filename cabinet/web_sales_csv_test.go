package cabinet_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"

	"mypos/backoffice"
	"mypos/sales/salestest"
)

// csvMoney is how the Russian export writes kopecks: 1234,56.
func csvMoney(kopecks int64, decimal string) string {
	return strconv.FormatInt(kopecks/100, 10) + decimal + strconv.FormatInt(100+kopecks%100, 10)[1:]
}

// The receipts export: UTF-8 with a BOM, ";" between fields, CRLF, the
// columns in the page's language, amounts with its decimal separator, the
// list's period and filters; a name that looks like a formula is text.
func TestWebReceiptsCSV(t *testing.T) {
	w := newReceiptsWorld(t)
	if _, err := w.office.UpdateCashier(w.ctx, w.olga.CashierID, backoffice.CashierPatch{Name: ptr("=1+1")}); err != nil {
		t.Fatal(err)
	}
	r := w.page("/receipts.csv?from=" + w.day3 + "&to=" + w.day1 + "&store_id=" + w.storeID)
	if ct := r.header.Get("Content-Type"); ct != "text/csv; charset=utf-8" {
		t.Fatalf("Content-Type %q", ct)
	}
	if cd := r.header.Get("Content-Disposition"); cd != `attachment; filename="receipts-`+w.day3+`-`+w.day1+`.csv"` {
		t.Fatalf("Content-Disposition %q", cd)
	}
	if !strings.HasPrefix(r.raw, "\ufeffДень;Время;№;Касса;Торговый объект;Кассир;Оплата;Позиций;Сумма;Скидки;НДС;Без лицензии;ID чека\r\n") {
		t.Fatalf("the header: %q", r.raw)
	}
	lines := strings.Split(strings.TrimSuffix(r.raw, "\r\n"), "\r\n")
	a := salestest.Totals(w.a)
	wantA := strings.Join([]string{w.day1[8:] + "." + w.day1[5:7] + "." + w.day1[:4], w.day1[8:] + "." + w.day1[5:7] + "." + w.day1[:4] + " 23:30:00",
		strconv.FormatInt(w.a.Number, 10), "Касса у входа", "Центральный", "'=1+1", "Карта", "2",
		csvMoney(a.Total, ","), csvMoney(a.Discount, ","), csvMoney(a.VAT, ","), "", w.a.ID}, ";")
	if len(lines) != 3 || lines[1] != wantA || !strings.Contains(lines[2], ";<script>alert(1)</script>;") {
		t.Fatalf("the rows, want 2 and the first\n%s:\n%q", wantA, lines)
	}
	en := w.page("/receipts.csv?from="+w.day1+"&to="+w.day1+"&store_id="+w.storeID, "Accept-Language", "en")
	if !strings.HasPrefix(en.raw, "\ufeffDay;Time;No.;Till;Store;") || !strings.Contains(en.raw, ";"+csvMoney(a.Total, ".")+";") {
		t.Fatalf("in English: %q", en.raw)
	}
	other, _ := w.company("other@shop.test")
	if r := w.call("GET", "/receipts.csv?from="+w.day3+"&to="+w.day1, other, ""); r.status != http.StatusOK || strings.Count(r.raw, "\r\n") != 1 {
		t.Fatalf("another company's export: %d %q", r.status, r.raw)
	}
	if r := w.call("GET", "/receipts.csv?from="+w.day1+"&to="+w.day3, w.token, ""); r.status != http.StatusBadRequest {
		t.Fatalf("a reversed period: %d", r.status)
	}
}

// The summary export: a row per day, store and cashier, then the totals.
func TestWebSummaryCSV(t *testing.T) {
	w := newReceiptsWorld(t)
	r := w.page("/receipts/summary.csv?from=" + w.day3 + "&to=" + w.day1)
	lines := strings.Split(strings.TrimSuffix(r.raw, "\r\n"), "\r\n")
	all := salestest.Totals(w.a).Total + salestest.Totals(w.b).Total + salestest.Totals(w.c).Total
	if len(lines) != 5 || lines[0] != "\ufeffДень;Торговый объект;Кассир;Чеков;Выручка;Скидки;НДС" ||
		!strings.HasPrefix(lines[4], "Всего;;;3;"+csvMoney(all, ",")+";") || !strings.Contains(r.raw, ";Без торгового объекта;Ольга;1;") {
		t.Fatalf("the summary: %q", lines)
	}
	if r := w.call("GET", "/receipts/summary.csv?from=2025-01-01&to=2026-03-01", w.token, ""); r.status != http.StatusBadRequest ||
		!strings.Contains(r.raw, "Сводка — не больше чем за 366 дней.") {
		t.Fatalf("a period too long: %d %s", r.status, r.raw)
	}
}
