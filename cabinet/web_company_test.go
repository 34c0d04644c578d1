package cabinet

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"mypos"
	"mypos/account"
	"mypos/backoffice"
	"mypos/db"
	"mypos/device"
	"mypos/i18n"
)

// The home page lists what to do next in the forum's order, and each step
// leaves it once done; the tiles count what the company has.
func TestWebCompanyHome(t *testing.T) {
	e := newOfficeEnv(t)
	r := e.b.get("/")
	wantPage(t, r, http.StatusOK, "Что сделать дальше", `href="/partner"`, `href="/stores/new"`, `href="/devices/new"`, `href="/cashiers/new"`)
	wantAbsent(t, r, "Скоро здесь появятся")
	order := []string{"Выберите партнёра", "Добавьте торговый объект", "Добавьте кассу", "Заведите кассира"}
	for i := 1; i < len(order); i++ {
		if strings.Index(r.Body, order[i-1]) > strings.Index(r.Body, order[i]) {
			t.Fatalf("%q comes after %q", order[i-1], order[i])
		}
	}

	p, pctx := e.partner("Дилер Север", innTrader, "north@dealer.test")
	e.link(pctx, p)
	st := e.store(e.ctx, "Центральный")
	d := e.device(e.ctx, "Касса 1", &st.ID)
	e.cashier(e.ctx, "Ольга", d.ID)
	r = e.b.get("/")
	wantPage(t, r, http.StatusOK, "Дилер Север", "1 торговый объект", "1 устройство", "1 кассир",
		`href="/devices/`+d.ID+`/code"`, "Есть кассы без лицензии")
	wantAbsent(t, r, "Выберите партнёра", "Добавьте торговый объект", "Заведите кассира")
}

// The partner page: the directory with its search, a code that finds no
// partner refused at its field (in Russian and in English), a request
// sent, withdrawn, sent again and accepted; then the partner's contacts.
// /partner is the company's alone.
func TestWebCompanyPartner(t *testing.T) {
	e := newOfficeEnv(t)
	p, pctx := e.partner("Дилер <script>alert(1)</script>", innTrader, "north@dealer.test")
	e.partner("Сервис Юг", innFirm2, "south@dealer.test")

	r := e.b.get("/partner")
	wantPage(t, r, http.StatusOK, "Дилер &lt;script&gt;alert(1)&lt;/script&gt;", "Сервис Юг", `name="partner_code"`)
	wantAbsent(t, r, "<script>alert")
	r = e.b.getWith("/partner?q=юг", "HX-Request", "true", "HX-Target", "directory")
	wantPage(t, r, http.StatusOK, "Сервис Юг")
	wantAbsent(t, r, "Дилер", "<html")

	_, want := e.svc.RequestLink(e.ctx, account.LinkRequestInput{PartnerCode: "ZZZZZZ"})
	r = e.b.post("/partner", url.Values{"partner_code": {"ZZZZZZ"}})
	wantStatus(t, r, http.StatusBadRequest)
	wantFieldError(t, r, i18n.Russian, "partner_code", want)
	e.b.get("/partner?lang=en")
	wantFieldError(t, e.b.post("/partner", url.Values{"partner_code": {"ZZZZZZ"}}), i18n.English, "partner_code", want)
	e.b.get("/partner?lang=ru")

	wantRedirect(t, e.b.post("/partner", url.Values{"partner_code": {strings.ToLower(*p.Code)}}), "/partner")
	r = e.b.get("/partner")
	wantPage(t, r, http.StatusOK, "Заявка партнёру «Дилер &lt;script&gt;", "Ждёт ответа", `name="cancel"`)
	reqs, _, _ := e.svc.LinkRequests(e.ctx, db.ListParams{})
	wantRedirect(t, e.b.post("/partner", url.Values{"cancel": {reqs[0].ID}}), "/partner")
	wantPage(t, e.b.get("/partner"), http.StatusOK, "отозвана", `name="partner_code"`)

	wantRedirect(t, e.b.post("/partner", url.Values{"partner_id": {p.ID}}), "/partner")
	reqs, _, _ = e.svc.LinkRequests(e.ctx, db.ListParams{})
	if _, err := e.svc.AcceptLink(pctx, reqs[len(reqs)-1].ID); err != nil {
		t.Fatal(err)
	}
	r = e.b.get("/partner")
	wantPage(t, r, http.StatusOK, `id="linked"`, "north@dealer.test", innTrader, *p.Code, "Сменить партнёра")

	// A partner's session: /partner is not its page, and the company's
	// session gets no crash under /partner/.
	pb := e.browser()
	pb.login("north@dealer.test", "partner-pass")
	pb.getEach(t, http.StatusForbidden, "/partner", "/stores", "/stores/new", "/devices", "/devices/new", "/cashiers", "/cashiers/new", "/licenses", "/settings")
	pb.postEach(t, http.StatusForbidden, "/partner", "/stores", "/devices", "/cashiers", "/settings")
	wantRedirect(t, e.webEnv.browser().get("/stores"), "/login")
	if r := e.b.get("/partner/requests"); r.StatusCode != http.StatusForbidden && r.StatusCode != http.StatusNotFound {
		t.Fatalf("a company at /partner/requests: %d", r.StatusCode)
	}
}

