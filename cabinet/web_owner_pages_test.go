package cabinet

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"gorm.io/gorm"

	"mypos"
	"mypos/account"
	"mypos/device"
	"mypos/i18n"
	"mypos/licensing"
)

// ownerEnv is the cabinet with the owner logged in, and the services to
// make its world with.
type ownerEnv struct {
	*webEnv
	ctx   context.Context // acting as the owner
	owner *browser
	lic   *licensing.Service
}

func newOwnerEnv(t *testing.T) *ownerEnv {
	t.Helper()
	e := &ownerEnv{webEnv: newWebEnv(t)}
	e.ctx = e.MustOwnerContext()
	e.lic = e.srv.cfg.Licensing
	e.owner = e.browser()
	e.owner.login("owner@mypos.test", "owner-password")
	return e
}

// partner creates an active partner.
func (e *ownerEnv) partner(name, inn, email string) *account.Account {
	e.t.Helper()
	a, err := e.svc.CreatePartner(e.ctx, account.Registration{Name: name, INN: inn, Email: email, Password: "partner-pass", City: "Тверь"})
	if err != nil {
		e.t.Fatal(err)
	}
	return a
}

func (e *ownerEnv) sell(p *account.Account, n int) *licensing.Document {
	e.t.Helper()
	d, err := e.lic.Sell(e.ctx, p.ID, n)
	if err != nil {
		e.t.Fatal(err)
	}
	return d
}

// client makes the company the partner's client.
func (e *ownerEnv) client(company, partner *account.Account) {
	e.t.Helper()
	r, err := e.svc.RequestLink(actorCtx(company), account.LinkRequestInput{PartnerID: partner.ID})
	if err != nil {
		e.t.Fatal(err)
	}
	if _, err := e.svc.AcceptLink(actorCtx(partner), r.ID); err != nil {
		e.t.Fatal(err)
	}
}

// dealer makes an active partner with a client company, sells it n
// licenses and transfers the first `transferred` of them to the client.
func (e *ownerEnv) dealer(partner, shop string, n, transferred int) (*account.Account, *account.Account, *licensing.Document) {
	e.t.Helper()
	p := e.partner(partner, innFirm2, "north@dealer.test")
	c := e.MustRegister(mypos.KindCompany, shop, innFirm, "shop@romashka.test", "secret-pass")
	e.client(c, p)
	sale := e.sell(p, n)
	if _, err := e.lic.Transfer(actorCtx(p), c.ID, sale.LicenseIDs[:transferred]); err != nil {
		e.t.Fatal(err)
	}
	return p, c, sale
}

func actorCtx(a *account.Account) context.Context {
	return mypos.NewContextWithActor(context.Background(), a.Actor())
}

// wantFieldError checks that the page shows the service's error, in the
// page's language, under the input it names.
func wantFieldError(t *testing.T, r webResp, lang, field string, err error) {
	t.Helper()
	if err == nil {
		t.Fatal("the service accepted what the page refused")
	}
	want := `<p class="field-error" id="f-` + field + `-error" role="alert">` + html.EscapeString(i18n.For(lang).Error(err)) + `</p>`
	wantPage(t, r, r.StatusCode, want)
}

var linkRe = regexp.MustCompile(`<a href="(/owner/documents/[^"]+)">`)

func TestWebOwnerHome(t *testing.T) {
	e := newOwnerEnv(t)
	r := e.owner.get("/")
	wantPage(t, r, http.StatusOK, "Кабинет владельца", "Новых заявок партнёров нет.", "Документов пока нет.",
		`href="/owner/partners/new">Новый партнёр</a>`, `href="/owner/sales/new">Продать лицензии</a>`)

	e.MustRegister(mypos.KindPartner, "Дилер Юг", innFirm, "south@dealer.test", "partner-pass")
	e.MustRegister(mypos.KindPartner, "Дилер Запад", innTrader, "west@dealer.test", "partner-pass")
	p := e.partner("Дилер <script>alert(1)</script>", innFirm2, "north@dealer.test")
	doc := e.sell(p, 3)
	r = e.owner.get("/")
	wantPage(t, r, http.StatusOK, "2 партнёра ждут одобрения", `<span class="stat">3</span>`,
		`href="/owner/documents/`+doc.ID+`">№&nbsp;1</a>`, "Дилер &lt;script&gt;alert(1)&lt;/script&gt;", "Продажа")
	wantAbsent(t, r, "<script>alert(1)")
	wantStatus(t, e.owner.get("/?lang=en"), http.StatusSeeOther)
	wantPage(t, e.owner.get("/"), http.StatusOK, "2 partners await approval", "Sale")
}

