package cabinet

import (
	"context"
	"fmt"
	"html"
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"mypos"
	"mypos/account"
	"mypos/db"
	"mypos/i18n"
	"mypos/services"
	"mypos/services/servicestest"
)

// Valid INNs for fixtures.
const (
	innFirm   = "7707083893"
	innFirm2  = "7736207543"
	innTrader = "500100732259"
)

// webEnv is a cabinet on a fresh database.
type webEnv struct {
	t   *testing.T
	srv *Server
	svc *account.Service
}

func newWebEnv(t *testing.T) *webEnv {
	t.Helper()
	set := servicestest.Open(t, services.Config{})
	svc := set.Accounts
	srv, err := New(Config{Set: set, Fleet: servicestest.Live(t, set)})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return &webEnv{t: t, srv: srv, svc: svc}
}

// MustRegister signs an account up through the service.
func (e *webEnv) MustRegister(kind, name, inn, email, password string) *account.Account {
	e.t.Helper()
	a, err := e.svc.Register(context.Background(), account.Registration{Kind: kind, Name: name, INN: inn, Email: email, Password: password, City: "Тверь"})
	if err != nil {
		e.t.Fatalf("register %s %s: %v", kind, email, err)
	}
	return a
}

// MustOwnerContext creates the owner and returns a context acting as it.
func (e *webEnv) MustOwnerContext() context.Context {
	e.t.Helper()
	o, err := e.svc.CreateOwner(context.Background(), "owner@mypos.test", "owner-password")
	if err != nil {
		e.t.Fatal(err)
	}
	return mypos.NewContextWithActor(context.Background(), o.Actor())
}

func (e *webEnv) MustApprove(ownerCtx context.Context, id string) {
	e.t.Helper()
	if _, err := e.svc.ApprovePartner(ownerCtx, id); err != nil {
		e.t.Fatal(err)
	}
}

// browser sends requests in memory and keeps cookies, as a browser would.
type browser struct {
	env *webEnv
	jar map[string]string
}

func (e *webEnv) browser() *browser { return &browser{env: e, jar: map[string]string{}} }

// webResp is a response with its body read.
type webResp struct {
	*http.Response
	Body string
}

// Cookie returns the cookie the response set, or nil.
func (r webResp) Cookie(name string) *http.Cookie {
	for _, c := range r.Cookies() {
		if c.Name == name {
			return c
		}
	}
	return nil
}

func (b *browser) do(req *http.Request) webResp {
	t := b.env.t
	t.Helper()
	for k, v := range b.jar {
		req.AddCookie(&http.Cookie{Name: k, Value: v})
	}
	resp, err := b.env.srv.App().Test(req, -1)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range resp.Cookies() {
		if c.Value == "" || (!c.Expires.IsZero() && c.Expires.Before(time.Now())) {
			delete(b.jar, c.Name)
		} else {
			b.jar[c.Name] = c.Value
		}
	}
	return webResp{resp, string(body)}
}

func (b *browser) get(path string) webResp {
	b.env.t.Helper()
	return b.do(httptestRequest(http.MethodGet, path, nil))
}

// post sends a form with the browser's CSRF token, as the cabinet's pages do.
func (b *browser) post(path string, form url.Values) webResp {
	b.env.t.Helper()
	form.Set(csrfField, b.csrf())
	return b.postRaw(path, form)
}

// csrf reads the token of the browser's forms off a page: the login form's
// when anonymous, the dashboard's logout form's when logged in.
func (b *browser) csrf() string {
	b.env.t.Helper()
	r := b.get("/login")
	if r.StatusCode == http.StatusSeeOther {
		r = b.get("/")
	}
	return match(b.env.t, csrfRe, r.Body)
}

