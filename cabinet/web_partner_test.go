package cabinet

import (
	"html"
	"net/http"
	"regexp"
	"strings"
	"testing"
)

const scriptName = "Лавка <script>alert(1)</script>"

func TestWebPartnerHome(t *testing.T) {
	w := newPartnerWorld(t, 3)
	w.client("Ромашка", w.partner, w.as)
	w.request(scriptName, w.partner)
	r := w.b.get("/")
	wantPage(t, r, http.StatusOK, "1 заявка ждёт ответа", html.EscapeString(scriptName), `action="/partner/requests/`,
		"3 лицензии", "1 клиент", *w.partner.Code, `href="/partner/documents/new"`)
	wantAbsent(t, r, scriptName)
	r = w.b.get("/?lang=en")
	wantRedirect(t, r, "/")
	wantPage(t, w.b.get("/"), http.StatusOK, "1 request awaits your answer", "3 licenses", "1 client")
}

func TestWebPartnerPagesRefuseOthers(t *testing.T) {
	w := newPartnerWorld(t, 0)
	c, _ := w.company("Ромашка")
	b := w.browser()
	b.login(c.Email, "company-pass")
	for _, path := range []string{"/partner/requests", "/partner/clients", "/partner/licenses", "/partner/documents", "/partner/documents/new", "/partner/documents/new/unseal"} {
		wantStatus(t, b.get(path), http.StatusForbidden)
	}
	anon := w.browser()
	wantRedirect(t, anon.get("/partner/clients"), "/login")
}

func TestWebPartnerRequests(t *testing.T) {
	w := newPartnerWorld(t, 0)
	_, old := w.request("Ромашка", w.partner)
	if _, err := w.svc.DeclineLink(w.as, old.ID); err != nil {
		t.Fatal(err)
	}
	_, accept := w.request("Лютик", w.partner)
	_, decline := w.request(scriptName, w.partner)

	r := w.b.get("/partner/requests")
	wantPage(t, r, http.StatusOK, "Ждёт ответа", "Отклонена", html.EscapeString(scriptName))
	wantAbsent(t, r, scriptName)
	if strings.Index(r.Body, "Лютик") > strings.Index(r.Body, "Ромашка") {
		t.Fatal("an answered request comes before a pending one")
	}

	t.Run("Paging", func(t *testing.T) {
		r := w.b.get("/partner/requests?limit=2")
		wantPage(t, r, http.StatusOK, "Лютик", `href="/partner/requests?limit=2&amp;part=answered"`)
		wantAbsent(t, r, "Ромашка")
		r = w.b.get("/partner/requests?part=answered&limit=2")
		wantPage(t, r, http.StatusOK, "Ромашка", `href="/partner/requests?limit=2"`)
		wantAbsent(t, r, "Лютик")
		r = w.b.get("/partner/requests?limit=1")
		wantPage(t, r, http.StatusOK, "Лютик", "cursor="+accept.ID)
	})
	t.Run("CSRF", func(t *testing.T) {
		wantStatus(t, w.b.postRaw("/partner/requests/"+accept.ID+"/accept", form()), http.StatusForbidden)
	})
	t.Run("AnotherPartners", func(t *testing.T) {
		_, _, other := w.newPartner("Дилер Юг")
		wantStatus(t, other.get("/partner/requests/"+decline.ID+"/decline"), http.StatusNotFound)
		wantStatus(t, other.post("/partner/requests/"+accept.ID+"/accept", form()), http.StatusNotFound)
		wantStatus(t, other.post("/partner/requests/"+decline.ID+"/decline", form()), http.StatusNotFound)
		wantStatus(t, w.b.get("/partner/requests/"+old.ID+"/decline"), http.StatusNotFound) // answered already
	})
	t.Run("Accept", func(t *testing.T) {
		wantRedirect(t, w.b.post("/partner/requests/"+accept.ID+"/accept", form()), "/partner/requests")
		wantPage(t, w.b.get("/partner/requests"), http.StatusOK, "Компания «Лютик» теперь ваш клиент.", "Принята")
		wantStatus(t, w.b.post("/partner/requests/"+accept.ID+"/accept", form()), http.StatusConflict)
	})
	t.Run("Decline", func(t *testing.T) {
		r := w.b.get("/partner/requests/" + decline.ID + "/decline?from=home")
		wantPage(t, r, http.StatusOK, "Отклонить заявку компании «"+html.EscapeString(scriptName)+"»?",
			`action="/partner/requests/`+decline.ID+`/decline"`, `name="from" value="home"`, `href="/"`)
		wantAbsent(t, r, scriptName)
		wantRedirect(t, w.b.post("/partner/requests/"+decline.ID+"/decline", form("from", "home")), "/")
		wantPage(t, w.b.get("/"), http.StatusOK, "отклонена", "Новых заявок нет.")
	})
}

func TestWebPartnerClients(t *testing.T) {
	w := newPartnerWorld(t, 2)
	romashka := w.client("Ромашка", w.partner, w.as)
	script := w.client(scriptName, w.partner, w.as)
	w.client("Лютик", w.partner, w.as)
	other, otherCtx, _ := w.newPartner("Дилер Юг")
	theirs := w.client("Чужая", other, otherCtx)

	r := w.b.get("/partner/clients")
	wantPage(t, r, http.StatusOK, "Ромашка", "Лютик", html.EscapeString(scriptName), `href="/partner/clients/`+romashka.ID+`"`)
	wantAbsent(t, r, scriptName, "Чужая")
	wantPage(t, w.b.get("/partner/clients?q=ромаш"), http.StatusOK, "Ромашка")
	wantAbsent(t, w.b.get("/partner/clients?q=ромаш"), "Лютик")
	wantPage(t, w.b.get("/partner/clients?q=nothing-like-it"), http.StatusOK, "Ничего не найдено.")

	r = w.b.get("/partner/clients?limit=2")
	wantPage(t, r, http.StatusOK, "Дальше")
	wantAbsent(t, r, "В начало")
	next := html.UnescapeString(match(t, nextRe, r.Body))
	wantPage(t, w.b.get(next), http.StatusOK, "В начало")

	ids := w.sealedIDs(w.as, 1)
	if _, err := w.srv.cfg.Licensing.Transfer(w.as, romashka.ID, ids); err != nil {
		t.Fatal(err)
	}
	r = w.b.get("/partner/clients/" + romashka.ID)
	wantPage(t, r, http.StatusOK, "Ромашка", romashka.INN, ids[0], "Запечатана", `href="/licenses/`+ids[0]+`"`,
		`href="/partner/devices?company=`+romashka.ID+`"`, `href="/partner/documents/new/transfer?company=`+romashka.ID+`"`)
	// The license it sold on is the partner's to follow while Ромашка is its client.
	wantPage(t, w.b.get("/licenses/"+ids[0]), http.StatusOK, "Передача клиенту", "Ромашка")
	r = w.b.get("/partner/clients/" + script.ID)
	wantPage(t, r, http.StatusOK, html.EscapeString(scriptName), "У клиента пока нет лицензий.")
	wantAbsent(t, r, scriptName)
	wantStatus(t, w.b.get("/partner/clients/"+theirs.ID), http.StatusNotFound)
	wantStatus(t, w.b.get("/partner/clients/"+w.partner.ID), http.StatusNotFound)
	wantStatus(t, w.b.get("/partner/clients/not-an-id"), http.StatusNotFound)
}

var nextRe = regexp.MustCompile(`<a href="([^"]+)" class="next"`)