func TestWebOwnerNewPartner(t *testing.T) {
	e := newOwnerEnv(t)
	e.MustRegister(mypos.KindCompany, "Ромашка", innFirm, "shop@romashka.test", "secret-pass")
	wantPage(t, e.owner.get("/owner/partners"), http.StatusOK, `href="/owner/partners/new"`)
	wantPage(t, e.owner.get("/owner/partners/new"), http.StatusOK, "Новый партнёр", `action="/owner/partners/new"`, `name="csrf"`)

	good := func() url.Values {
		return url.Values{"name": {"Дилер Север"}, "inn": {innFirm2}, "city": {"Мурманск"}, "email": {"north@dealer.test"}, "password": {"partner-pass"}}
	}
	t.Run("Errors", func(t *testing.T) {
		for _, tc := range []struct{ key, value, lang string }{
			{"inn", "7707083894", i18n.Russian},
			{"name", " ", i18n.Russian},
			{"password", "short", i18n.English},
			{"email", "not-an-address", i18n.English},
		} {
			b := e.browser()
			b.login("owner@mypos.test", "owner-password")
			if tc.lang == i18n.English {
				b.get("/?lang=en")
			}
			form := good()
			form.Set(tc.key, tc.value)
			r := b.post("/owner/partners/new", form)
			wantStatus(t, r, http.StatusBadRequest)
			_, err := e.svc.CreatePartner(e.ctx, account.Registration{Name: form.Get("name"), INN: form.Get("inn"),
				City: form.Get("city"), Email: form.Get("email"), Password: form.Get("password")})
			wantFieldError(t, r, tc.lang, tc.key, err)
			wantAbsent(t, r, "partner-pass", `value="short"`)
			if tc.key != "city" {
				wantPage(t, r, r.StatusCode, `value="Мурманск"`)
			}
		}
	})
	t.Run("CSRF", func(t *testing.T) {
		r := e.owner.postRaw("/owner/partners/new", good())
		wantPage(t, r, http.StatusForbidden, "Форма устарела")
	})
	t.Run("Company", func(t *testing.T) {
		b := e.browser()
		b.login("shop@romashka.test", "secret-pass")
		wantPage(t, b.get("/owner/partners/new"), http.StatusForbidden, "Доступ запрещён")
		wantPage(t, b.post("/owner/partners/new", good()), http.StatusForbidden, "Доступ запрещён")
	})

	r := e.owner.post("/owner/partners/new", good())
	wantStatus(t, r, http.StatusSeeOther)
	path := r.Header.Get("Location")
	r = e.owner.get(path)
	wantPage(t, r, http.StatusOK, `<p class="flash ok" role="status">Партнёр «Дилер Север» создан: он может войти с этим e-mail и паролем.</p>`,
		"Дилер Север", "Мурманск", "Активен")
	partner := e.browser()
	partner.login("north@dealer.test", "partner-pass")

	t.Run("Taken", func(t *testing.T) {
		r := e.owner.post("/owner/partners/new", good())
		wantStatus(t, r, http.StatusConflict)
		_, err := e.svc.CreatePartner(e.ctx, account.Registration{Name: "Дилер Север", INN: innFirm2, Email: "north@dealer.test", Password: "partner-pass"})
		wantFieldError(t, r, i18n.Russian, "email", err)
	})
}

func TestWebOwnerPartner(t *testing.T) {
	e := newOwnerEnv(t)
	p, shop, sale := e.dealer("Дилер <script>alert(1)</script>", "Ромашка", 3, 1)
	e.MustRegister(mypos.KindCompany, "Лютик", innTrader, "lutik@shop.test", "secret-pass")
	pending := e.MustRegister(mypos.KindPartner, "Дилер Юг", innTrader, "south@dealer.test", "partner-pass")

	r := e.owner.get("/owner/partners/" + p.ID)
	wantPage(t, r, http.StatusOK, "Дилер &lt;script&gt;alert(1)&lt;/script&gt;", *p.Code, innFirm2, "north@dealer.test",
		`href="/owner/sales/new?partner=`+p.ID+`"`, "Ромашка", `href="/owner/documents/`+sale.ID+`"`, "Передача клиенту",
		`href="/owner/documents?party=`+p.ID+`"`)
	wantAbsent(t, r, "<script>alert(1)", "Лютик")
	held := regexp.MustCompile(`(?s)У партнёра</dt>.*?Запечатана</span> 2.*?Раскрыта</span> 0.*?У его клиентов</dt>.*?Запечатана</span> 1`)
	if !held.MatchString(r.Body) {
		t.Fatalf("the counts are not 2 held sealed and 1 at the clients:\n%s", r.Body)
	}
	wantPage(t, e.owner.get("/owner/partners/"+pending.ID), http.StatusOK, "Ждёт одобрения", `/owner/partners/`+pending.ID+`/approve?code=`)
	for _, id := range []string{shop.ID, mypos.NewID(), "nonsense"} { // a company's, nobody's, not an ID
		r := e.owner.get("/owner/partners/" + id)
		wantPage(t, r, http.StatusNotFound, "Страница не найдена")
	}
	b := e.browser()
	b.login("north@dealer.test", "partner-pass")
	wantPage(t, b.get("/owner/partners/"+p.ID), http.StatusForbidden, "Доступ запрещён")

	t.Run("ClientsPaged", func(t *testing.T) {
		r := e.owner.get("/owner/partners/" + p.ID + "?limit=1")
		wantPage(t, r, http.StatusOK, "Ромашка")
		wantAbsent(t, r, "Дальше")
	})
}