// postRaw sends a form as it is, CSRF token or not.
func (b *browser) postRaw(path string, form url.Values) webResp {
	b.env.t.Helper()
	req := httptestRequest(http.MethodPost, path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return b.do(req)
}

// login logs in through the form and fails the test unless a cabinet opens.
func (b *browser) login(email, password string) {
	b.env.t.Helper()
	r := b.post("/login", url.Values{"email": {email}, "password": {password}})
	wantRedirect(b.env.t, r, "/")
}

func httptestRequest(method, path string, body io.Reader) *http.Request {
	req, err := http.NewRequest(method, "http://cabinet.test"+path, body)
	if err != nil {
		panic(err)
	}
	return req
}

func wantStatus(t *testing.T, r webResp, want int) {
	t.Helper()
	if r.StatusCode != want {
		t.Fatalf("%s %s: status=%d, want %d; body:\n%s", r.Request.Method, r.Request.URL.Path, r.StatusCode, want, r.Body)
	}
}

func wantRedirect(t *testing.T, r webResp, location string) {
	t.Helper()
	wantStatus(t, r, http.StatusSeeOther)
	if got := r.Header.Get("Location"); got != location {
		t.Fatalf("Location=%q, want %q", got, location)
	}
}

// wantPage checks an HTML page: its status, type, and the texts it shows.
func wantPage(t *testing.T, r webResp, status int, texts ...string) {
	t.Helper()
	wantStatus(t, r, status)
	if got, want := r.Header.Get("Content-Type"), "text/html; charset=utf-8"; got != want {
		t.Fatalf("Content-Type=%q, want %q", got, want)
	}
	for _, s := range texts {
		if !strings.Contains(r.Body, s) {
			t.Fatalf("page lacks %q:\n%s", s, r.Body)
		}
	}
}

func wantAbsent(t *testing.T, r webResp, texts ...string) {
	t.Helper()
	for _, s := range texts {
		if strings.Contains(r.Body, s) {
			t.Fatalf("page shows %q but must not:\n%s", s, r.Body)
		}
	}
}

// wantMessage checks that the page shows the message of the service's error,
// in Russian, atop the page or at its field: the web pages show what the
// service says, so the test asks the service.
func wantMessage(t *testing.T, r webResp, err error) {
	t.Helper()
	if err == nil {
		t.Fatal("the service accepted what the page refused")
	}
	wantPage(t, r, r.StatusCode, `role="alert">`+html.EscapeString(i18n.For(i18n.Russian).Error(err))+`</p>`)
}

// wantErrorText checks that an error page tells the service's message.
func wantErrorText(t *testing.T, r webResp, err error) {
	t.Helper()
	if err == nil {
		t.Fatal("the service accepted what the page refused")
	}
	wantPage(t, r, r.StatusCode, `<p class="error-detail">`+html.EscapeString(i18n.For(i18n.Russian).Error(err))+"</p>")
}

func wantNoSession(t *testing.T, r webResp) {
	t.Helper()
	if c := r.Cookie(sessionCookie); c != nil {
		t.Fatalf("response set a session cookie %q", c.String())
	}
}

var (
	csrfRe   = regexp.MustCompile(`name="csrf" value="([^"]+)"`)
	ticketRe = regexp.MustCompile(`name="ticket" value="([^"]+)"`)
)

func match(t *testing.T, re *regexp.Regexp, body string) string {
	t.Helper()
	m := re.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no match for %s in:\n%s", re, body)
	}
	return m[1]
}

func TestWebLoginPage(t *testing.T) {
	env := newWebEnv(t)
	b := env.browser()
	r := b.get("/login")
	wantPage(t, r, http.StatusOK, "Вход в кабинет", `name="email"`, `name="password"`, `action="/login"`, `href="/register"`)
	field := match(t, csrfRe, r.Body)
	c := r.Cookie(csrfCookie)
	if c == nil {
		t.Fatal("no CSRF cookie")
	}
	if c.Value == field || !c.HttpOnly || c.SameSite != http.SameSiteStrictMode || c.Path != "/" || c.Secure {
		t.Fatalf("CSRF cookie %q, field %q: want a secret other than the field, HttpOnly, SameSite=Strict, Path=/, not Secure", c.String(), field)
	}
	for h, want := range map[string]string{
		"Cache-Control":          "no-store",
		"X-Content-Type-Options": "nosniff",
		"Referrer-Policy":        "same-origin",
	} {
		if got := r.Header.Get(h); got != want {
			t.Fatalf("%s=%q, want %q", h, got, want)
		}
	}
	if csp := r.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "frame-ancestors 'none'") || !strings.Contains(csp, "default-src 'none'") {
		t.Fatalf("Content-Security-Policy=%q", csp)
	}

	// The browser keeps its token: the next page neither replaces the cookie nor changes the field.
	r = b.get("/login")
	if got := match(t, csrfRe, r.Body); got != field {
		t.Fatalf("second page csrf=%q, want %q", got, field)
	}
	if c := r.Cookie(csrfCookie); c != nil {
		t.Fatalf("second page set the CSRF cookie again: %q", c.String())
	}
}

