package e2e

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"mypos/i18n"
	bt "mypos/internal/browsertest"
)

// TestBrowserCompanyStory is issue 15's seed story in Chromium against the
// real mypos and a real mypos-agent, click by click: a partner (set up
// over the API) signs up a company with its own e-mail and password, so
// the login offers both cabinets and it picks the company's; the company
// asks to be the partner's client by its code; adds a store and a till,
// and the real agent enrolls with the code the page shows; a new cashier
// ticked on the till reaches it within a second, and leaves it within a
// second once unticked; a goods file with a bad row is refused with its
// report and nothing reaches the till, then loads fixed and does; the
// license the partner transferred goes on the till from its page, the
// till sells, and the receipt shows in the list, on its page and in the
// day's chart. Told in Russian and in English, each on a fresh server,
// every page shot at 1280 and 390 px; the words checked come from the
// catalogs, and the till is read through its own local API.
func TestBrowserCompanyStory(t *testing.T) {
	tellInEachLanguage(t, func(t *testing.T, tl teller) []chapter {
		st := &companyStory{teller: tl, shop: shops[tl.lang], root: t}
		st.partnerOverAPI(t)
		return []chapter{
			{"sign up", st.signUp},
			{"till", st.setUpTill},
			{"cashier", st.hireCashier},
			{"goods", st.importGoods},
			{"sale", st.sell},
		}
	})
}

// shop is who the company's story is about: names are data, not words.
type shop struct {
	partner, company, store, address, till, cashier string
	goods                                           [3]string
}

var shops = map[string]shop{
	i18n.Russian: {partner: "Ромашка Сервис", company: "Ромашка Маркет", store: "Магазин на Советской", address: "Тверь, ул. Советская, 1",
		till: "Касса у окна", cashier: "Ольга <script>", goods: [3]string{"Молоко 3,2%", "Хлеб «Дарницкий»", "Сыр <b>Российский</b>"}},
	i18n.English: {partner: "Daisy Service", company: "Daisy Market", store: "Sovetskaya St. store", address: "Tver, 1 Sovetskaya St.",
		till: "Window till", cashier: "Olga <script>", goods: [3]string{"Milk 3.2%", "Rye bread", "Cheese <b>Russian</b>"}},
}

// The partner's e-mail and password open the company's cabinet too.
const (
	dealerEmail    = "dealer@company-story.test"
	dealerPassword = "partner-password"
	// saleCode is the goods the till sells; the import's bad row is the
	// one after it (row 4 of the file, the header being row 1).
	saleCode = "M-1"
)

// companyStory is one telling, and what a chapter leaves to the next.
type companyStory struct {
	teller
	shop
	root *testing.T // the language's test: the till runs until it ends

	dealer, code string // the partner's API token and its code
	tl           *till  // the company's till, once enrolled
	cashierID    string
}

// partnerOverAPI: the owner registers the partner and sells it a license
// over the API, before the company exists.
func (st *companyStory) partnerOverAPI(t *testing.T) {
	t.Helper()
	owner := st.s.login(t, ownerEmail, ownerPassword)
	p := st.s.do("POST", "/api/v1/partners", owner, map[string]string{
		"name": st.partner, "inn": partnerINN, "city": "Тверь", "email": dealerEmail, "password": dealerPassword,
	}).must(t, http.StatusCreated)
	st.s.do("POST", "/api/v1/documents", owner, map[string]any{"type": "sale", "partner_id": p.str("id"), "count": 1}).must(t, http.StatusCreated)
	st.dealer, st.code = st.s.login(t, dealerEmail, dealerPassword), p.str("code")
}

