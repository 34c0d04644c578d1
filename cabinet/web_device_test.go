package cabinet

import (
	"fmt"
	"net/http"
	"net/url"
	"testing"

	"mypos"
)

// The login form hands out the device cookie, and honours it: while wrong
// passwords flood the e-mail from the same address, the browser that
// logged in before gets in, and a fresh one waits.
func TestWebLoginDeviceCookie(t *testing.T) {
	env := newWebEnv(t)
	env.MustRegister(mypos.KindCompany, "Ромашка", innFirm, "shop@romashka.test", "secret-pass")
	owner := env.browser()
	r := owner.post("/login", url.Values{"email": {"shop@romashka.test"}, "password": {"secret-pass"}})
	wantRedirect(t, r, "/")
	if c := r.Cookie(deviceCookie); c == nil || !c.HttpOnly || c.SameSite != http.SameSiteStrictMode {
		t.Fatalf("device cookie %v: want one, HttpOnly, SameSite=Strict", c)
	}
	wantRedirect(t, owner.post("/logout", url.Values{}), "/login")
	if owner.jar[deviceCookie] == "" {
		t.Fatal("logging out dropped the device cookie")
	}

	attacker := env.browser()
	for range 30 {
		attacker.post("/login", url.Values{"email": {"shop@romashka.test"}, "password": {"guess-guess"}})
	}
	r = env.browser().post("/login", url.Values{"email": {"shop@romashka.test"}, "password": {"secret-pass"}})
	wantPage(t, r, http.StatusTooManyRequests, `value="shop@romashka.test"`)
	wantNoSession(t, r)

	owner.login("shop@romashka.test", "secret-pass")
	wantPage(t, owner.get("/"), http.StatusOK, "Здравствуйте, Ромашка!")
}

// Signing up through the form logs the company in with a device cookie.
// Past ten sign-ups from one address the form answers 429 with
// Retry-After and says why, keeping what was typed.
func TestWebSignUpThrottled(t *testing.T) {
	env := newWebEnv(t)
	form := func(i int) url.Values {
		return url.Values{"kind": {"company"}, "name": {"Лютик"}, "inn": {innTrader}, "city": {"Вологда"},
			"email": {fmt.Sprintf("shop%d@signup.test", i)}, "password": {"secret-pass"}}
	}
	for i := range 10 {
		r := env.browser().post("/register", form(i))
		wantRedirect(t, r, "/")
		if r.Cookie(deviceCookie) == nil {
			t.Fatalf("sign-up %d: no device cookie", i)
		}
	}
	r := env.browser().post("/register", form(10))
	wantPage(t, r, http.StatusTooManyRequests, `<p class="alert" role="alert">Слишком много регистраций с этого адреса: попробуйте через `,
		`value="shop10@signup.test"`, `value="Лютик"`)
	if got := r.Header.Get("Retry-After"); got != "3600" {
		t.Fatalf("Retry-After=%q, want 3600", got)
	}
}
