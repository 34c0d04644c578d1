package cabinet

import (
	"context"
	"encoding/base64"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"mypos"
	"mypos/account"
	"mypos/db"
)

// getWith sends a GET with the given headers, as a browser would.
func (b *browser) getWith(path string, headers ...string) webResp {
	b.env.t.Helper()
	req := httptestRequest(http.MethodGet, path, nil)
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	return b.do(req)
}

// The page's language: a ?lang= link sets the cookie and comes back to the
// same page without it; else the cookie; else Accept-Language; else Russian.
func TestWebLanguage(t *testing.T) {
	env := newWebEnv(t)

	t.Run("Default", func(t *testing.T) {
		r := env.browser().get("/login")
		wantPage(t, r, http.StatusOK, `<html lang="ru">`, "Вход в кабинет", `href="/login?lang=en" hreflang="en" lang="en">English</a>`)
	})
	t.Run("AcceptLanguage", func(t *testing.T) {
		b := env.browser()
		wantPage(t, b.getWith("/login", "Accept-Language", "en-GB,en;q=0.9"), http.StatusOK, `<html lang="en">`, "Log in to your cabinet",
			`href="/login?lang=ru" hreflang="ru" lang="ru">Русский</a>`)
		wantPage(t, b.getWith("/login", "Accept-Language", "de-DE"), http.StatusOK, `<html lang="ru">`)
	})
	t.Run("Switch", func(t *testing.T) {
		b := env.browser()
		r := b.get("/register?kind=partner&lang=en")
		wantRedirect(t, r, "/register?kind=partner")
		c := r.Cookie(langCookie)
		if c == nil || c.Value != "en" || c.Path != "/" || !c.HttpOnly || c.SameSite != http.SameSiteLaxMode {
			t.Fatalf("language cookie %v", c)
		}
		// The cookie wins over the browser's own language, on every page.
		wantPage(t, b.getWith("/register?kind=partner", "Accept-Language", "ru"), http.StatusOK, `<html lang="en">`, "Sign up",
			`name="kind" value="partner" checked`, `href="/register?kind=partner&amp;lang=ru"`)
		wantPage(t, b.get("/no/such/page"), http.StatusNotFound, `<html lang="en">`, "Page not found")
		wantRedirect(t, b.get("/login?lang=ru"), "/login")
		wantPage(t, b.get("/login"), http.StatusOK, `<html lang="ru">`)
	})
	t.Run("ErrUnknown", func(t *testing.T) {
		b := env.browser()
		r := b.get("/login?lang=xx")
		wantRedirect(t, r, "/login")
		if r.Cookie(langCookie) != nil {
			t.Fatal("an unknown language was remembered")
		}
	})
	// The switch comes back to this site only: a path of two slashes would
	// be another host's.
	t.Run("ErrElsewhere", func(t *testing.T) {
		b := env.browser()
		for _, path := range []string{"//evil.test/login?lang=en", "/\\evil.test?lang=en"} {
			r := b.get(path)
			if loc := r.Header.Get("Location"); r.StatusCode == http.StatusSeeOther && !strings.HasPrefix(loc, "/") || strings.HasPrefix(loc, "//") || strings.HasPrefix(loc, "/\\") {
				t.Fatalf("%s leads to %q", path, loc)
			}
		}
	})
	// A form's refusal speaks the page's language: the service's error, in
	// English.
	t.Run("FormError", func(t *testing.T) {
		b := env.browser()
		b.get("/login?lang=en")
		r := b.post("/login", url.Values{"email": {"nobody@shop.test"}, "password": {"secret-pass"}})
		wantPage(t, r, http.StatusUnauthorized, `<p class="alert" role="alert">Wrong e-mail or password.</p>`)
	})
}