func TestWebCSRF(t *testing.T) {
	env := newWebEnv(t)
	env.MustRegister(mypos.KindCompany, "Ромашка", innFirm, "shop@romashka.test", "secret-pass")
	creds := func() url.Values { return url.Values{"email": {"shop@romashka.test"}, "password": {"secret-pass"}} }
	refused := func(t *testing.T, r webResp) {
		t.Helper()
		wantPage(t, r, http.StatusForbidden, "Форма устарела: обновите страницу")
		wantNoSession(t, r)
	}

	t.Run("NoField", func(t *testing.T) {
		b := env.browser()
		b.get("/login")
		refused(t, b.postRaw("/login", creds()))
	})
	t.Run("WrongField", func(t *testing.T) {
		b := env.browser()
		b.get("/login")
		f := creds()
		f.Set(csrfField, newCSRF())
		refused(t, b.postRaw("/login", f))
	})
	t.Run("NoCookie", func(t *testing.T) {
		b := env.browser()
		f := creds()
		f.Set(csrfField, match(t, csrfRe, b.get("/login").Body))
		delete(b.jar, csrfCookie)
		refused(t, b.postRaw("/login", f))
	})
	t.Run("Register", func(t *testing.T) {
		b := env.browser()
		b.get("/register")
		f := url.Values{"kind": {"company"}, "name": {"Лютик"}, "inn": {innFirm2}, "email": {"lutik@shop.test"}, "password": {"secret-pass"}}
		refused(t, b.postRaw("/register", f))
		_, err := env.svc.Login(context.Background(), account.Credentials{Email: "lutik@shop.test", Password: "secret-pass"}, "test", account.ViaToken)
		if got, want := mypos.ErrorCode(err), mypos.EUNAUTHORIZED; got != want {
			t.Fatalf("login after a refused registration: code=%q, want %q (no account)", got, want)
		}
	})
	t.Run("Logout", func(t *testing.T) {
		b := env.browser()
		b.login("shop@romashka.test", "secret-pass")
		token := b.jar[sessionCookie]
		r := b.postRaw("/logout", url.Values{})
		wantPage(t, r, http.StatusForbidden, "Форма устарела")
		if _, err := env.svc.Authenticate(context.Background(), token); err != nil {
			t.Fatalf("a refused logout ended the session: %v", err)
		}
	})
	// A logged-in browser's token is its session's: it works in no other.
	t.Run("TokenOfAnotherSession", func(t *testing.T) {
		a, b := env.browser(), env.browser()
		a.login("shop@romashka.test", "secret-pass")
		b.login("shop@romashka.test", "secret-pass")
		r := b.postRaw("/logout", url.Values{csrfField: {a.csrf()}})
		wantPage(t, r, http.StatusForbidden, "Форма устарела")
		if _, err := env.svc.Authenticate(context.Background(), b.jar[sessionCookie]); err != nil {
			t.Fatalf("a logout with another session's token ended the session: %v", err)
		}
	})
	t.Run("TokenOfEndedSession", func(t *testing.T) {
		b := env.browser()
		b.login("shop@romashka.test", "secret-pass")
		old := b.csrf()
		wantRedirect(t, b.postRaw("/logout", url.Values{csrfField: {old}}), "/login")
		refused(t, b.postRaw("/login", url.Values{"email": {"shop@romashka.test"}, "password": {"secret-pass"}, csrfField: {old}}))
		b.login("shop@romashka.test", "secret-pass")
		r := b.postRaw("/logout", url.Values{csrfField: {old}})
		wantPage(t, r, http.StatusForbidden, "Форма устарела")
	})
	// A cookie planted beside the session (by a sibling subdomain, say) and
	// a field to match it do not pass: the session decides the token.
	t.Run("PlantedCookie", func(t *testing.T) {
		b := env.browser()
		b.login("shop@romashka.test", "secret-pass")
		planted := newCSRF()
		b.jar[csrfCookie] = planted
		for _, field := range []string{planted, csrfFor(planted)} {
			r := b.postRaw("/logout", url.Values{csrfField: {field}})
			wantPage(t, r, http.StatusForbidden, "Форма устарела")
		}
	})
	t.Run("OK", func(t *testing.T) {
		b := env.browser()
		r := b.post("/login", creds())
		wantRedirect(t, r, "/")
		if r.Cookie(sessionCookie) == nil {
			t.Fatal("no session cookie")
		}
	})
}