// signUp: the company signs up with the partner's e-mail and password,
// picks the company's cabinet, finds its next steps at home and asks to
// be the partner's client by its code; the partner accepts and transfers
// it the license over the API.
func (st *companyStory) signUp(t *testing.T) {
	ctx, shot := st.open(t, "/register", `form[action="/register"]`, "register")
	bt.Do(t, ctx, "fill the sign-up form",
		chromedp.Click(bt.CSS(`input[name=kind][value=company]`)),
		chromedp.SendKeys(bt.CSS(`input[name=name]`), st.company),
		chromedp.SendKeys(bt.CSS(`input[name=inn]`), companyINN),
		chromedp.SendKeys(bt.CSS(`input[name=email]`), dealerEmail),
		chromedp.SendKeys(bt.CSS(`input[name=password]`), dealerPassword),
	)
	st.click(t, ctx, "sign up", `form[action="/register"] button[type=submit]`, `form[action="/login/choose"]`)
	st.wantIn(t, ctx, "the choice", `.choices`,
		st.l.T("choose.as", "Kind", st.l.T("kind.company"), "Name", st.company),
		st.l.T("choose.as", "Kind", st.l.T("kind.partner"), "Name", st.partner))
	shot("choose")
	st.click(t, ctx, "open the company's cabinet", `button[name=account][value=company]`, `.step-list`)
	shot("company-home-new")

	st.click(t, ctx, "the first step: find a partner", `.step-list li:first-child a`, `input[name=partner_code]`)
	bt.Do(t, ctx, "type the partner's code", chromedp.SendKeys(bt.CSS(`input[name=partner_code]`), st.code))
	st.click(t, ctx, "send the request", `form.inline-form button[type=submit]`, `#pending`)
	st.want(t, ctx, "the flash", `.flash`, st.l.T("link.requested", "Name", st.partner))
	shot("company-partner-pending")

	st.partnerAccepts(t)
	bt.Do(t, ctx, "see the partner", chromedp.Reload(), chromedp.WaitVisible(bt.CSS(`#linked`)))
	st.want(t, ctx, "the partner's name", `#linked h2`, st.partner)
	shot("company-partner-linked")
}

// partnerAccepts is the partner's side over the API: it accepts the
// company's request and transfers it the license it bought.
func (st *companyStory) partnerAccepts(t *testing.T) {
	t.Helper()
	requests := items(t, st.s, st.dealer, "/api/v1/link-requests")
	if len(requests) != 1 {
		t.Fatalf("the partner has %d requests, want the company's: %v", len(requests), requests)
	}
	id, company := requests[0]["id"].(string), requests[0]["company_id"].(string)
	st.s.do("POST", "/api/v1/link-requests/"+id+"/accept", st.dealer, nil).must(t, http.StatusOK)
	sealed := items(t, st.s, st.dealer, "/api/v1/licenses?state=sealed")
	st.s.do("POST", "/api/v1/documents", st.dealer, map[string]any{
		"type": "transfer", "company_id": company, "license_ids": []any{sealed[0]["id"]},
	}).must(t, http.StatusCreated)
}

// setUpTill: a store, a till in it, and the real agent enrolled with the
// code the page shows, running.
func (st *companyStory) setUpTill(t *testing.T) {
	ctx, shot := st.logInAsCompany(t)
	st.click(t, ctx, "open the stores", `.nav a[href="/stores"]`, `.page-head a.button`)
	st.click(t, ctx, "add a store", `.page-head a.button`, `input[name=address]`)
	bt.Do(t, ctx, "name it",
		chromedp.SendKeys(bt.CSS(`input[name=name]`), st.store),
		chromedp.SendKeys(bt.CSS(`input[name=address]`), st.address),
	)
	shot("company-store-new")
	st.click(t, ctx, "save it", `main form.form button.primary`, `#stores table`)
	st.want(t, ctx, "the flash", `.flash`, st.l.T("stores.created", "Name", st.store))
	shot("company-stores")

	st.click(t, ctx, "open the devices", `.nav a[href="/devices"]`, `#devices .empty`)
	shot("company-devices-empty")
	st.click(t, ctx, "add a till", `.page-head a.button`, `select[name=store_id]`)
	bt.Do(t, ctx, "name it and put it in the store",
		chromedp.SendKeys(bt.CSS(`input[name=name]`), st.till),
		chromedp.SetValue(bt.CSS(`select[name=store_id]`), st.optionValue(t, ctx, `select[name=store_id]`, st.store)),
	)
	shot("company-device-new")
	st.click(t, ctx, "save it", `main form.form button.primary`, `#enrollment-code`)
	code := strings.TrimSpace(st.text(t, ctx, `#enrollment-code`))
	st.wantIn(t, ctx, "the command", `#enroll-command`, "mypos-agent enroll --server "+st.s.URL+" --code "+code)
	shot("company-device-code")
	start := time.Now()
	st.tl = st.enroll(t, code)
	t.Logf("the agent enrolled and synced in %v", time.Since(start).Round(time.Millisecond))

	st.toDevices(t, ctx, "to the devices", `.enroll .actions a.primary`)
	bt.WaitFor(t, ctx, 5*time.Second, "the enrolled till shows online", `document.querySelector("#devices tbody .badge.ok") !== null`)
	st.wantIn(t, ctx, "the till", `#devices tbody`, st.till, st.store)
	shot("company-devices")
}

