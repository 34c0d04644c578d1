package cabinet_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"mypos"
	"mypos/account"
	"mypos/cabinet"
	"mypos/db"
	"mypos/fleet"
	"mypos/services"
	"mypos/services/servicestest"
)

const (
	innFirm  = "7707083893"
	innFirm2 = "7736207543"
)

// apiEnv is a cabinet over the real services on a real database, with
// fleet running, driven in memory.
type apiEnv struct {
	t        *testing.T
	svc      *services.Set
	live     *fleet.Fleet
	db       *db.DB
	accounts *account.Service
	srv      *cabinet.Server
}

func newAPIEnv(t *testing.T) *apiEnv {
	t.Helper()
	svc := servicestest.Open(t, services.Config{})
	e := &apiEnv{t: t, svc: svc, live: servicestest.Live(t, svc), db: svc.DB, accounts: svc.Accounts}
	e.srv = e.cabinet(cabinet.Config{PublicMQTTURL: testMQTTURL})
	return e
}

// cabinet is a cabinet over the env's services and fleet, cfg giving the rest.
func (e *apiEnv) cabinet(cfg cabinet.Config) *cabinet.Server {
	e.t.Helper()
	cfg.Set, cfg.Fleet = e.svc, e.live
	srv, err := cabinet.New(cfg)
	if err != nil {
		e.t.Fatal(err)
	}
	return srv
}

type apiResponse struct {
	status int
	header http.Header
	body   map[string]any
	raw    string
}

// call sends a request; body is a JSON string, or "" for none.
func (e *apiEnv) call(method, path, token, body string, headers ...string) apiResponse {
	e.t.Helper()
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := e.srv.App().Test(req, -1)
	if err != nil {
		e.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	r := apiResponse{status: resp.StatusCode, header: resp.Header, raw: string(raw)}
	json.Unmarshal(raw, &r.body)
	return r
}

// problem asserts a problem+json answer with the status and code.
func (r apiResponse) problem(t *testing.T, status int, code string) {
	t.Helper()
	if r.status != status || r.body["code"] != code {
		t.Fatalf("status=%d code=%v, want %d %q; body %s", r.status, r.body["code"], status, code, r.raw)
	}
	if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, "application/problem+json") {
		t.Fatalf("Content-Type=%q, want application/problem+json", ct)
	}
	if r.body["detail"] == "" || r.body["status"] != float64(status) {
		t.Fatalf("problem without detail or status: %s", r.raw)
	}
}

func (e *apiEnv) owner() string {
	e.t.Helper()
	if _, err := e.accounts.CreateOwner(context.Background(), "owner@mypos.test", "owner-password"); err != nil {
		e.t.Fatal(err)
	}
	return e.login("owner@mypos.test", "owner-password")
}

func (e *apiEnv) login(email, password string) string {
	e.t.Helper()
	r := e.call("POST", "/api/v1/auth/login", "", `{"email":"`+email+`","password":"`+password+`"}`)
	if r.status != http.StatusOK || r.body["token"] == nil {
		e.t.Fatalf("login %s: %d %s", email, r.status, r.raw)
	}
	return r.body["token"].(string)
}

func (e *apiEnv) register(kind, email, password, inn string) apiResponse {
	e.t.Helper()
	return e.call("POST", "/api/v1/auth/register", "",
		`{"kind":"`+kind+`","name":"ООО Ромашка","inn":"`+inn+`","email":"`+email+`","password":"`+password+`"}`)
}

func (e *apiEnv) accountCount() int64 {
	var n int64
	e.db.Conn(context.Background()).Model(&account.Account{}).Count(&n)
	return n
}