func TestWebLoginChoice(t *testing.T) {
	env := newWebEnv(t)
	const email, password = "ivanov@both.test", "one-password-for-two"
	env.MustRegister(mypos.KindCompany, "Ромашка", innFirm, email, password)
	partner := env.MustRegister(mypos.KindPartner, "Дилер Север", innFirm2, email, password)
	env.MustApprove(env.MustOwnerContext(), partner.ID)

	b := env.browser()
	r := b.post("/login", url.Values{"email": {email}, "password": {password}})
	wantPage(t, r, http.StatusOK,
		"Этот пароль подходит к 2 кабинетам",
		"Войти: Компания «Ромашка»", "Войти: Партнёр «Дилер Север»",
		`name="account" value="company"`, `name="account" value="partner"`)
	wantAbsent(t, r, password, `type="password"`)
	wantNoSession(t, r)
	if got, want := strings.Count(r.Body, `action="/login/choose"`), 2; got != want {
		t.Fatalf("%d choice forms, want %d", got, want)
	}
	ticket := match(t, ticketRe, r.Body)

	r = b.post("/login/choose", url.Values{"ticket": {ticket}, "account": {mypos.KindPartner}})
	wantRedirect(t, r, "/")
	c := r.Cookie(sessionCookie)
	if c == nil {
		t.Fatal("no session cookie")
	}
	if !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Path != "/" || c.Secure {
		t.Fatalf("session cookie %q: want HttpOnly, SameSite=Lax, Path=/, not Secure", c.String())
	}
	if d := time.Until(c.Expires); d < 6*24*time.Hour || d > 8*24*time.Hour {
		t.Fatalf("session cookie expires in %v, want the session's week", d)
	}
	r = b.get("/")
	wantPage(t, r, http.StatusOK, "Дилер Север", "Партнёр", *partner.Code, "Ваш код партнёра", `action="/logout"`, "Выйти")

	t.Run("TicketSpent", func(t *testing.T) {
		other := env.browser()
		r := other.post("/login/choose", url.Values{"ticket": {ticket}, "account": {mypos.KindCompany}})
		wantPage(t, r, http.StatusUnauthorized, `name="password"`)
		wantNoSession(t, r)
		_, err := env.svc.CompleteLogin(context.Background(), ticket, mypos.KindCompany, account.ViaToken)
		wantMessage(t, r, err)
	})
}

func TestWebLoginFailures(t *testing.T) {
	env := newWebEnv(t)
	env.MustRegister(mypos.KindCompany, "Ромашка", innFirm, "shop@romashka.test", "secret-pass")
	env.MustRegister(mypos.KindPartner, "Дилер Юг", innFirm2, "south@dealer.test", "partner-pass")
	b := env.browser()
	serviceLogin := func(email, password string) error {
		_, err := env.svc.Login(context.Background(), account.Credentials{Email: email, Password: password}, "elsewhere", account.ViaToken)
		return err
	}

	t.Run("WrongPassword", func(t *testing.T) {
		r := b.post("/login", url.Values{"email": {"shop@romashka.test"}, "password": {"not-the-pass"}})
		wantPage(t, r, http.StatusUnauthorized, `value="shop@romashka.test"`)
		wantAbsent(t, r, "not-the-pass")
		wantNoSession(t, r)
		wantMessage(t, r, serviceLogin("shop@romashka.test", "not-the-pass"))
	})
	t.Run("PendingPartner", func(t *testing.T) {
		r := b.post("/login", url.Values{"email": {"south@dealer.test"}, "password": {"partner-pass"}})
		wantPage(t, r, http.StatusForbidden, `value="south@dealer.test"`)
		wantNoSession(t, r)
		wantMessage(t, r, serviceLogin("south@dealer.test", "partner-pass"))
	})
	t.Run("Empty", func(t *testing.T) {
		r := b.post("/login", url.Values{"email": {"shop@romashka.test"}})
		wantPage(t, r, http.StatusBadRequest, "Введите e-mail и пароль.", `value="shop@romashka.test"`)
		if !regexp.MustCompile(`class="field bad">\s*<label for="f-password">Пароль`).MatchString(r.Body) {
			t.Fatalf("the password field is not marked bad:\n%s", r.Body)
		}
	})
	t.Run("RateLimited", func(t *testing.T) {
		form := url.Values{"email": {"victim@shop.test"}, "password": {"guess-guess"}}
		for i := 0; i < 5; i++ {
			wantStatus(t, b.post("/login", form), http.StatusUnauthorized)
		}
		r := b.post("/login", form)
		wantPage(t, r, http.StatusTooManyRequests, `<p class="alert" role="alert">`, `value="victim@shop.test"`)
		if n, err := strconv.Atoi(r.Header.Get("Retry-After")); err != nil || n <= 0 {
			t.Fatalf("Retry-After=%q, want whole seconds", r.Header.Get("Retry-After"))
		}
	})
}