// enroll runs `mypos-agent enroll` with the code the page showed, then
// `mypos-agent run` until its first sync. The agent runs until the
// language's test ends, for the chapters after this one.
func (st *companyStory) enroll(t *testing.T, code string) *till {
	t.Helper()
	dir := filepath.Join(st.root.TempDir(), "agent")
	if status, _, stderr := myposAgent(t, "enroll", "--server", st.s.URL, "--code", code, "--data", dir); status != 0 {
		t.Fatalf("enroll with the page's code %s: exit %d: %s", code, status, stderr)
	}
	id, err := os.ReadFile(filepath.Join(dir, "device-id"))
	if err != nil {
		t.Fatal(err)
	}
	tl := &till{id: strings.TrimSpace(string(id)), dir: dir, agentProc: startAgent(st.root, dir, "--listen", "127.0.0.1:0")}
	tl.waitLog(t, "msg=synced", 1)
	tl.openAPI(t)
	return tl
}

// hireCashier: "New cashier" with the till ticked reaches the till within
// a second; unticked, it leaves within a second.
func (st *companyStory) hireCashier(t *testing.T) {
	ctx, shot := st.logInAsCompany(t)
	st.click(t, ctx, "open the cashiers", `.nav a[href="/cashiers"]`, `#new-cashier`)
	shot("company-cashiers-empty")
	st.click(t, ctx, "New cashier", `#new-cashier`, `input[name=pin]`)
	bt.Do(t, ctx, "fill the cashier and tick the till",
		chromedp.SendKeys(bt.CSS(`input[name=name]`), st.cashier),
		chromedp.SendKeys(bt.CSS(`input[name=pin]`), "4321"),
		chromedp.Click(bt.CSS(`input[name=device_ids][value="`+st.tl.id+`"]`)),
	)
	st.want(t, ctx, "the till's store heads its group", `.device-group .group-name`, st.store)
	shot("company-cashier-new")
	saved := time.Now()
	st.click(t, ctx, "save the cashier", `form .actions button[type=submit]`, `#cashiers table`)
	st.want(t, ctx, "the flash", `.flash`, st.l.T("cashiers.created", "Name", st.cashier))
	st.want(t, ctx, "the cashier's name, as text", `#cashiers td.primary-cell a`, st.cashier)
	href := bt.Read(t, ctx, chromedp.Evaluate[string](`document.querySelector("#cashiers td.primary-cell a").getAttribute("href")`))
	st.cashierID = strings.TrimPrefix(href, "/cashiers/")
	st.onTill(t, "the new cashier", true, saved)
	shot("company-cashiers")

	saved = st.allow(t, ctx, false)
	st.onTill(t, "the unticked cashier", false, saved)
	shot("company-cashiers-untick")
}

// allow opens the cashier's page, ticks or unticks the till and saves,
// and returns when it clicked to save.
func (st *companyStory) allow(t *testing.T, ctx context.Context, on bool) time.Time {
	t.Helper()
	st.click(t, ctx, "open the cashier", `#cashiers td.primary-cell a`, `input[name=device_ids]`)
	box := `input[name=device_ids][value="` + st.tl.id + `"]`
	bt.Do(t, ctx, "tick or untick the till", chromedp.Click(bt.CSS(box)))
	if checked := bt.Read(t, ctx, chromedp.Evaluate[string](`String(document.querySelector('`+box+`').checked)`)); checked != fmt.Sprint(on) {
		t.Fatalf("the till's box is checked=%s, want %v", checked, on)
	}
	saved := time.Now()
	st.click(t, ctx, "save the cashier", `form .actions button[type=submit]`, `#cashiers table`)
	st.want(t, ctx, "the flash", `.flash`, st.l.T("cashiers.saved", "Name", st.cashier))
	return saved
}

// onTill waits until the till holds the cashier (or no longer does), at
// most a second after the page said it saved it, and logs how long it
// took from the click that saved it.
func (st *companyStory) onTill(t *testing.T, what string, held bool, saved time.Time) {
	t.Helper()
	within(t, time.Second, what+" on the till", func() bool {
		_, ok := st.tl.entities(t, "cashier")[st.cashierID]
		return ok == held
	})
	t.Logf("%s on the till %v after the click that saved it", what, time.Since(saved).Round(time.Millisecond))
}

