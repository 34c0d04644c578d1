package cabinet_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"mypos/cabinet"
	"mypos/i18n"
	"mypos/sales/salestest"
)

// The receipts in a real browser: today's empty list, the last 7 days by
// a quick pick, a till chosen in its select (htmx swaps the list and the
// address follows), a receipt's page, the summary with its chart, and the
// same in English — amounts in each language's way, and on a phone every
// cell still says which column it is.
func TestBrowserReceipts(t *testing.T) {
	t.Parallel() // each has its own server, database and Chromium; mostly they wait on it
	exe := cabinet.Chromium(t)
	w := newReceiptsWorld(t)
	base := cabinet.Serve(t, w.srv)
	b := cabinet.NewChromium(t, exe)
	shot := cabinet.NewShots(t, b)
	run := func(step string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(b, actions...); err != nil {
			t.Fatalf("browser: %s: %v", step, err)
		}
	}
	text := func(sel string) string {
		t.Helper()
		s, err := chromedp.Run(b, chromedp.Text(chromedp.CSS(sel)))
		if err != nil {
			t.Fatalf("browser: read %s: %v", sel, err)
		}
		return strings.TrimSpace(s)
	}
	eval := func(js string) string {
		t.Helper()
		s, err := chromedp.Run(b, chromedp.Evaluate[string](js))
		if err != nil {
			t.Fatalf("browser: %s: %v", js, err)
		}
		return s
	}
	run("log in",
		chromedp.Navigate(base+"/login"),
		chromedp.SendKeys(chromedp.CSS(`input[name=email]`), "shop@shop.test"),
		chromedp.SendKeys(chromedp.CSS(`input[name=password]`), "company-pass"),
		chromedp.Click(chromedp.CSS(`form[action="/login"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`.nav a[href="/receipts"]`)),
		chromedp.Click(chromedp.CSS(`.nav a[href="/receipts"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#receipts-list .empty`)),
	)
	shot("receipts-today")

	run("pick the last 7 days", chromedp.Click(chromedp.CSS(`.picks a:nth-child(3)`)), chromedp.WaitVisible(chromedp.CSS(`#receipts`)))
	if n := eval(`String(document.querySelectorAll("#receipts tbody tr").length)`); n != "3" {
		t.Fatalf("%s receipts in 7 days, want 3", n)
	}
	ru := i18n.For(i18n.Russian)
	if got := text(`#receipts tbody tr:first-child td:last-child`); got != ru.Money(salestest.Totals(w.a).Total) {
		t.Fatalf("the newest receipt's amount %q", got)
	}
	shot("receipts-week")

	run("choose the bare till; htmx swaps the list",
		chromedp.Evaluate[chromedp.Void](`const s = document.querySelector("#f-device_id"); s.value = "`+w.bare+`"; s.dispatchEvent(new Event("change", {bubbles: true}))`),
		chromedp.WaitNotPresent(chromedp.CSS(`#receipts tbody tr:nth-child(2)`)),
	)
	if loc := eval(`location.search`); !strings.Contains(loc, "device_id="+w.bare) {
		t.Fatalf("the address did not follow the filter: %s", loc)
	}
	if got := text(`#receipts tbody tr td:nth-child(3)`); got != "Касса 2" {
		t.Fatalf("the filtered list shows %q", got)
	}
	shot("receipts-week-till")

	// At phone width the header row is gone and each cell shows its label.
	run("narrow the window", chromedp.EmulateViewport(390, 800, chromedp.EmulateMobile))
	labels, err := chromedp.Run(b, chromedp.Evaluate[[]string](`[...document.querySelectorAll("#receipts tbody tr:first-child td")].map(td => getComputedStyle(td, "::before").content)`))
	if err != nil {
		t.Fatal(err)
	}
	if want := `"Время" "№" "Касса" "Торговый объект" "Кассир" "Позиций" "Оплата" "Сумма"`; strings.Join(labels, " ") != want {
		t.Fatalf("the cells' labels at 390 px: %v, want %s", labels, want)
	}
	run("widen the window", chromedp.EmulateViewport(1280, 800))

	run("open the receipt", chromedp.Click(chromedp.CSS(`#receipts td.primary-cell a`)), chromedp.WaitVisible(chromedp.CSS(`#lines`)))
	if got, want := text(`main h1`), "Чек № "+itoa(int(w.b.Number)); got != want {
		t.Fatalf("the receipt's heading %q, want %q", got, want)
	}
	shot("receipt")

	run("back to the list and on to the summary",
		chromedp.Click(chromedp.CSS(`.crumbs a`)),
		chromedp.WaitVisible(chromedp.CSS(`.tabs`)),
		chromedp.Navigate(base+"/receipts/summary?from="+w.day3+"&to="+w.day1),
		chromedp.WaitVisible(chromedp.CSS(`svg.chart-svg`)),
	)
	if got := eval(`document.querySelector("svg.chart-svg > title").textContent`); got != "Выручка с "+ru.Day(w.day3)+" по "+ru.Day(w.day1) {
		t.Fatalf("the chart's title %q", got)
	}
	if n := eval(`String(document.querySelectorAll("svg.chart-svg rect").length)`); n != "2" {
		t.Fatalf("%s bars, want 2", n)
	}
	shot("sales-summary")

	run("switch to English",
		chromedp.Click(chromedp.CSS(`.account summary`)),
		chromedp.Click(chromedp.CSS(`.menu a[hreflang=en]`)),
		chromedp.WaitVisible(chromedp.CSS(`html[lang=en]`)),
	)
	en := i18n.For(i18n.English)
	all := salestest.Totals(w.a).Total + salestest.Totals(w.b).Total + salestest.Totals(w.c).Total
	if got := text(`.kpis div:first-child dd`); got != en.Money(all) {
		t.Fatalf("the revenue in English %q, want %q", got, en.Money(all))
	}
	shot("sales-summary-en")

	run("a period too long",
		chromedp.Navigate(base+"/receipts/summary?from=2025-01-01&to=2026-03-01"),
		chromedp.WaitVisible(chromedp.CSS(`#f-to-error`)),
	)
	if got := text(`#f-to-error`); got != "A summary covers at most 366 days." {
		t.Fatalf("the error %q", got)
	}
	shot("sales-summary-too-long-en")
}
