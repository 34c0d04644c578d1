package cabinet_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"mypos/cabinet"
	"mypos/i18n"
	"mypos/sales/salestest"
)

// The receipts page in a real browser, in Russian and in English: amounts
// in each language's way, and on a phone every cell still says which
// column it is (its data-label, shown before it).
func TestBrowserReceipts(t *testing.T) {
	exe := cabinet.Chromium(t)
	e := newSalesEnv(t)
	_, ctx, seller := e.shop("shop@shop.test")
	storeID := e.createStore(e.login("shop@shop.test", "company-pass"), "Центральный")
	till, bare := e.till(ctx, "Касса у входа", &storeID), e.device(ctx, "Касса 2", nil)
	day := daysAgo(1)
	sale := seller.Sale(at(day, "12:30:00+03:00"), 123456, 100)
	e.sell(ctx, till, storeID, sale, seller.Sale(at(day, "10:00:00+03:00"), 5990))
	e.sell(ctx, bare, "", seller.Sale(at(day, "11:00:00+03:00"), 990))
	total := salestest.Totals(sale).Total

	base := cabinet.Serve(t, e.srv)
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
	run("log in",
		chromedp.Navigate(base+"/login"),
		chromedp.SendKeys(chromedp.CSS(`input[name=email]`), "shop@shop.test"),
		chromedp.SendKeys(chromedp.CSS(`input[name=password]`), "company-pass"),
		chromedp.Click(chromedp.CSS(`form[action="/login"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`.nav a[href="/receipts"]`)),
		chromedp.Click(chromedp.CSS(`.nav a[href="/receipts"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#receipts`)),
	)
	ru := i18n.For(i18n.Russian)
	if got, want := text(`main h1`), "Чеки за "+ru.Day(day); got != want {
		t.Fatalf("heading %q, want %q", got, want)
	}
	if got := text(`#receipts tbody tr:first-child td:last-child`); got != ru.Money(total) {
		t.Fatalf("amount %q, want %q", got, ru.Money(total))
	}
	if got := text(`#receipts .badge.bad`); got != "Без лицензии" {
		t.Fatalf("the unlicensed receipt's badge: %q", got)
	}
	shot("receipts")

	// At phone width the header row is gone and each cell shows its label.
	run("narrow the window", chromedp.EmulateViewport(390, 800, chromedp.EmulateMobile))
	labels, err := chromedp.Run(b, chromedp.Evaluate[[]string](`[...document.querySelectorAll("#receipts tbody tr:first-child td")].map(td => getComputedStyle(td, "::before").content)`))
	if err != nil {
		t.Fatal(err)
	}
	want := `"Время" "№" "Касса" "Торговый объект" "Кассир" "Позиций" "Оплата" "Сумма"`
	if strings.Join(labels, " ") != want {
		t.Fatalf("the cells' labels at 390 px: %v, want %s", labels, want)
	}
	if hidden, _ := chromedp.Run(b, chromedp.Evaluate[string](`getComputedStyle(document.querySelector("#receipts thead")).display`)); hidden != "none" {
		t.Fatalf("the header row at 390 px: display %q", hidden)
	}
	run("widen the window", chromedp.EmulateViewport(1280, 800))

	run("switch to English",
		chromedp.Click(chromedp.CSS(`.account summary`)),
		chromedp.Click(chromedp.CSS(`.menu a[hreflang=en]`)),
		chromedp.WaitVisible(chromedp.CSS(`html[lang=en]`)),
	)
	en := i18n.For(i18n.English)
	if got, want := text(`main h1`), "Receipts of "+en.Day(day); got != want {
		t.Fatalf("heading %q, want %q", got, want)
	}
	if got := text(`#receipts tbody tr:first-child td:last-child`); got != en.Money(total) || !strings.HasPrefix(got, "₽") {
		t.Fatalf("amount %q, want %q", got, en.Money(total))
	}
	shot("receipts-en")

	run("a day without sales",
		chromedp.Navigate(base+"/receipts?day="+daysAgo(3)),
		chromedp.WaitVisible(chromedp.CSS(`.empty`)),
	)
	if got := text(`.empty .button`); got != "Latest day with sales" {
		t.Fatalf("the empty day's action: %q", got)
	}
	shot("receipts-empty-en")
	if r := e.call("GET", "/receipts", e.partner, ""); r.status != http.StatusForbidden {
		t.Fatalf("a partner: %d", r.status)
	}
}