func TestAPILoginChoice(t *testing.T) {
	e := newAPIEnv(t)
	ownerToken := e.owner()
	if r := e.register("company", "both@dealer.test", "shared-pass", innFirm); r.status != http.StatusCreated || r.body["status"] != "active" {
		t.Fatalf("register company: %d %s", r.status, r.raw)
	}
	r := e.register("partner", "both@dealer.test", "shared-pass", innFirm2)
	if r.status != http.StatusCreated || r.body["status"] != "pending" || r.body["code"] == nil {
		t.Fatalf("register partner: %d %s", r.status, r.raw)
	}
	partnerID := r.body["id"].(string)

	// Pending: the password opens the company only.
	if got := e.login("both@dealer.test", "shared-pass"); got == "" {
		t.Fatal("no token")
	}
	if r := e.call("POST", "/api/v1/partners/"+partnerID+"/approve", ownerToken, ""); r.status != http.StatusOK || r.body["status"] != "active" {
		t.Fatalf("approve: %d %s", r.status, r.raw)
	}

	r = e.call("POST", "/api/v1/auth/login", "", `{"email":"both@dealer.test","password":"shared-pass"}`)
	r.problem(t, http.StatusConflict, "account_choice")
	ticket, _ := r.body["ticket"].(string)
	choices, _ := r.body["choices"].([]any)
	if ticket == "" || len(choices) != 2 {
		t.Fatalf("choice without ticket or two choices: %s", r.raw)
	}
	if strings.Contains(r.raw, "shared-pass") {
		t.Fatal("the choice echoes the password")
	}
	r = e.call("POST", "/api/v1/auth/login", "", `{"ticket":"`+ticket+`","account":"partner"}`)
	if r.status != http.StatusOK || r.body["kind"] != "partner" || r.body["id"] != partnerID || r.body["token"] == "" {
		t.Fatalf("complete login: %d %s", r.status, r.raw)
	}
	token := r.body["token"].(string)
	if me := e.call("GET", "/api/v1/me", token, ""); me.status != http.StatusOK || me.body["kind"] != "partner" || me.body["password_hash"] != nil {
		t.Fatalf("me: %d %s", me.status, me.raw)
	}
	e.call("POST", "/api/v1/auth/login", "", `{"ticket":"`+ticket+`","account":"company"}`).problem(t, http.StatusUnauthorized, mypos.EUNAUTHORIZED)

	if r := e.call("POST", "/api/v1/auth/logout", token, ""); r.status != http.StatusNoContent {
		t.Fatalf("logout: %d %s", r.status, r.raw)
	}
	e.call("GET", "/api/v1/me", token, "").problem(t, http.StatusUnauthorized, mypos.EUNAUTHORIZED)
}