// Stores: a blank name refused at its field; created, listed, paged,
// edited; deleting asks first and is refused, saying why, while a device
// stands in the store; another company's store is 404 on every page.
func TestWebCompanyStores(t *testing.T) {
	e := newOfficeEnv(t)
	wantPage(t, e.b.get("/stores"), http.StatusOK, "Торговых объектов пока нет.", `href="/stores/new"`)
	_, want := e.srv.cfg.Backoffice.CreateStore(e.ctx, backoffice.StoreInput{Name: " "})
	r := e.b.post("/stores", url.Values{"name": {" "}, "address": {"Тверь"}})
	wantFieldError(t, r, i18n.Russian, "name", want)
	wantPage(t, r, r.StatusCode, `value="Тверь"`)

	wantRedirect(t, e.b.post("/stores", url.Values{"name": {"<script>x</script>"}, "address": {"Тверь"}}), "/stores")
	wantPage(t, e.b.get("/stores"), http.StatusOK, "&lt;script&gt;x&lt;/script&gt;", "добавлен")
	e.store(e.ctx, "Второй")
	e.store(e.ctx, "Третий")
	r = e.b.get("/stores?limit=2")
	next := match(t, nextRe, r.Body)
	wantPage(t, e.b.get(html2url(next)), http.StatusOK, "← В начало")

	st := e.store(e.ctx, "Центральный")
	wantPage(t, e.b.get("/stores/"+st.ID), http.StatusOK, `value="Центральный"`)
	wantRedirect(t, e.b.post("/stores/"+st.ID, url.Values{"name": {"Главный"}, "address": {"ул. Ленина"}}), "/stores")
	wantPage(t, e.b.get("/stores"), http.StatusOK, "Главный", "ул. Ленина")

	d := e.device(e.ctx, "Касса", &st.ID)
	wantPage(t, e.b.get("/stores/"+st.ID+"/delete"), http.StatusOK, "Удалить торговый объект «Главный»?")
	r = e.b.post("/stores/"+st.ID+"/delete", url.Values{})
	wantStatus(t, r, http.StatusConflict)
	wantPage(t, r, r.StatusCode, `<p class="alert" role="alert">В торговом объекте 1 касса`)
	if _, err := e.srv.cfg.Backoffice.UpdateDevice(e.ctx, d.ID, device.DevicePatch{Store: device.NoStore()}); err != nil {
		t.Fatal(err)
	}
	wantRedirect(t, e.b.post("/stores/"+st.ID+"/delete", url.Values{}), "/stores")
	wantAbsent(t, e.b.get("/stores"), `href="/stores/`+st.ID+`"`)

	theirs := e.store(e.other(), "Чужой")
	e.b.getEach(t, http.StatusNotFound, "/stores/"+theirs.ID, "/stores/"+theirs.ID+"/delete", "/stores/nope")
	e.b.postEach(t, http.StatusNotFound, "/stores/"+theirs.ID, "/stores/"+theirs.ID+"/delete")
	wantStatus(t, e.b.postRaw("/stores", url.Values{"name": {"Без токена"}}), http.StatusForbidden)
}