// Pages carry exactly the policy that lets htmx run from the cabinet's
// own file and nothing inline, and vary by the htmx headers.
func TestWebHeaders(t *testing.T) {
	env := newWebEnv(t)
	r := env.browser().get("/login")
	want := "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
	if got := r.Header.Get("Content-Security-Policy"); got != want {
		t.Fatalf("Content-Security-Policy=%q, want %q", got, want)
	}
	if got := r.Header.Get("Vary"); !strings.Contains(got, "HX-Request") || !strings.Contains(got, "HX-Target") {
		t.Fatalf("Vary=%q", got)
	}
	// No inline script or style: the policy would block them.
	for _, bad := range []string{"<script>", "style=", " on", "hx-on"} {
		if strings.Contains(r.Body, bad) {
			t.Fatalf("the page has %q", bad)
		}
	}
	wantPage(t, r, http.StatusOK, `<meta name="htmx-config" content='{"includeIndicatorStyles":false,"allowEval":false,`)
}

// An htmx request for the element #partners gets the list alone, in the
// page's language; a history restore gets the whole page.
func TestWebFragment(t *testing.T) {
	env := newWebEnv(t)
	env.MustOwnerContext()
	env.MustRegister(mypos.KindPartner, "Дилер Север", innFirm2, "north@dealer.test", "partner-pass")
	env.MustRegister(mypos.KindPartner, "Дилер Юг", innFirm, "south@dealer.test", "partner-pass")
	b := env.browser()
	b.login("owner@mypos.test", "owner-password")

	r := b.getWith("/owner/partners?q="+url.QueryEscape("юг"), "HX-Request", "true", "HX-Target", "partners")
	wantPage(t, r, http.StatusOK, "Дилер Юг", `<table class="table">`, "Ждёт одобрения")
	wantAbsent(t, r, "<html", "Дилер Север", `<nav class="nav"`)
	if !strings.HasPrefix(strings.TrimSpace(r.Body), "<table") {
		t.Fatalf("the fragment is not the list alone:\n%s", r.Body)
	}
	wantPage(t, b.getWith("/owner/partners", "HX-Request", "true", "HX-Target", "partners", "HX-History-Restore-Request", "true"),
		http.StatusOK, "<html", `<div id="partners">`)
	// A target the view has no part for gets the page.
	wantPage(t, b.getWith("/owner/partners", "HX-Request", "true", "HX-Target", "layout"), http.StatusOK, "<html")
}

// A flash is shown once, only to the browser it was made for: a cookie
// from elsewhere, or forged, or of another session, shows nothing.
func TestWebFlash(t *testing.T) {
	env := newWebEnv(t)
	ownerCtx := env.MustOwnerContext()
	p := env.MustRegister(mypos.KindPartner, "Дилер Север", innFirm2, "north@dealer.test", "partner-pass")
	q := env.MustRegister(mypos.KindPartner, "Дилер Юг", innFirm, "south@dealer.test", "partner-pass")
	owner := env.browser()
	owner.login("owner@mypos.test", "owner-password")
	wantRedirect(t, owner.post("/owner/partners/"+p.ID+"/approve", url.Values{}), "/owner/partners")
	flash := owner.jar[flashCookie]
	if flash == "" {
		t.Fatal("no flash cookie")
	}

	other := env.browser()
	other.login("owner@mypos.test", "owner-password")
	other.jar[flashCookie] = flash // another session's
	wantAbsent(t, other.get("/owner/partners"), "одобрен:")
	forged := base64.RawURLEncoding.EncodeToString([]byte(`{"id":"partners.approved","args":{"Name":"Звоните +7 999"},"tone":"ok"}`))
	other.jar[flashCookie] = forged + "." + strings.Split(flash, ".")[1]
	wantAbsent(t, other.get("/owner/partners"), "Звоните")

	r := owner.get("/owner/partners")
	wantPage(t, r, http.StatusOK, "Партнёр «Дилер Север» одобрен")
	if c := r.Cookie(flashCookie); c == nil || c.Value != "" {
		t.Fatalf("the shown flash was not deleted: %v", c)
	}
	wantAbsent(t, owner.get("/owner/partners"), "одобрен:")
	env.MustApprove(ownerCtx, q.ID)
}