func TestWebRegister(t *testing.T) {
	env := newWebEnv(t)

	t.Run("Company", func(t *testing.T) {
		b := env.browser()
		r := b.get("/register")
		wantPage(t, r, http.StatusOK, "Регистрация", `name="kind" value="company" checked`, `name="kind" value="partner"`,
			`name="inn"`, `name="city"`, `name="csrf"`)
		r = b.post("/register", url.Values{"kind": {"company"}, "name": {"Ромашка"}, "inn": {innFirm}, "city": {"Тверь"},
			"email": {"shop@romashka.test"}, "password": {"secret-pass"}})
		wantRedirect(t, r, "/")
		if r.Cookie(sessionCookie) == nil {
			t.Fatal("a registered company got no session")
		}
		wantPage(t, b.get("/"), http.StatusOK, "Здравствуйте, Ромашка!", "Компания", "Выйти")
	})
	t.Run("Partner", func(t *testing.T) {
		b := env.browser()
		wantPage(t, b.get("/register?kind=partner"), http.StatusOK, `name="kind" value="partner" checked`)
		r := b.post("/register", url.Values{"kind": {"partner"}, "name": {"Дилер Север"}, "inn": {innFirm2},
			"email": {"north@dealer.test"}, "password": {"partner-pass"}})
		wantPage(t, r, http.StatusOK, "Заявка принята", "Партнёр «Дилер Север»", "ждёт одобрения", "north@dealer.test")
		wantNoSession(t, r)
	})

	good := url.Values{"kind": {"company"}, "name": {"Лютик"}, "inn": {innTrader}, "city": {"Вологда"},
		"email": {"lutik@shop.test"}, "password": {"secret-pass"}}
	for _, tc := range []struct {
		name, key, value string
		status           int
		label            string
	}{
		{"ErrINN", "inn", "7707083894", http.StatusBadRequest, "ИНН"},
		{"ErrName", "name", " ", http.StatusBadRequest, "Название"},
		{"ErrPassword", "password", "short", http.StatusBadRequest, "Пароль"},
		{"ErrEmail", "email", "not-an-address", http.StatusBadRequest, "E-mail"},
		{"ErrEmailTaken", "email", "shop@romashka.test", http.StatusConflict, "E-mail"},
		{"ErrKind", "kind", "owner", http.StatusBadRequest, "Кто вы"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			form := url.Values{}
			for k, v := range good {
				form[k] = append([]string(nil), v...)
			}
			form.Set(tc.key, tc.value)
			r := env.browser().post("/register", form)
			wantPage(t, r, tc.status)
			wantNoSession(t, r)
			_, err := env.svc.Register(context.Background(), account.Registration{Kind: form.Get("kind"), Name: form.Get("name"),
				INN: form.Get("inn"), City: form.Get("city"), Email: form.Get("email"), Password: form.Get("password")})
			wantMessage(t, r, err)
			wantAbsent(t, r, "secret-pass", `value="short"`)
			if got := strings.Count(r.Body, ` bad"`); got != 1 {
				t.Fatalf("%d fields marked bad, want 1:\n%s", got, r.Body)
			}
			marked := regexp.MustCompile(`class="(field|kinds) bad"[^>]*>\s*<(label[^>]*|legend)>` + regexp.QuoteMeta(tc.label))
			if !marked.MatchString(r.Body) {
				t.Fatalf("the %s field is not marked bad:\n%s", tc.label, r.Body)
			}
			for k, v := range form {
				if k != "password" && k != "kind" && strings.TrimSpace(v[0]) != "" && !strings.Contains(r.Body, `value="`+v[0]+`"`) {
					t.Fatalf("the form lost %s=%q:\n%s", k, v[0], r.Body)
				}
			}
		})
	}
}

