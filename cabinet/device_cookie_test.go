package cabinet_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"mypos"
)

// deviceCookie returns the device cookie a response set, or nil.
func (r apiResponse) deviceCookie() *http.Cookie {
	for _, c := range (&http.Response{Header: r.header}).Cookies() {
		if c.Name == "mypos_device" {
			return c
		}
	}
	return nil
}

func (e *apiEnv) loginWith(device, email, password string) apiResponse {
	e.t.Helper()
	var headers []string
	if device != "" {
		headers = []string{"Cookie", "mypos_device=" + device}
	}
	return e.call("POST", "/api/v1/auth/login", "", `{"email":"`+email+`","password":"`+password+`"}`, headers...)
}

// A login hands out the device cookie; presented, it lets the owner in
// while a flood of wrong passwords holds back every other login of the
// e-mail from the same address — and the owner's own typos still count.
func TestAPILoginDeviceCookie(t *testing.T) {
	e := newAPIEnv(t)
	e.register("company", "victim@shop.test", "company-pass", innFirm)
	r := e.loginWith("", "victim@shop.test", "company-pass")
	device := r.deviceCookie()
	if r.status != http.StatusOK || device == nil {
		t.Fatalf("login: %d, device cookie %v; %s", r.status, device, r.raw)
	}
	if !device.HttpOnly || device.SameSite != http.SameSiteStrictMode || device.Path != "/" || device.MaxAge < 365*24*60*60 {
		t.Fatalf("device cookie %q: want HttpOnly, SameSite=Strict, Path=/, a year or more", device.String())
	}
	if strings.Contains(device.Value, "victim") {
		t.Fatalf("the device cookie names the e-mail: %q", device.Value)
	}

	for range 30 {
		e.loginWith("", "victim@shop.test", "guess-guess")
	}
	e.loginWith("", "victim@shop.test", "company-pass").problem(t, http.StatusTooManyRequests, mypos.ERATELIMIT)
	forged := device.Value[:len(device.Value)-4] + "AAAA"
	e.loginWith(forged, "victim@shop.test", "company-pass").problem(t, http.StatusTooManyRequests, mypos.ERATELIMIT)
	if r := e.loginWith(device.Value, "victim@shop.test", "company-pass"); r.status != http.StatusOK || r.body["token"] == nil {
		t.Fatalf("the owner with the device cookie: %d %s", r.status, r.raw)
	}

	for range 5 {
		e.loginWith(device.Value, "victim@shop.test", "typo-typo").problem(t, http.StatusUnauthorized, mypos.EUNAUTHORIZED)
	}
	r = e.loginWith(device.Value, "victim@shop.test", "company-pass")
	r.problem(t, http.StatusTooManyRequests, mypos.ERATELIMIT)
	if got := r.header.Get("Retry-After"); got != "30" {
		t.Fatalf("Retry-After=%q after the owner's own five typos, want 30", got)
	}
}

// The answer that offers a choice of cabinets hands out the cookie too: the
// password was right.
func TestAPILoginChoiceDeviceCookie(t *testing.T) {
	e := newAPIEnv(t)
	owner := e.owner()
	e.register("company", "both@dealer.test", "shared-pass", innFirm)
	partner := e.register("partner", "both@dealer.test", "shared-pass", innFirm2)
	e.call("POST", "/api/v1/partners/"+partner.body["id"].(string)+"/approve", owner, "")
	r := e.loginWith("", "both@dealer.test", "shared-pass")
	if r.status != http.StatusConflict || r.deviceCookie() == nil {
		t.Fatalf("choice: %d, device cookie %v; %s", r.status, r.deviceCookie(), r.raw)
	}
}

// Sign-ups from one address: ten, then 429 with Retry-After and a message
// that says why.
func TestAPISignUpThrottled(t *testing.T) {
	e := newAPIEnv(t)
	for i := range 10 {
		if r := e.register("company", "shop"+strconv.Itoa(i)+"@signup.test", "long-enough", innFirm); r.status != http.StatusCreated {
			t.Fatalf("sign-up %d: %d %s", i, r.status, r.raw)
		}
	}
	r := e.register("company", "shop10@signup.test", "long-enough", innFirm)
	r.problem(t, http.StatusTooManyRequests, mypos.ERATELIMIT)
	if got := r.header.Get("Retry-After"); got != strconv.Itoa(int(time.Hour/time.Second)) {
		t.Fatalf("Retry-After=%q, want 3600", got)
	}
	if detail, _ := r.body["detail"].(string); !strings.Contains(detail, "sign-ups from this address") {
		t.Fatalf("detail=%q, want it to say why", detail)
	}
	if n := e.accountCount(); n != 10 {
		t.Fatalf("%d accounts, want 10", n)
	}
}