// countQueries counts the statements the owner's requests make from now
// on: the background of a live cabinet (the fleet's polls) acts as nobody.
func countQueries(t *testing.T, e *ownerEnv) *atomic.Int64 {
	t.Helper()
	var n atomic.Int64
	count := func(tx *gorm.DB) {
		if a, ok := mypos.ActorFromContext(tx.Statement.Context); ok && a.Kind == mypos.KindOwner {
			n.Add(1)
		}
	}
	cb := e.srv.cfg.DB.Conn(context.Background()).Callback()
	name := "test:count:" + t.Name()
	if err := cb.Query().After("gorm:query").Register(name, count); err != nil {
		t.Fatal(err)
	}
	if err := cb.Row().After("gorm:row").Register(name, count); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cb.Query().Remove(name)
		_ = cb.Row().Remove(name)
	})
	return &n
}

func TestWebOwnerCompanies(t *testing.T) {
	e := newOwnerEnv(t)
	p, shop, _ := e.dealer("Дилер Север", "Ромашка <script>", 3, 2)
	e.MustRegister(mypos.KindCompany, "Лютик", innTrader, "lutik@shop.test", "secret-pass")
	for _, name := range []string{"Касса 1", "Касса 2"} {
		if _, _, err := e.srv.cfg.Devices.Create(actorCtx(shop), device.NewDevice{Name: name}); err != nil {
			t.Fatal(err)
		}
	}
	r := e.owner.get("/owner/companies?q=" + url.QueryEscape("ромашка"))
	wantPage(t, r, http.StatusOK, "Ромашка &lt;script&gt;", `<a href="/owner/partners/`+p.ID+`">Дилер Север</a>`,
		`data-label="Кассы" class="num">2</td>`, `data-label="Лицензии" class="num">2</td>`)
	wantAbsent(t, r, "Лютик")
	r = e.owner.get("/owner/companies?q=" + url.QueryEscape("лютик"))
	wantPage(t, r, http.StatusOK, "Без партнёра", `data-label="Кассы" class="num">0</td>`)

	// At size, one page costs the same few queries as a page of one.
	for i := range 300 {
		e.MustRegister(mypos.KindCompany, "Компания "+strconv.Itoa(i), innFirm, "c"+strconv.Itoa(i)+"@shop.test", "secret-pass")
	}
	n := countQueries(t, e)
	r = e.owner.get("/owner/companies?limit=200")
	wantPage(t, r, http.StatusOK, "Компания 197", "Дальше")
	if got := n.Load(); got > 6 {
		t.Fatalf("a page of 200 companies made %d queries, want at most 6 (the page, partners, devices, licenses)", got)
	}
}