func TestWebOwner(t *testing.T) {
	env := newWebEnv(t)
	ownerCtx := env.MustOwnerContext()
	company := env.MustRegister(mypos.KindCompany, "Ромашка", innFirm, "shop@romashka.test", "secret-pass")
	env.MustRegister(mypos.KindCompany, "Лютик", innTrader, "lutik@shop.test", "secret-pass")

	t.Run("Anonymous", func(t *testing.T) {
		b := env.browser()
		wantRedirect(t, b.get("/owner/partners"), "/login")
		wantRedirect(t, b.get("/owner/companies"), "/login")
	})
	t.Run("Company", func(t *testing.T) {
		b := env.browser()
		b.login("shop@romashka.test", "secret-pass")
		r := b.get("/owner/partners")
		wantPage(t, r, http.StatusForbidden, "Доступ запрещён")
		_, _, err := env.svc.ListPartners(mypos.NewContextWithActor(context.Background(), company.Actor()), db.ListParams{})
		wantErrorText(t, r, err)
		wantPage(t, b.get("/owner/companies"), http.StatusForbidden, "Доступ запрещён")
		wantPage(t, b.post("/owner/partners/"+mypos.NewID()+"/approve", url.Values{}), http.StatusForbidden, "Доступ запрещён")
	})

	// A partner signs up through the form and cannot log in yet.
	dealer := env.browser()
	wantStatus(t, dealer.post("/register", url.Values{"kind": {"partner"}, "name": {"Дилер Север"}, "inn": {innFirm2},
		"city": {"Мурманск"}, "email": {"north@dealer.test"}, "password": {"partner-pass"}}), http.StatusOK)
	wantStatus(t, dealer.post("/login", url.Values{"email": {"north@dealer.test"}, "password": {"partner-pass"}}), http.StatusForbidden)
	partners, _, err := env.svc.ListPartners(ownerCtx, db.ListParams{Query: "north@dealer.test"})
	if err != nil || len(partners) != 1 {
		t.Fatalf("ListPartners: %v, %d rows", err, len(partners))
	}
	p := partners[0]

	owner := env.browser()
	owner.login("owner@mypos.test", "owner-password")
	wantPage(t, owner.get("/"), http.StatusOK, "Кабинет владельца", `href="/owner/partners"`, `href="/owner/companies"`, "Владелец")

	// The list links each pending partner to a page that asks before the
	// approval, which cannot be undone, and posts it.
	r := owner.get("/owner/partners?q=" + url.QueryEscape("Север"))
	confirm := "/owner/partners/" + p.ID + "/approve?code=" + *p.Code + "&q=" + url.QueryEscape("Север")
	wantPage(t, r, http.StatusOK, "Дилер Север", innFirm2, "Мурманск", "north@dealer.test", *p.Code, "Ждёт одобрения",
		`href="`+html.EscapeString(strings.Replace(confirm, url.QueryEscape("Север"), strings.ToLower(url.QueryEscape("Север")), 1))+`">Одобрить</a>`)
	r = owner.get(confirm)
	approveAction := `action="/owner/partners/` + p.ID + `/approve"`
	wantPage(t, r, http.StatusOK, "Одобрить партнёра «Дилер Север» (ИНН "+innFirm2+")?", "нельзя отменить", approveAction,
		`name="q" value="Север"`, `href="/owner/partners?q=`+url.QueryEscape("Север")+`">Отмена</a>`)
	for _, bad := range []string{"?code=" + *p.Code, "?code=NOPE", ""} { // another's ID, another code, none
		id := p.ID
		if bad == "?code="+*p.Code {
			id = company.ID
		}
		wantPage(t, owner.get("/owner/partners/"+id+"/approve"+bad), http.StatusNotFound, "Страница не найдена")
	}

	r = owner.post("/owner/partners/"+p.ID+"/approve", url.Values{"q": {"Север"}})
	wantRedirect(t, r, "/owner/partners?q="+url.QueryEscape("Север"))
	r = owner.get("/owner/partners?q=" + url.QueryEscape("север"))
	wantPage(t, r, http.StatusOK, "Дилер Север", "Активен", `<p class="flash ok" role="status">Партнёр «Дилер Север» одобрен: он может войти в кабинет.</p>`)
	wantAbsent(t, r, ">Одобрить<", approveAction)
	wantAbsent(t, owner.get("/owner/partners"), "одобрен: он может")                              // a flash shows once
	wantPage(t, owner.get("/owner/partners/"+p.ID+"/approve?code="+*p.Code), http.StatusNotFound) // approved: nothing to confirm

	dealer.login("north@dealer.test", "partner-pass")
	wantPage(t, dealer.get("/"), http.StatusOK, "Здравствуйте, Дилер Север!", *p.Code)

	t.Run("Search", func(t *testing.T) {
		wantPage(t, owner.get("/owner/partners?q="+*p.Code), http.StatusOK, "Дилер Север")
		r := owner.get("/owner/partners?q=nobody")
		wantPage(t, r, http.StatusOK, "Ничего не найдено.", `href="/owner/partners">Показать всех</a>`)
		wantAbsent(t, r, "Дилер Север")
		r = owner.get("/owner/companies?q=" + url.QueryEscape("ромашка"))
		wantPage(t, r, http.StatusOK, "Ромашка", innFirm, "shop@romashka.test")
		wantAbsent(t, r, "Лютик")
	})
	t.Run("Pages", func(t *testing.T) {
		r := owner.get("/owner/companies?limit=1")
		wantPage(t, r, http.StatusOK, "Ромашка", "Дальше")
		wantAbsent(t, r, "Лютик", "В начало")
		next := html.UnescapeString(match(t, regexp.MustCompile(`<a href="([^"]+)" class="next"`), r.Body))
		r = owner.get(next)
		wantPage(t, r, http.StatusOK, "Лютик", "В начало")
		wantAbsent(t, r, "Ромашка", "Дальше")
	})
	t.Run("ErrCursor", func(t *testing.T) {
		r := owner.get("/owner/companies?cursor=nonsense")
		wantPage(t, r, http.StatusBadRequest, "Неверный запрос")
		wantErrorText(t, r, db.ListParams{Cursor: "nonsense"}.Validate())
	})
	t.Run("ErrNoSuchPartner", func(t *testing.T) {
		id := mypos.NewID()
		r := owner.post("/owner/partners/"+id+"/approve", url.Values{})
		wantPage(t, r, http.StatusNotFound, "Страница не найдена")
		_, err := env.svc.ApprovePartner(ownerCtx, id)
		wantErrorText(t, r, err)
	})
}