// Devices: a new one shows its code once with the command to type; the
// list is live (its part alone to htmx) and says it is not connected; a
// new code is confirmed; a free license goes on and comes off; revoking is
// confirmed; another company's device is 404 on every page.
func TestWebCompanyDevices(t *testing.T) {
	e := newOfficeEnv(t)
	st := e.store(e.ctx, "Центральный")
	wantPage(t, e.b.get("/devices/new?store="+st.ID), http.StatusOK, `<option value="`+st.ID+`" selected>`)
	_, _, want := e.srv.cfg.Backoffice.CreateDevice(e.ctx, device.NewDevice{Name: ""})
	wantFieldError(t, e.b.post("/devices", url.Values{"name": {""}}), i18n.Russian, "name", want)

	r := e.b.post("/devices", url.Values{"name": {"Касса <b>1</b>"}, "serial": {"SN-1"}, "store_id": {st.ID}})
	wantStatus(t, r, http.StatusOK)
	code := match(t, regexp.MustCompile(`id="enrollment-code">([A-Z0-9-]+)<`), r.Body)
	wantPage(t, r, http.StatusOK, "mypos-agent enroll --server http://cabinet.test --code "+code+" --data /var/lib/mypos-agent",
		"Касса &lt;b&gt;1&lt;/b&gt;", "Код действует до")
	if r.Header.Get("Cache-Control") != "no-store" {
		t.Fatal("the code page may be cached")
	}
	devices, _, _ := e.srv.cfg.Devices.List(e.ctx, db.ListParams{})
	d := devices[0]

	r = e.b.get("/devices")
	wantPage(t, r, http.StatusOK, `hx-trigger="every 3s"`, "Не подключена", "Центральный", "Без лицензии")
	wantAbsent(t, r, code)
	part := e.b.getWith("/devices", "HX-Request", "true", "HX-Target", "devices")
	wantPage(t, part, http.StatusOK, `<div id="devices"`, "Касса &lt;b&gt;1&lt;/b&gt;")
	wantAbsent(t, part, "<html")

	wantPage(t, e.b.get("/devices/"+d.ID+"/code"), http.StatusOK, "прежний ключ", `action="/devices/`+d.ID+`/code"`)
	r = e.b.post("/devices/"+d.ID+"/code", url.Values{})
	if again := match(t, regexp.MustCompile(`id="enrollment-code">([A-Z0-9-]+)<`), r.Body); again == code {
		t.Fatal("the new code is the old one")
	}

	// A till that synced says how far behind it is, or that it is not.
	conn := e.srv.cfg.DB.Conn(e.ctx)
	if err := conn.Exec(`INSERT INTO device_sync (device_id, company_id, acked_rev, acked_at) VALUES (?, ?, ?, ?)`, d.ID, e.co.ID, 0, e.srv.cfg.DB.Now()).Error; err != nil {
		t.Fatal(err)
	}
	r = e.b.get("/devices")
	wantPage(t, r, http.StatusOK, "Касса")
	wantAbsent(t, r, "в актуальном состоянии")
	if err := conn.Exec(`UPDATE device_sync SET acked_rev = ? WHERE device_id = ?`, 1<<40, d.ID).Error; err != nil {
		t.Fatal(err)
	}
	wantPage(t, e.b.get("/devices"), http.StatusOK, "в актуальном состоянии")

	other := e.store(e.ctx, "Склад")
	wantRedirect(t, e.b.post("/devices/"+d.ID, url.Values{"name": {"Касса 1"}, "store_id": {other.ID}}), "/devices")
	wantPage(t, e.b.get("/devices"), http.StatusOK, "Склад")

	wantPage(t, e.b.get("/devices/"+d.ID), http.StatusOK, "Свободных лицензий нет")
	p, pctx := e.partner("Дилер", innTrader, "north@dealer.test")
	e.link(pctx, p)
	ids := e.licenses(pctx, p, 1)
	wantPage(t, e.b.get("/devices/"+d.ID), http.StatusOK, `name="license_id"`, `<option value="`+ids[0]+`"`)
	_, want = e.srv.cfg.Licensing.Assign(e.ctx, mypos.NewID(), d.ID)
	wantFieldError(t, e.b.post("/devices/"+d.ID+"/license", url.Values{"license_id": {mypos.NewID()}}), i18n.Russian, "license_id", want)
	wantRedirect(t, e.b.post("/devices/"+d.ID+"/license", url.Values{"license_id": {ids[0]}}), "/devices/"+d.ID)
	wantPage(t, e.b.get("/devices"), http.StatusOK, `href="/licenses/`+ids[0]+`"`)
	wantPage(t, e.b.get("/licenses"), http.StatusOK, `href="/licenses/`+ids[0]+`"`, "Касса 1", "На кассе")
	wantPage(t, e.b.get("/devices/"+d.ID+"/release"), http.StatusOK, "Снять лицензию с кассы «Касса 1»?")
	wantRedirect(t, e.b.post("/devices/"+d.ID+"/release", url.Values{}), "/devices/"+d.ID)
	wantPage(t, e.b.get("/licenses"), http.StatusOK, "Свободна")

	theirs := e.device(e.other(), "Чужая", nil)
	for _, path := range []string{"", "/code", "/release", "/revoke"} {
		e.b.getEach(t, http.StatusNotFound, "/devices/"+theirs.ID+path)
	}
	e.b.postEach(t, http.StatusNotFound, "/devices/"+theirs.ID, "/devices/"+theirs.ID+"/code", "/devices/"+theirs.ID+"/license",
		"/devices/"+theirs.ID+"/release", "/devices/"+theirs.ID+"/revoke")

	wantPage(t, e.b.get("/devices/"+d.ID+"/revoke"), http.StatusOK, "Отключить кассу «Касса 1» навсегда?")
	wantRedirect(t, e.b.post("/devices/"+d.ID+"/revoke", url.Values{}), "/devices")
	wantPage(t, e.b.get("/devices"), http.StatusOK, "отключена", "Устройств пока нет.")
	wantStatus(t, e.b.get("/devices/"+d.ID), http.StatusNotFound)
}