func TestWebOwnerSale(t *testing.T) {
	e := newOwnerEnv(t)
	p := e.partner("Дилер <script>", innFirm2, "north@dealer.test")
	pending := e.MustRegister(mypos.KindPartner, "Дилер Юг", innTrader, "south@dealer.test", "partner-pass")

	r := e.owner.get("/owner/sales/new?partner=" + p.ID)
	wantPage(t, r, http.StatusOK, "Продажа лицензий", `<option value="`+p.ID+`" selected>Дилер &lt;script&gt;`, `name="count"`, `max="1000"`)
	wantAbsent(t, r, pending.ID)

	t.Run("Errors", func(t *testing.T) {
		for _, tc := range []struct {
			partner, count, field, lang string
		}{
			{p.ID, "0", "count", i18n.Russian},
			{p.ID, "1001", "count", i18n.English},
			{p.ID, "many", "count", i18n.Russian},
			{pending.ID, "3", "partner_id", i18n.Russian},
			{mypos.NewID(), "3", "partner_id", i18n.English},
			{"", "3", "partner_id", i18n.Russian},
		} {
			b := e.browser()
			b.login("owner@mypos.test", "owner-password")
			if tc.lang == i18n.English {
				b.get("/?lang=en")
			}
			n, _ := strconv.Atoi(tc.count)
			_, err := e.lic.CheckSale(e.ctx, tc.partner, n)
			for _, path := range []string{"/owner/sales/new", "/owner/sales"} {
				r := b.post(path, url.Values{"partner_id": {tc.partner}, "count": {tc.count}})
				wantFieldError(t, r, tc.lang, tc.field, err)
				wantPage(t, r, r.StatusCode, `action="/owner/sales/new"`, `value="`+tc.count+`"`)
			}
		}
	})
	t.Run("CSRF", func(t *testing.T) {
		r := e.owner.postRaw("/owner/sales", url.Values{"partner_id": {p.ID}, "count": {"3"}})
		wantPage(t, r, http.StatusForbidden, "Форма устарела")
	})

	r = e.owner.post("/owner/sales/new", url.Values{"partner_id": {p.ID}, "count": {"3"}})
	wantPage(t, r, http.StatusOK, "Продать 3 лицензии партнёру «Дилер &lt;script&gt;» (ИНН "+innFirm2+")?", `action="/owner/sales"`,
		`name="partner_id" value="`+p.ID+`"`, `name="count" value="3"`, "нельзя отменить")
	if n, _ := e.lic.Count(e.ctx); n != 0 {
		t.Fatalf("the confirmation sold %d licenses", n)
	}
	r = e.owner.post("/owner/sales", url.Values{"partner_id": {p.ID}, "count": {"3"}})
	wantStatus(t, r, http.StatusSeeOther)
	r = e.owner.get(r.Header.Get("Location"))
	wantPage(t, r, http.StatusOK, `<p class="flash ok" role="status">Проданы 3 лицензии партнёру «Дилер &lt;script&gt;», документ № 1.</p>`,
		"Продажа № 1", "3 лицензии")
	if got := strings.Count(r.Body, `<span class="badge">Запечатана</span>`); got != 3 {
		t.Fatalf("%d sealed lines, want 3", got)
	}
	e.owner.get("/?lang=en")
	r = e.owner.post("/owner/sales", url.Values{"partner_id": {p.ID}, "count": {"1"}})
	wantPage(t, e.owner.get(r.Header.Get("Location")), http.StatusOK, "1 license sold to “Дилер &lt;script&gt;”, document No. 2.")
}

func TestWebOwnerDocuments(t *testing.T) {
	e := newOwnerEnv(t)
	p, shop, first := e.dealer("Дилер Север", "Ромашка", 2, 1) // № 1 and the transfer № 2
	e.sell(e.partner("Дилер Юг", innTrader, "south@dealer.test"), 1)

	r := e.owner.get("/owner/documents")
	wantPage(t, r, http.StatusOK, "№&nbsp;3", "№&nbsp;2", "№&nbsp;1", "Передача клиенту", "Ромашка")
	if got := linkRe.FindAllStringSubmatch(r.Body, -1); len(got) != 3 || !strings.HasSuffix(got[2][1], first.ID) {
		t.Fatalf("the journal is not newest first: %v", got)
	}
	r = e.owner.get("/owner/documents?type=sale&party=" + p.ID)
	wantPage(t, r, http.StatusOK, "№&nbsp;1", `name="party" value="`+p.ID+`"`, "Сбросить отбор")
	wantAbsent(t, r, "№&nbsp;2", "№&nbsp;3")
	today := e.srv.cfg.DB.Now().In(i18n.Moscow()).Format(time.DateOnly)
	wantPage(t, e.owner.get("/owner/documents?from="+today+"&to="+today), http.StatusOK, "№&nbsp;3", "№&nbsp;1")
	r = e.owner.get("/owner/documents?to=2001-01-01")
	wantPage(t, r, http.StatusOK, "За этот период документов такого типа нет.")

	t.Run("Paged", func(t *testing.T) {
		r := e.owner.get("/owner/documents?limit=2&type=")
		wantPage(t, r, http.StatusOK, "№&nbsp;3", "№&nbsp;2", "Дальше")
		wantAbsent(t, r, "№&nbsp;1")
		next := html.UnescapeString(match(t, regexp.MustCompile(`<a href="([^"]+)" class="next"`), r.Body))
		r = e.owner.get(next)
		wantPage(t, r, http.StatusOK, "№&nbsp;1", "В начало")
		wantAbsent(t, r, "№&nbsp;2")
	})
	t.Run("Errors", func(t *testing.T) {
		r := e.owner.get("/owner/documents?from=2026-03-10&to=2026-03-08")
		wantStatus(t, r, http.StatusBadRequest)
		_, _, err := e.lic.Journal(e.ctx, licensing.JournalFilter{DocumentFilter: licensing.DocumentFilter{From: mustDay(t, "2026-03-10"), To: mustDay(t, "2026-03-08")}})
		wantFieldError(t, r, i18n.Russian, "from", err)
		r = e.owner.get("/owner/documents?from=yesterday")
		_, err = day("yesterday", "from")
		wantFieldError(t, r, i18n.Russian, "from", err)
		r = e.owner.get("/owner/documents?type=gift")
		_, _, err = e.lic.Journal(e.ctx, licensing.JournalFilter{DocumentFilter: licensing.DocumentFilter{Type: "gift"}})
		wantFieldError(t, r, i18n.Russian, "type", err)
	})

	r = e.owner.get("/owner/documents/" + first.ID)
	wantPage(t, r, http.StatusOK, "Продажа № 1", `href="/owner/partners/`+p.ID+`">Дилер Север</a>`, "2 лицензии", "новая",
		`href="/licenses/`+first.LicenseIDs[0]+`"`)
	for _, id := range []string{mypos.NewID(), "nonsense", shop.ID} {
		wantPage(t, e.owner.get("/owner/documents/"+id), http.StatusNotFound, "Страница не найдена")
	}
	b := e.browser()
	b.login("shop@romashka.test", "secret-pass")
	wantPage(t, b.get("/owner/documents"), http.StatusForbidden)
	wantPage(t, b.get("/owner/documents/"+first.ID), http.StatusForbidden)
}