func TestWebLogout(t *testing.T) {
	env := newWebEnv(t)
	env.MustRegister(mypos.KindCompany, "Ромашка", innFirm, "shop@romashka.test", "secret-pass")
	ctx := context.Background()
	b := env.browser()
	wantRedirect(t, b.get("/"), "/login")

	b.login("shop@romashka.test", "secret-pass")
	first := b.jar[sessionCookie]
	wantRedirect(t, b.get("/login"), "/")

	// Logging in again replaces the browser's session instead of leaving it alive.
	b.login("shop@romashka.test", "secret-pass")
	second := b.jar[sessionCookie]
	if _, err := env.svc.Authenticate(ctx, first); mypos.ErrorCode(err) != mypos.EUNAUTHORIZED {
		t.Fatalf("the replaced session still works: %v", err)
	}

	r := b.post("/logout", url.Values{})
	wantRedirect(t, r, "/login")
	c := r.Cookie(sessionCookie)
	if c == nil || c.Value != "" || !c.Expires.Before(time.Now()) || c.Path != "/" {
		t.Fatalf("logout did not delete the session cookie: %v", c)
	}
	if _, err := env.svc.Authenticate(ctx, second); mypos.ErrorCode(err) != mypos.EUNAUTHORIZED {
		t.Fatalf("the session outlived the logout: %v", err)
	}
	wantRedirect(t, b.get("/"), "/login")

	// A browser still holding the ended session's cookie is anonymous, not stuck.
	b.jar[sessionCookie] = second
	wantPage(t, b.get("/login"), http.StatusOK, "Вход в кабинет")
}

// The stylesheet's braces balance: a lost "}" (a merge of two pages'
// rules does it) silently drops every rule after it.
func TestStylesheetBalanced(t *testing.T) {
	css := string(assets["style.css"].body)
	depth := 0
	for i, line := range strings.Split(css, "\n") {
		depth += strings.Count(line, "{") - strings.Count(line, "}")
		if depth < 0 || depth > 2 {
			t.Fatalf("style.css:%d: braces nest %d deep", i+1, depth)
		}
	}
	if depth != 0 {
		t.Fatalf("style.css ends %d braces deep: a block is not closed", depth)
	}
}