// Cashiers: "Новый кассир" atop the list; without devices the form says
// so; a bad PIN is refused at its field and never shown back; the devices
// are ticked by store; editing with a blank PIN keeps it and unticks a
// device; switched off and on; deleted after asking; another company's
// cashier is 404.
func TestWebCompanyCashiers(t *testing.T) {
	e := newOfficeEnv(t)
	r := e.b.get("/cashiers")
	wantPage(t, r, http.StatusOK, `id="new-cashier"`, "Кассиров пока нет.")
	if strings.Index(r.Body, `id="new-cashier"`) > strings.Index(r.Body, `id="cashiers"`) {
		t.Fatal("the new cashier button is below the list")
	}
	wantPage(t, e.b.get("/cashiers/new"), http.StatusOK, "Устройств пока нет", `href="/devices/new"`)

	st := e.store(e.ctx, "Центральный")
	d1, d2 := e.device(e.ctx, "Касса 1", &st.ID), e.device(e.ctx, "Касса 2", nil)
	r = e.b.get("/cashiers/new")
	if i, j := strings.Index(r.Body, "Центральный"), strings.Index(r.Body, "Без торгового объекта"); i < 0 || j < i {
		t.Fatalf("the devices are not grouped by store, stores first:\n%s", r.Body)
	}
	_, want := e.srv.cfg.Backoffice.CreateCashier(e.ctx, backoffice.CashierInput{Name: "Ольга", PIN: "12", Role: "cashier"})
	r = e.b.post("/cashiers", url.Values{"name": {"Ольга"}, "pin": {"12"}, "role": {"cashier"}, "device_ids": {d1.ID}})
	wantFieldError(t, r, i18n.Russian, "pin", want)
	wantPage(t, r, r.StatusCode, `value="Ольга"`, `value="`+d1.ID+`" checked`)
	wantAbsent(t, r, `value="12"`)
	e.b.get("/cashiers?lang=en")
	wantFieldError(t, e.b.post("/cashiers", url.Values{"name": {"Ольга"}, "pin": {"12"}, "role": {"cashier"}}), i18n.English, "pin", want)
	e.b.get("/cashiers?lang=ru")

	form := url.Values{"name": {"<script>Ольга</script>"}, "pin": {"4321"}, "role": {"senior_cashier"}, "device_ids": {d1.ID, d2.ID}}
	wantRedirect(t, e.b.post("/cashiers", form), "/cashiers")
	r = e.b.get("/cashiers")
	wantPage(t, r, http.StatusOK, "&lt;script&gt;Ольга&lt;/script&gt;", "Старший кассир", "Касса 1, Касса 2")
	cs, _, _ := e.srv.cfg.Backoffice.ListCashiers(e.ctx, db.ListParams{})
	c := cs[0]
	r = e.b.get("/cashiers/" + c.ID)
	wantPage(t, r, http.StatusOK, "Оставьте пустым", `value="`+d1.ID+`" checked`, `value="`+d2.ID+`" checked`)

	wantRedirect(t, e.b.post("/cashiers/"+c.ID, url.Values{"name": {"Ольга"}, "pin": {""}, "role": {"cashier"}, "device_ids": {d2.ID}}), "/cashiers")
	got, _ := e.srv.cfg.Backoffice.GetCashier(e.ctx, c.ID)
	if got.Name != "Ольга" || len(got.DeviceIDs) != 1 || got.DeviceIDs[0] != d2.ID || got.PinHash == "" {
		t.Fatalf("after the edit: %+v", got)
	}
	wantRedirect(t, e.b.post("/cashiers/"+c.ID, url.Values{"name": {"Ольга"}, "role": {"cashier"}}), "/cashiers")
	if got, _ := e.srv.cfg.Backoffice.GetCashier(e.ctx, c.ID); len(got.DeviceIDs) != 0 {
		t.Fatalf("nothing ticked left devices %v", got.DeviceIDs)
	}

	wantRedirect(t, e.b.post("/cashiers/"+c.ID+"/active", url.Values{"active": {"0"}}), "/cashiers")
	wantPage(t, e.b.get("/cashiers"), http.StatusOK, "отключён", "Отключён", `name="active" value="1"`)
	wantRedirect(t, e.b.post("/cashiers/"+c.ID+"/active", url.Values{"active": {"1"}}), "/cashiers")

	theirs := e.cashier(e.other(), "Чужой")
	e.b.getEach(t, http.StatusNotFound, "/cashiers/"+theirs.ID, "/cashiers/"+theirs.ID+"/delete")
	e.b.postEach(t, http.StatusNotFound, "/cashiers/"+theirs.ID, "/cashiers/"+theirs.ID+"/active", "/cashiers/"+theirs.ID+"/delete")

	wantPage(t, e.b.get("/cashiers/"+c.ID+"/delete"), http.StatusOK, "Удалить кассира «Ольга»?")
	wantRedirect(t, e.b.post("/cashiers/"+c.ID+"/delete", url.Values{}), "/cashiers")
	wantPage(t, e.b.get("/cashiers"), http.StatusOK, "удалён", "Кассиров пока нет.")
	wantStatus(t, e.b.postRaw("/cashiers", url.Values{"name": {"Без токена"}, "pin": {"1234"}, "role": {"cashier"}}), http.StatusForbidden)
}