func TestAPIBadInput(t *testing.T) {
	e := newAPIEnv(t)
	ownerToken := e.owner()
	e.register("company", "taken@shop.test", "company-pass", innFirm)
	companyToken := e.login("taken@shop.test", "company-pass")
	before := e.accountCount()

	tests := []struct {
		name, method, path, token, body string
		status                          int
		code, field                     string
	}{
		{"MalformedJSON", "POST", "/api/v1/auth/register", "", `{"kind":"company",`, 400, mypos.EINVALID, ""},
		{"TrailingData", "POST", "/api/v1/auth/register", "", `{"kind":"company"} {}`, 400, mypos.EINVALID, ""},
		{"EmptyBody", "POST", "/api/v1/auth/register", "", ``, 400, mypos.EINVALID, ""},
		{"UnknownField", "POST", "/api/v1/auth/register", "", `{"kind":"company","nmae":"x"}`, 400, mypos.EINVALID, "nmae"},
		{"WrongType", "POST", "/api/v1/auth/register", "", `{"kind":"company","inn":7707083893}`, 400, mypos.EINVALID, "inn"},
		{"MissingName", "POST", "/api/v1/auth/register", "", `{"kind":"company","inn":"7707083893","email":"a@b.test","password":"long-enough"}`, 400, mypos.EINVALID, "name"},
		{"MissingKind", "POST", "/api/v1/auth/register", "", `{"name":"A","inn":"7707083893","email":"a@b.test","password":"long-enough"}`, 400, mypos.EINVALID, "kind"},
		{"BadINNChecksum", "POST", "/api/v1/auth/register", "", `{"kind":"company","name":"A","inn":"7707083894","email":"a@b.test","password":"long-enough"}`, 400, mypos.EINVALID, "inn"},
		{"Duplicate", "POST", "/api/v1/auth/register", "", `{"kind":"company","name":"A","inn":"7707083893","email":"Taken@shop.test","password":"long-enough"}`, 409, mypos.ECONFLICT, "email"},
		{"LoginMissingPassword", "POST", "/api/v1/auth/login", "", `{"email":"taken@shop.test"}`, 400, mypos.EINVALID, "email"},
		{"CompanyListsPartners", "GET", "/api/v1/partners", companyToken, ``, 403, mypos.EFORBIDDEN, ""},
		{"CompanyListsCompanies", "GET", "/api/v1/companies", companyToken, ``, 403, mypos.EFORBIDDEN, ""},
		{"CompanyCreatesPartner", "POST", "/api/v1/partners", companyToken, `{"name":"P","inn":"7736207543","email":"p@d.test","password":"long-enough"}`, 403, mypos.EFORBIDDEN, ""},
		{"AnonymousListsPartners", "GET", "/api/v1/partners", "", ``, 401, mypos.EUNAUTHORIZED, ""},
		{"BadToken", "GET", "/api/v1/me", "not-a-token", ``, 401, mypos.EUNAUTHORIZED, ""},
		{"BadLimit", "GET", "/api/v1/partners?limit=x", ownerToken, ``, 400, mypos.EINVALID, "limit"},
		{"BadCursor", "GET", "/api/v1/partners?cursor=1;drop", ownerToken, ``, 400, mypos.EINVALID, "cursor"},
		{"ApproveUnknown", "POST", "/api/v1/partners/not-an-id/approve", ownerToken, ``, 404, mypos.ENOTFOUND, ""},
		{"NoRoute", "GET", "/api/v1/nothing-here", "", ``, 404, mypos.ENOTFOUND, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := e.call(tt.method, tt.path, tt.token, tt.body)
			r.problem(t, tt.status, tt.code)
			if got := r.body["field"]; tt.field != "" && got != tt.field {
				t.Fatalf("field=%v, want %q", got, tt.field)
			}
		})
	}
	if after := e.accountCount(); after != before {
		t.Fatalf("accounts %d → %d: refused requests wrote", before, after)
	}
	r := e.call("GET", "/api/v1/me", "", "", "Authorization", "Basic dXNlcjpwYXNz")
	r.problem(t, http.StatusUnauthorized, mypos.EUNAUTHORIZED)
	if r.header.Get("WWW-Authenticate") == "" {
		t.Fatal("401 without WWW-Authenticate")
	}
}

func TestAPIOwner(t *testing.T) {
	e := newAPIEnv(t)
	ownerToken := e.owner()
	r := e.call("POST", "/api/v1/partners", ownerToken, `{"name":"Дилер Север","inn":"7736207543","email":"north@dealer.test","password":"long-enough","city":"Мурманск"}`)
	if r.status != http.StatusCreated || r.body["status"] != "active" || r.body["code"] == nil || r.body["id"] == nil {
		t.Fatalf("create partner: %d %s", r.status, r.raw)
	}
	e.register("company", "shop@shop.test", "company-pass", innFirm)

	r = e.call("GET", "/api/v1/partners?q="+"%D0%B4%D0%B8%D0%BB%D0%B5%D1%80", ownerToken, "") // "дилер"
	items, _ := r.body["items"].([]any)
	if r.status != http.StatusOK || len(items) != 1 || r.body["next"] != nil {
		t.Fatalf("search partners: %d %s", r.status, r.raw)
	}
	r = e.call("GET", "/api/v1/companies?limit=1", ownerToken, "")
	items, _ = r.body["items"].([]any)
	if r.status != http.StatusOK || len(items) != 1 {
		t.Fatalf("companies: %d %s", r.status, r.raw)
	}
	// The partner logs in with the password the owner set.
	if token := e.login("north@dealer.test", "long-enough"); token == "" {
		t.Fatal("no token")
	}
}