func TestWebStatic(t *testing.T) {
	env := newWebEnv(t)
	b := env.browser()
	page := b.get("/login")
	for _, c := range []struct{ name, link, contentType, holds string }{
		{"style.css", `<link rel="stylesheet" href="%s">`, "text/css; charset=utf-8", "--accent"},
		{"htmx.min.js", `<script src="%s" defer></script>`, "text/javascript; charset=utf-8", `version:"` + htmxVersion + `"`},
	} {
		link := "/static/" + c.name + "?v=" + assets[c.name].version
		wantPage(t, page, http.StatusOK, fmt.Sprintf(c.link, link))
		for path, cache := range map[string]string{
			link:                "public, max-age=31536000, immutable",
			"/static/" + c.name: "public, max-age=300",
		} {
			r := b.get(path)
			wantStatus(t, r, http.StatusOK)
			if got := r.Header.Get("Content-Type"); got != c.contentType {
				t.Fatalf("%s: Content-Type=%q, want %q", path, got, c.contentType)
			}
			if got := r.Header.Get("Cache-Control"); got != cache {
				t.Fatalf("%s: Cache-Control=%q, want %q", path, got, cache)
			}
			if !strings.Contains(r.Body, c.holds) {
				t.Fatalf("%s: not the file: lacks %q", path, c.holds)
			}
		}
	}
	wantStatus(t, b.get("/static/nothing.js"), http.StatusNotFound)
}

// The JSON API keeps its problem+json errors: the web pages' HTML errors do
// not leak into it.
func TestWebLeavesAPIErrors(t *testing.T) {
	env := newWebEnv(t)
	r := env.browser().get("/api/v1/no-such-endpoint")
	wantStatus(t, r, http.StatusNotFound)
	if got, want := r.Header.Get("Content-Type"), "application/problem+json"; got != want {
		t.Fatalf("Content-Type=%q, want %q", got, want)
	}
}

// Every view a handler renders is a template: a name in s.render(…) with
// no file behind it would be a 500 on a page nobody tried.
func TestRenderedViewsExist(t *testing.T) {
	names, err := viewNames(webFS)
	if err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob("*.go")
	re := regexp.MustCompile(`render\(c, [^,]+, "([a-z_]+)"`)
	seen := 0
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range re.FindAllSubmatch(src, -1) {
			seen++
			if !slices.Contains(names, string(m[1])) {
				t.Errorf("%s renders %q, which has no templates/%s.html", f, m[1], m[1])
			}
		}
	}
	if seen < 10 {
		t.Fatalf("found %d render calls: the pattern no longer matches the handlers", seen)
	}
}

func TestParseViews(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		v, err := parseViews(webFS)
		if err != nil {
			t.Fatal(err)
		}
		names, err := viewNames(webFS)
		if err != nil || len(names) < 10 || slices.Contains(names, "layout") {
			t.Fatalf("views %v, %v", names, err)
		}
		for _, lang := range i18n.Langs {
			if got, want := len(v[lang]), len(names); got != want {
				t.Fatalf("%s: %d views, want %d", lang, got, want)
			}
		}
		if f := v[i18n.Russian]["register"].fields; !f["kind"] || !f["inn"] || !f["password"] || f["ticket"] {
			t.Fatalf("register's inputs: %v", f)
		}
	})
	complete := func() fstest.MapFS {
		m := fstest.MapFS{}
		files, _ := fs.Glob(webFS, "templates/*.html")
		for _, f := range files {
			b, err := webFS.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			m[f] = &fstest.MapFile{Data: b}
		}
		return m
	}
	t.Run("ErrMissing", func(t *testing.T) {
		m := complete()
		delete(m, "templates/parts.html")
		if _, err := parseViews(m); err == nil || !strings.Contains(err.Error(), "parts") {
			t.Fatalf("err=%v, want one naming the missing frame file", err)
		}
	})
	t.Run("ErrBroken", func(t *testing.T) {
		m := complete()
		m["templates/login.html"] = &fstest.MapFile{Data: []byte(`{{define "title"}}x{{end}}{{define "content"}}{{if}}{{end}}`)}
		if _, err := parseViews(m); err == nil || !strings.Contains(err.Error(), "login") {
			t.Fatalf("err=%v, want one naming the broken view", err)
		}
	})
	t.Run("ErrNoContent", func(t *testing.T) {
		m := complete()
		m["templates/error.html"] = &fstest.MapFile{Data: []byte(`{{define "title"}}x{{end}}`)}
		if _, err := parseViews(m); err == nil || !strings.Contains(err.Error(), `"content"`) {
			t.Fatalf("err=%v, want one naming the missing part", err)
		}
	})
}
