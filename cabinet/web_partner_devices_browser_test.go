package cabinet_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	bt "mypos/internal/browsertest"

	"mypos/cabinet"
)

// The board in a real browser: a till connecting and dropping shows within
// 5 s without a reload (the page keeps a mark set on it), the filters
// narrow the live table and stay in its poll, and the license page opens
// from a row. In Russian, then in English. A till's version shows once its
// hello is written, a dash before, on the company's devices page too.
func TestBrowserPartnerBoard(t *testing.T) {
	t.Parallel() // each has its own server, database and Chromium; mostly they wait on it
	exe := cabinet.Chromium(t)
	e := newLicenseEnv(t)
	store := e.createStore(e.a, "Магазин на Советской")
	till := e.mustCall(http.StatusCreated, "POST", "/api/v1/devices", e.a, `{"name":"Касса <script>alert(1)</script>","serial":"MP-0001","store_id":"`+store+`"}`).body["id"].(string)
	e.saidHello(e.device(e.a), e.aID, 1, "mypos-agent/1.4.0-rc.1")
	lic := e.sell(1)
	e.transfer(lic...)
	e.mustCall(http.StatusCreated, "POST", "/api/v1/devices/"+till+"/license", e.a, `{"license_id":"`+lic[0]+`"}`)

	base := cabinet.Serve(t, e.srv)
	ctx := cabinet.NewChromium(t, exe)
	shot := cabinet.NewShots(t, ctx)
	bt.Do(t, ctx, "log in as the partner",
		chromedp.Navigate(base+"/login"),
		chromedp.SendKeys(bt.CSS(`input[name=email]`), "p@dealer.test"),
		chromedp.SendKeys(bt.CSS(`input[name=password]`), "partner-pass"),
		chromedp.Click(bt.CSS(`form[action="/login"] button[type=submit]`)),
		chromedp.WaitVisible(bt.CSS(`.nav a[href="/partner/devices"]`)),
	)
	row := `#device-` + till
	for _, lang := range []struct{ code, online, offline, state string }{
		{"ru", "В сети", "Не в сети", "Активна"},
		{"en", "Online", "Offline", "Active"},
	} {
		bt.Do(t, ctx, "open the board in "+lang.code,
			chromedp.Navigate(base+"/partner/devices?lang="+lang.code),
			chromedp.WaitVisible(bt.CSS(row)),
		)
		bt.Mark(t, ctx)
		bt.Want(t, "the till's name, as text", bt.Read(t, ctx, chromedp.Text(bt.CSS(row+` .primary-cell`))), "Касса <script>alert(1)</script> MP-0001")
		bt.Want(t, "the license", bt.Read(t, ctx, chromedp.Text(bt.CSS(row+` .license .badge`))), lang.state)
		bt.Want(t, "offline at first", bt.Read(t, ctx, chromedp.Text(bt.CSS(row+` .presence .badge`))), lang.offline)
		bt.Want(t, "no version heard", bt.Read(t, ctx, chromedp.Text(bt.CSS(row+` .agent`))), "—")
		shot("board-offline-" + lang.code)

		e.live.Connected(till, 1)
		bt.WaitFor(t, ctx, 5*time.Second, "the till shows online", `document.querySelector("`+row+` .presence .badge.ok") !== null`)
		shot("board-online-" + lang.code)
		e.live.Disconnected(till, 1)
		bt.WaitFor(t, ctx, 5*time.Second, "the till shows offline", `document.querySelector("`+row+` .presence .badge.ok") === null`)
		bt.WantMark(t, ctx)
	}

	// The till's hello is written: its version shows without a reload.
	e.saidHello(till, e.aID, 1, "mypos-agent/1.2.3")
	bt.WaitFor(t, ctx, 5*time.Second, "the version shows", `document.querySelector("`+row+` .agent .mono") !== null`)
	bt.Want(t, "the version", bt.Read(t, ctx, chromedp.Text(bt.CSS(row+` .agent`))), "1.2.3")
	bt.WantMark(t, ctx)
	shot("board-versions")

	// A filter swaps the table and the poll keeps it: the online filter
	// empties the board, and a till coming online fills it by itself.
	bt.Do(t, ctx, "filter online tills",
		chromedp.SetValue(bt.CSS(`#f-status`), "online"),
		chromedp.Click(bt.CSS(`.board-filters button[type=submit]`)),
		chromedp.WaitVisible(bt.CSS(`#board .empty`)),
	)
	bt.WaitFor(t, ctx, time.Second, "the address follows the filter", `location.search.includes("status=online")`)
	shot("board-filter-empty")
	e.live.Connected(till, 2)
	bt.WaitFor(t, ctx, 5*time.Second, "the online till joins the filtered board", `document.querySelectorAll("#board tbody tr").length === 1`)
	bt.WantMark(t, ctx)

	// The company sees the versions too; the license on the till is its
	// company's: the company opens its page.
	bt.Do(t, ctx, "log in as the company",
		chromedp.Click(bt.CSS(`.account summary`)),
		chromedp.Click(bt.CSS(`form[action="/logout"] button`)),
		chromedp.WaitVisible(bt.CSS(`form[action="/login"]`)),
		chromedp.SendKeys(bt.CSS(`input[name=email]`), "a@shop.test"),
		chromedp.SendKeys(bt.CSS(`input[name=password]`), "company-pass"),
		chromedp.Click(bt.CSS(`form[action="/login"] button[type=submit]`)),
		chromedp.WaitVisible(bt.CSS(`.nav`)),
		chromedp.Navigate(base+"/devices"),
		chromedp.WaitVisible(bt.CSS(`#devices td.agent .mono`)),
	)
	bt.WaitFor(t, ctx, time.Second, "both versions on the company's page",
		`[...document.querySelectorAll("#devices td.agent .mono")].map(e => e.textContent).sort().join() === "1.2.3,1.4.0-rc.1"`)
	shot("company-devices-en")
	bt.Do(t, ctx, "the license", chromedp.Navigate(base+"/licenses/"+lic[0]), chromedp.WaitVisible(bt.CSS(`table.history`)))
	bt.Want(t, "the license's heading", bt.Read(t, ctx, chromedp.Text(bt.CSS(`main h1`))), "License Active")
	shot("license-en")
	bt.Do(t, ctx, "the license in Russian", chromedp.Navigate(base+"/licenses/"+lic[0]+"?lang=ru"), chromedp.WaitVisible(bt.CSS(`table.history`)))
	shot("license-ru")
}