func TestAPIBackoffRetryAfter(t *testing.T) {
	e := newAPIEnv(t)
	e.register("company", "victim@shop.test", "company-pass", innFirm)
	for i := 0; i < 5; i++ {
		e.call("POST", "/api/v1/auth/login", "", `{"email":"victim@shop.test","password":"guess-guess"}`).problem(t, 401, mypos.EUNAUTHORIZED)
	}
	r := e.call("POST", "/api/v1/auth/login", "", `{"email":"victim@shop.test","password":"company-pass"}`)
	r.problem(t, http.StatusTooManyRequests, mypos.ERATELIMIT)
	if got := r.header.Get("Retry-After"); got != "30" {
		t.Fatalf("Retry-After=%q, want 30", got)
	}
}

func TestHealth(t *testing.T) {
	e := newAPIEnv(t)
	for _, path := range []string{"/healthz", "/readyz"} {
		if r := e.call("GET", path, "", ""); r.status != http.StatusOK {
			t.Fatalf("%s: %d %s", path, r.status, r.raw)
		}
	}
}

// A browser's cookie must not carry a write from another site; a script's
// bearer token needs no such check.
func TestAPICookieOriginCheck(t *testing.T) {
	e := newAPIEnv(t)
	e.register("company", "shop@shop.test", "company-pass", innFirm)
	l, err := e.accounts.Login(context.Background(), account.Credentials{Email: "shop@shop.test", Password: "company-pass"}, "127.0.0.1", account.ViaCookie)
	if err != nil {
		t.Fatal(err)
	}
	cookie := "mypos_session=" + l.Session.Token

	if r := e.call("GET", "/api/v1/me", "", "", "Cookie", cookie); r.status != http.StatusOK {
		t.Fatalf("GET with the cookie: %d %s", r.status, r.raw)
	}
	e.call("POST", "/api/v1/auth/logout", "", "", "Cookie", cookie, "Origin", "https://evil.example").problem(t, http.StatusForbidden, mypos.EFORBIDDEN)
	e.call("POST", "/api/v1/auth/logout", "", "", "Cookie", cookie).problem(t, http.StatusForbidden, mypos.EFORBIDDEN)
	if r := e.call("GET", "/api/v1/me", "", "", "Cookie", cookie); r.status != http.StatusOK {
		t.Fatalf("the refused logout ended the session: %d", r.status)
	}
	if r := e.call("POST", "/api/v1/auth/logout", "", "", "Cookie", cookie, "Origin", "http://example.com"); r.status != http.StatusNoContent {
		t.Fatalf("same-origin logout: %d %s", r.status, r.raw)
	}
}

// The cabinet is built with the services and fleet or not at all: a config
// missing either is refused at start, not found nil by a request.
func TestNewRequiresServicesAndFleet(t *testing.T) {
	e := newAPIEnv(t)
	for name, cfg := range map[string]cabinet.Config{"NoServices": {Fleet: e.live}, "NoFleet": {Set: e.svc}} {
		if _, err := cabinet.New(cfg); err == nil {
			t.Errorf("%s: the cabinet was built", name)
		}
	}
}

func TestReadyzReportsOutage(t *testing.T) {
	srv := newAPIEnv(t).cabinet(cabinet.Config{Ready: func(context.Context) error { return errors.New("broker not serving") }})
	resp, err := srv.App().Test(httptest.NewRequest("GET", "/readyz", nil))
	if err != nil {
		t.Fatal(err)
	}
	var p struct{ Code, Detail string }
	json.NewDecoder(resp.Body).Decode(&p)
	if resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get("Content-Type") != "application/problem+json" ||
		p.Code != "not_ready" || !strings.Contains(p.Detail, "broker not serving") {
		t.Fatalf("readyz=%d %s %+v, want a 503 problem not_ready saying why", resp.StatusCode, resp.Header.Get("Content-Type"), p)
	}
}