// Settings: a bad INN refused at its field; a zone picked, after which the
// company's pages show times in it; the API reads and writes the same.
func TestWebCompanySettings(t *testing.T) {
	e := newOfficeEnv(t)
	wantPage(t, e.b.get("/settings"), http.StatusOK, `value="Ромашка"`, `<option value="Europe/Moscow" selected>`, "Asia/Kamchatka")
	bad := "7707083894"
	_, want := e.svc.UpdateSettings(e.ctx, account.SettingsPatch{INN: &bad})
	wantFieldError(t, e.b.post("/settings", url.Values{"name": {"Ромашка"}, "inn": {bad}, "time_zone": {"Europe/Moscow"}}), i18n.Russian, "inn", want)
	zone := "Europe/Paris"
	_, want = e.svc.UpdateSettings(e.ctx, account.SettingsPatch{TimeZone: &zone})
	wantFieldError(t, e.b.post("/settings", url.Values{"name": {"Ромашка"}, "inn": {innFirm}, "time_zone": {zone}}), i18n.Russian, "time_zone", want)

	d := e.device(e.ctx, "Касса", nil)
	expires := func() string {
		r := e.b.post("/devices/"+d.ID+"/code", url.Values{})
		return match(t, regexp.MustCompile(`Код действует до ([^.]+)\.`), r.Body)
	}
	moscow := expires()
	wantRedirect(t, e.b.post("/settings", url.Values{"name": {"Ромашка"}, "inn": {innFirm}, "time_zone": {"Asia/Kamchatka"}}), "/settings")
	wantPage(t, e.b.get("/settings"), http.StatusOK, "Настройки сохранены.", `<option value="Asia/Kamchatka" selected>`)
	if kamchatka := expires(); kamchatka == moscow {
		t.Fatalf("the code's expiry in Kamchatka %q, in Moscow %q: the zone is not applied", kamchatka, moscow)
	}
}

// html2url undoes the template's escaping of & in a link.
func html2url(s string) string { return strings.ReplaceAll(s, "&amp;", "&") }