// importGoods: a file with a bad row is refused with its report and
// nothing is loaded, on the page or on the till; fixed, it loads and the
// goods reach the till. Then a store's own price and a discount's form.
func (st *companyStory) importGoods(t *testing.T) {
	ctx, shot := st.logInAsCompany(t)
	st.click(t, ctx, "open the goods", `.nav a[href="/goods"]`, `.catalog .empty`)
	shot("goods-empty")
	file := filepath.Join(t.TempDir(), "goods.csv")
	st.upload(t, ctx, file, true, `#report`)
	st.wantRows(t, ctx, "the report", `.import-report tbody tr`, 1)
	st.want(t, ctx, "the report", `#report`, st.l.N("import.problems", 1))
	st.want(t, ctx, "the bad row", `.import-report tbody td:first-child`, "4")
	st.want(t, ctx, "nothing loaded", `#report + .alert`, st.l.T("import.nothing"))
	shot("goods-import-report")
	if goods := st.tl.list(t, "goods"); len(goods) != 0 {
		t.Fatalf("a refused file reached the till: %v", goods)
	}
	st.click(t, ctx, "back to the goods", `.nav a[href="/goods"]`, `.catalog .empty`)

	st.upload(t, ctx, file, false, `.flash`)
	st.want(t, ctx, "the import's outcome", `.flash`, st.l.T("import.done", "Created", "3", "Updated", "0", "Unchanged", "0"))
	st.click(t, ctx, "open the goods", `.nav a[href="/goods"]`, `#goods table`)
	st.wantRows(t, ctx, "the goods", `#goods tbody tr`, 3)
	st.wantIn(t, ctx, "the goods' names, as text", `#goods`, st.goods[:]...)
	shot("goods-list")
	within(t, 2*time.Second, "the goods reach the till", func() bool { return len(st.tl.list(t, "goods")) == 3 })

	st.click(t, ctx, "open the store prices", `.nav a[href="/prices"]`, `input[name=find]`)
	bt.Do(t, ctx, "find the milk", chromedp.SendKeys(bt.CSS(`input[name=find]`), saleCode), chromedp.WaitVisible(bt.CSS(`#found input[name=price]`)))
	bt.Do(t, ctx, "price it here",
		chromedp.SendKeys(bt.CSS(`#found tbody tr:first-child input[name=price]`), "79"),
		chromedp.Click(bt.CSS(`#found tbody tr:first-child button`)),
		chromedp.WaitVisible(bt.CSS(`.flash`)),
	)
	st.want(t, ctx, "the store price", `#prices tbody td.num strong`, st.l.Money(7900))
	shot("prices")

	st.click(t, ctx, "open the discounts", `.nav a[href="/discounts"]`, `.head-actions a.primary`)
	st.click(t, ctx, "a new discount", `.head-actions a.primary`, `form[action="/discounts/new"]`)
	shot("discount-new")
}