func mustDay(t *testing.T, s string) time.Time {
	t.Helper()
	d, err := moscowDay(s, "from")
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestWebOwnerLicenses(t *testing.T) {
	e := newOwnerEnv(t)
	_, _, sale := e.dealer("Дилер <script>", "Ромашка", 3, 1)
	l, err := e.lic.Get(e.ctx, sale.LicenseIDs[2])
	if err != nil {
		t.Fatal(err)
	}

	r := e.owner.get("/owner/licenses")
	wantPage(t, r, http.StatusOK, `href="/licenses/`+l.ID+`">`+l.Key+`</a>`, "Дилер &lt;script&gt;", "Ромашка", `aria-current="page">Все лицензии`)
	wantAbsent(t, r, "<script>")
	if got := strings.Count(r.Body, `<span class="badge">Запечатана</span>`); got != 3 {
		t.Fatalf("%d sealed licenses shown, want 3", got)
	}
	r = e.owner.get("/owner/licenses?state=sealed&q=" + url.QueryEscape(strings.ToLower(l.Key)))
	wantPage(t, r, http.StatusOK, l.Key, `aria-current="page">Запечатана`, `name="state" value="sealed"`)
	if got := strings.Count(r.Body, `href="/licenses/`); got != 1 {
		t.Fatalf("the search found %d licenses, want 1", got)
	}
	wantPage(t, e.owner.get("/owner/licenses?state=active"), http.StatusOK, "Лицензий в этом состоянии нет.")

	t.Run("Paged", func(t *testing.T) {
		r := e.owner.get("/owner/licenses?state=sealed&limit=2")
		wantPage(t, r, http.StatusOK, "Дальше")
		next := html.UnescapeString(match(t, regexp.MustCompile(`<a href="([^"]+)" class="next"`), r.Body))
		if !strings.Contains(next, "state=sealed") {
			t.Fatalf("the next page lost the tab: %s", next)
		}
		r = e.owner.get(next)
		if got := strings.Count(r.Body, `href="/licenses/`); got != 1 {
			t.Fatalf("page 2 has %d licenses, want 1", got)
		}
	})
	t.Run("Errors", func(t *testing.T) {
		r := e.owner.get("/owner/licenses?q=" + url.QueryEscape("ключ?"))
		wantStatus(t, r, http.StatusBadRequest)
		_, err := licensing.NormalizeKey("ключ?")
		wantMessage(t, r, err)
		r = e.owner.get("/owner/licenses?state=lost")
		_, _, err = e.lic.Licenses(e.ctx, licensing.LicenseFilter{State: "lost"})
		wantMessage(t, r, err)
	})
	b := e.browser()
	b.login("shop@romashka.test", "secret-pass")
	wantPage(t, b.get("/owner/licenses"), http.StatusForbidden, "Доступ запрещён")
}