// Every form refuses a post without its CSRF token — every POST route of
// the cabinet, listed from the router so a new one is covered — for a
// logged-in browser and an anonymous one, and changes nothing.
func TestWebCSRFEveryForm(t *testing.T) {
	env := newWebEnv(t)
	ownerCtx := env.MustOwnerContext()
	p := env.MustRegister(mypos.KindPartner, "Дилер Север", innFirm2, "north@dealer.test", "partner-pass")
	var posts []string
	for _, r := range env.srv.App().GetRoutes(true) {
		if r.Method == http.MethodPost && !strings.HasPrefix(r.Path, "/api/") {
			posts = append(posts, strings.ReplaceAll(r.Path, ":id", p.ID))
		}
	}
	if len(posts) < 5 {
		t.Fatalf("%d form routes: %v", len(posts), posts)
	}
	owner := env.browser()
	owner.login("owner@mypos.test", "owner-password")
	for _, path := range posts {
		for who, b := range map[string]*browser{"owner": owner, "anonymous": env.browser()} {
			b.get("/login")
			form := url.Values{"email": {"owner@mypos.test"}, "password": {"owner-password"}, "kind": {"company"}}
			r := b.postRaw(path, form)
			if r.StatusCode != http.StatusForbidden || !strings.Contains(r.Body, "Форма устарела") {
				t.Fatalf("%s posts %s without a token: %d\n%s", who, path, r.StatusCode, r.Body)
			}
		}
	}
	partners, _, err := env.svc.ListPartners(ownerCtx, dbList(""))
	if err != nil || len(partners) != 1 || partners[0].Status != account.StatusPending {
		t.Fatalf("a refused post changed something: %v %+v", err, partners)
	}
	if _, err := env.svc.Authenticate(context.Background(), owner.jar[sessionCookie]); err != nil {
		t.Fatalf("a refused logout ended the session: %v", err)
	}
}

// Names are data: a name with markup shows as text on every page that
// shows it, never as markup.
func TestWebNamesAreText(t *testing.T) {
	env := newWebEnv(t)
	env.MustOwnerContext()
	const evil = `Дилер <script>alert("x")</script> & <b>Ко</b>`
	escaped := `Дилер &lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; &lt;b&gt;Ко&lt;/b&gt;`
	p := env.MustRegister(mypos.KindPartner, evil, innFirm2, "north@dealer.test", "partner-pass")
	env.MustRegister(mypos.KindCompany, evil, innFirm, "shop@shop.test", "company-pass")

	owner := env.browser()
	owner.login("owner@mypos.test", "owner-password")
	for _, path := range []string{"/owner/partners", "/owner/companies", "/owner/partners/" + p.ID + "/approve?code=" + *p.Code} {
		r := owner.get(path)
		wantPage(t, r, http.StatusOK, escaped)
		wantAbsent(t, r, evil, "<script>", "<b>")
	}
	wantRedirect(t, owner.post("/owner/partners/"+p.ID+"/approve", url.Values{}), "/owner/partners")
	r := owner.get("/owner/partners")
	wantPage(t, r, http.StatusOK, "Партнёр «"+escaped+"» одобрен")
	wantAbsent(t, r, "<script>")

	company := env.browser()
	company.login("shop@shop.test", "company-pass")
	r = company.get("/")
	wantPage(t, r, http.StatusOK, escaped)
	wantAbsent(t, r, "<script>", "<b>")

	signup := env.browser().post("/register", url.Values{"kind": {"partner"}, "name": {evil}, "inn": {innTrader},
		"email": {"evil@dealer.test"}, "password": {"partner-pass"}})
	wantPage(t, signup, http.StatusOK, escaped)
	wantAbsent(t, signup, "<script>", "<b>")
}

func dbList(q string) db.ListParams { return db.ListParams{Query: q} }