// upload sends the goods file — with its bad row or fixed — from the
// import page and waits for what wait selects.
func (st *companyStory) upload(t *testing.T, ctx context.Context, path string, bad bool, wait string) {
	t.Helper()
	barcode := "4600000000008"
	if bad {
		barcode = "4600000000009" // a wrong check digit
	}
	var file bytes.Buffer
	w := csv.NewWriter(&file)
	w.WriteAll([][]string{
		{"code", "name", "barcode", "price", "unit", "vat", "group"},
		{saleCode, st.goods[0], "4006381333931", "89.90", "шт", "10", ""},
		{"M-2", st.goods[1], "", "45", "piece", "none", ""},
		{"M-3", st.goods[2], barcode, "450,5", "кг", "22", ""},
	})
	if err := os.WriteFile(path, file.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	st.click(t, ctx, "open the import", `a[href="/goods/import"]`, `input[type=file]`)
	bt.Do(t, ctx, "choose the file and send it",
		chromedp.SetUploadFiles(bt.CSS(`input[type=file]`), []string{path}),
		chromedp.Click(bt.CSS(`form[action="/goods/import"] button[type=submit]`)),
		chromedp.WaitVisible(bt.CSS(wait)),
	)
}

// sell: the license goes on the till from its page, the cashier is ticked
// on it again, the till sells, and the receipt shows in the list, on its
// page and in the day's chart.
func (st *companyStory) sell(t *testing.T) {
	ctx, shot := st.logInAsCompany(t)
	st.toDevices(t, ctx, "open the devices", `.nav a[href="/devices"]`)
	st.click(t, ctx, "open the till", `#devices a[href="/devices/`+st.tl.id+`"]`, `select[name=license_id]`)
	shot("company-device")
	st.click(t, ctx, "put the license on it", `form[action$="/license"] button[type=submit]`, `.flash`)
	st.want(t, ctx, "the flash", `.flash`, st.l.T("tills.assigned", "Name", st.till))
	within(t, 2*time.Second, "the license reaches the till", func() bool { return st.tl.license(t) != "" })

	st.click(t, ctx, "open the cashiers", `.nav a[href="/cashiers"]`, `#cashiers table`)
	st.onTill(t, "the ticked cashier", true, st.allow(t, ctx, true))

	status, stdout, stderr := myposAgent(t, "sell", "--data", st.tl.dir, "--api", st.tl.api, "--cashier", st.cashierID, saleCode+"*2")
	if status != 0 {
		t.Fatalf("sell: exit %d: %s%s", status, stdout, stderr)
	}
	t.Logf("the till: %s", strings.TrimSpace(stdout))
	total := st.l.Money(2 * 7900) // two at the store's own price

	st.click(t, ctx, "open the receipts", `.nav a[href="/receipts"]`, `#receipts-list`)
	st.reloadUntil(t, ctx, 5*time.Second, "the till's receipt shows", `#receipts tbody tr`)
	st.wantRows(t, ctx, "today's receipts", `#receipts tbody tr`, 1)
	st.wantIn(t, ctx, "the receipt's row", `#receipts tbody`, st.till, st.store, st.cashier, total)
	shot("receipts")
	st.click(t, ctx, "open the receipt", `#receipts td.primary-cell a`, `#lines`)
	st.wantIn(t, ctx, "the receipt's line", `#lines`, st.goods[0], total)
	shot("receipt")

	st.click(t, ctx, "on to the summary", `.crumbs a`, `.tabs`)
	st.click(t, ctx, "the summary tab", `.tabs a[href^="/receipts/summary"]`, `svg.chart-svg`)
	st.wantRows(t, ctx, "the day's bar", `svg.chart-svg rect`, 1)
	st.wantIn(t, ctx, "the revenue", `.kpis div:first-child dd`, total)
	shot("sales-summary")
	st.click(t, ctx, "the last 7 days", `.picks a:nth-child(3)`, `.picks a:nth-child(3)[aria-current]`)
	st.wantRows(t, ctx, "the week's one bar", `svg.chart-svg rect`, 1)
	shot("sales-summary-week")

	st.click(t, ctx, "back home", `.nav a[href="/"]`, `.tiles`)
	shot("company-home")
}

// toDevices clicks sel and waits for the devices' table. The list
// replaces itself every few seconds, which a visibility wait can miss
// (it would watch a node gone), so the new page is polled for it instead,
// a probe in the page being left failing or false.
func (st *companyStory) toDevices(t *testing.T, ctx context.Context, step, sel string) {
	t.Helper()
	bt.Mark(t, ctx)
	bt.Do(t, ctx, step, chromedp.Click(bt.CSS(sel)))
	within(t, 10*time.Second, "the devices' table", func() bool {
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`window.myposNotReloaded !== true && document.querySelector("#devices tbody tr") !== null`))
		return err == nil && ok
	})
}

// logInAsCompany logs in with the partner's e-mail and password, which
// open two cabinets, and picks the company's.
func (st *companyStory) logInAsCompany(t *testing.T) (context.Context, func(string)) {
	t.Helper()
	ctx, shot := st.logIn(t, dealerEmail, dealerPassword, `button[name=account][value=company]`)
	st.click(t, ctx, "pick the company's cabinet", `button[name=account][value=company]`, `.nav a[href="/devices"]`)
	return ctx, shot
}

// optionValue is the value of the option of the select sel that says label.
func (st *companyStory) optionValue(t *testing.T, ctx context.Context, sel, label string) string {
	t.Helper()
	return bt.Read(t, ctx, chromedp.Evaluate[string](`[...document.querySelectorAll(`+jsonOf(sel+" option")+`)].find(o => o.textContent.trim() === `+jsonOf(label)+`)?.value ?? ""`))
}

// reloadUntil reloads the page until sel selects something, for up to
// limit: what reaches the cloud from a till after the page was loaded.
func (st *companyStory) reloadUntil(t *testing.T, ctx context.Context, limit time.Duration, what, sel string) {
	t.Helper()
	probe := `document.querySelector(` + jsonOf(sel) + `) !== null`
	within(t, limit, what, func() bool {
		bt.Do(t, ctx, "reload", chromedp.Reload(), chromedp.WaitReady(bt.CSS(`body`)))
		return bt.Read(t, ctx, chromedp.Evaluate[string](`String(`+probe+`)`)) == "true"
	})
}
