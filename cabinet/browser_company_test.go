package cabinet

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"mypos/db"
)

// TestBrowserCompanyOffice walks the forum's story click by click in a
// real browser: the company links a partner by code, adds a store, adds a
// device (the code page shows the code and the command), makes "Новый
// кассир" with that device ticked, then edits the cashier and unticks it.
// Every page is shot at 1280 and 390 px.
func TestBrowserCompanyOffice(t *testing.T) {
	t.Parallel() // each has its own server, database and Chromium; mostly they wait on it
	exe := chromium(t)
	e := newOfficeEnv(t)
	p, pctx := e.partner("Дилер Север", innTrader, "north@dealer.test")
	base := e.serve()
	ctx := newChromium(t, exe)
	shot := newShots(t, ctx)

	do(t, ctx, "log in",
		chromedp.Navigate(base+"/login"),
		chromedp.SendKeys(css(`input[name=email]`), "shop@romashka.test"),
		chromedp.SendKeys(css(`input[name=password]`), "company-pass"),
		chromedp.Click(css(`form[action="/login"] button[type=submit]`)),
		chromedp.WaitVisible(css(`.step-list`)),
	)
	want(t, "the first step", read(t, ctx, chromedp.Text(css(`.step-list li:first-child a`))), "Найти партнёра")
	shot("company-home-new")

	do(t, ctx, "link a partner by code",
		chromedp.Click(css(`.step-list li:first-child a`)),
		chromedp.WaitVisible(css(`input[name=partner_code]`)),
	)
	shot("company-partner")
	do(t, ctx, "send the request",
		chromedp.SendKeys(css(`input[name=partner_code]`), *p.Code),
		chromedp.Click(css(`form.inline-form button[type=submit]`)),
		chromedp.WaitVisible(css(`#pending`)),
	)
	want(t, "the flash", read(t, ctx, chromedp.Text(css(`.flash`))), "Заявка партнёру «Дилер Север» отправлена.")
	shot("company-partner-pending")
	reqs, _, err := e.svc.LinkRequests(pctx, db.ListParams{})
	if err != nil || len(reqs) != 1 {
		t.Fatalf("the partner's requests: %v, %v", reqs, err)
	}
	if _, err := e.svc.AcceptLink(pctx, reqs[0].ID); err != nil {
		t.Fatal(err)
	}
	do(t, ctx, "see the partner", chromedp.Reload(), chromedp.WaitVisible(css(`#linked`)))
	want(t, "the partner's name", read(t, ctx, chromedp.Text(css(`#linked h2`))), "Дилер Север")
	shot("company-partner-linked")

	do(t, ctx, "add a store",
		chromedp.Click(css(`.nav a[href="/stores"]`)),
		chromedp.WaitVisible(css(`.empty`)),
		chromedp.Click(css(`.page-head a.button`)),
		chromedp.WaitVisible(css(`input[name=name]`)),
		chromedp.SendKeys(css(`input[name=name]`), "Магазин на Советской"),
		chromedp.SendKeys(css(`input[name=address]`), "Тверь, ул. Советская, 1"),
		chromedp.Click(css(`main form.form button.primary`)),
		chromedp.WaitVisible(css(`#stores table`)),
	)
	shot("company-stores")

	do(t, ctx, "add a device",
		chromedp.Click(css(`.nav a[href="/devices"]`)),
		chromedp.WaitVisible(css(`#devices .empty`)),
		chromedp.Click(css(`.page-head a.button`)),
		chromedp.WaitVisible(css(`input[name=name]`)),
		chromedp.SendKeys(css(`input[name=name]`), "Касса у входа"),
		chromedp.SendKeys(css(`input[name=serial]`), "MP-0001"),
		chromedp.SetValue(css(`select[name=store_id]`), e.storeID(t, "Магазин на Советской")),
	)
	shot("company-device-new")
	do(t, ctx, "save the device", chromedp.Click(css(`main form.form button.primary`)), chromedp.WaitVisible(css(`#enrollment-code`)))
	code := read(t, ctx, chromedp.Text(css(`#enrollment-code`)))
	want(t, "the command", read(t, ctx, chromedp.Text(css(`#enroll-command`))),
		"mypos-agent enroll --server "+base+" --code "+code+" --data /var/lib/mypos-agent")
	shot("company-device-code")
	do(t, ctx, "to the devices", chromedp.Click(css(`.enroll .actions a.primary`)), chromedp.WaitVisible(css(`#devices table`)))
	want(t, "the device's state", read(t, ctx, chromedp.Text(css(`#devices tbody .badge.wait`))), "Не подключена")
	shot("company-devices")

	do(t, ctx, "Новый кассир",
		chromedp.Click(css(`.nav a[href="/cashiers"]`)),
		chromedp.WaitVisible(css(`#new-cashier`)),
	)
	shot("company-cashiers-empty")
	do(t, ctx, "fill the cashier",
		chromedp.Click(css(`#new-cashier`)),
		chromedp.WaitVisible(css(`input[name=pin]`)),
		chromedp.SendKeys(css(`input[name=name]`), "Ольга"),
		chromedp.SendKeys(css(`input[name=pin]`), "4321"),
		chromedp.SetValue(css(`select[name=role]`), "senior_cashier"),
		chromedp.Click(css(`input[name=device_ids]`)),
	)
	want(t, "the device's store heads its group", read(t, ctx, chromedp.Text(css(`.device-group .group-name`))), "Магазин на Советской")
	shot("company-cashier-new")
	do(t, ctx, "save the cashier", chromedp.Click(css(`form .actions button[type=submit]`)), chromedp.WaitVisible(css(`#cashiers table`)))
	want(t, "the cashier's devices", read(t, ctx, chromedp.Text(css(`#cashiers tbody td:nth-child(3)`))), "Касса у входа")
	shot("company-cashiers")

	do(t, ctx, "edit the cashier and untick the device",
		chromedp.Click(css(`#cashiers tbody td.primary-cell a`)),
		chromedp.WaitVisible(css(`input[name=device_ids]:checked`)),
		chromedp.Click(css(`input[name=device_ids]`)),
	)
	shot("company-cashier-edit")
	do(t, ctx, "save", chromedp.Click(css(`form .actions button[type=submit]`)), chromedp.WaitVisible(css(`#cashiers table`)))
	want(t, "no device now", read(t, ctx, chromedp.Text(css(`#cashiers tbody td:nth-child(3)`))), "Ни одной кассы")
	cs, _, _ := e.srv.cfg.Backoffice.ListCashiers(e.ctx, db.ListParams{})
	if len(cs) != 1 || len(cs[0].DeviceIDs) != 0 || cs[0].Role != "senior_cashier" {
		t.Fatalf("the cashier after the edit: %+v", cs)
	}

	e.licenses(pctx, p, 2)
	for _, page := range []struct{ path, wait, name string }{
		{"/licenses", `#licenses table`, "company-licenses"},
		{"/settings", `select[name=time_zone]`, "company-settings"},
		{"/", `.tiles`, "company-home"},
	} {
		do(t, ctx, "open "+page.path, chromedp.Navigate(base+page.path), chromedp.WaitVisible(css(page.wait)))
		shot(page.name)
	}
	steps := read(t, ctx, chromedp.Text(css(`.step-list`)))
	if !strings.Contains(steps, "Показать код") || strings.Contains(steps, "Найти партнёра") {
		t.Fatalf("the next steps after the story: %q", steps)
	}
	d := e.firstDevice(t)
	do(t, ctx, "open the device", chromedp.Navigate(base+"/devices/"+d), chromedp.WaitVisible(css(`select[name=license_id]`)))
	shot("company-device-edit")
	do(t, ctx, "ask to revoke", chromedp.Click(css(`#danger a.danger`)), chromedp.WaitVisible(css(`.confirm`)))
	shot("company-device-revoke")
}

func (e *officeEnv) storeID(t *testing.T, name string) string {
	t.Helper()
	sts, _, err := e.srv.cfg.Backoffice.ListStores(e.ctx, db.ListParams{Query: name})
	if err != nil || len(sts) != 1 {
		t.Fatalf("store %q: %v, %v", name, sts, err)
	}
	return sts[0].ID
}

func (e *officeEnv) firstDevice(t *testing.T) string {
	t.Helper()
	ds, _, err := e.srv.cfg.Devices.List(e.ctx, db.ListParams{})
	if err != nil || len(ds) == 0 {
		t.Fatalf("devices: %v, %v", ds, err)
	}
	return ds[0].ID
}
