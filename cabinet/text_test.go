package cabinet_test

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"mypos"
)

// badTexts break the text rule (protocol.CheckText) each in its own way.
var badTexts = []struct{ name, value string }{
	{"NUL", "Оль\x00га"},
	{"bidi override", "Оль\u202eага"},
	{"control", "Оль\tга"},
	{"only zero-width", "\u200b\u200c\u200d"},
	{"over-long", strings.Repeat("ж", 1001)},
}

var anyID = regexp.MustCompile(`[0-9a-f]{8}-[0-9a-f-]{27}`)

// textField is one name-like input of the API: a request whose %s (a
// JSON string in a JSON body, raw in a CSV, escaped in a query) receives
// the text, and the field a refusal must name.
type textField struct {
	method, path, token, field string
	body                       string // a JSON body with a %s, or "" for a query
	csv                        bool   // body is a CSV catalog
}

// Every name-like field the API accepts refuses text that breaks the rule
// with 400 invalid naming the field, on both databases, and writes
// nothing. Before the rule, a NUL was a 500 on Postgres and was stored on
// SQLite.
func TestAPITextRule(t *testing.T) {
	e := newLicenseEnv(t)
	store := e.createStore(e.a, "Магазин")
	cashier := e.mustCall(http.StatusCreated, "POST", "/api/v1/cashiers", e.a, `{"name":"Ольга","pin":"1234","role":"cashier"}`).body["id"].(string)
	goods := e.mustCall(http.StatusCreated, "POST", "/api/v1/goods", e.a, `{"code":"M","name":"Молоко","price":8990,"unit":"piece","vat":"10"}`).body["id"].(string)
	group := e.mustCall(http.StatusCreated, "POST", "/api/v1/goods-groups", e.a, `{"name":"Молочные"}`).body["id"].(string)
	discount := e.mustCall(http.StatusCreated, "POST", "/api/v1/discounts", e.a, `{"name":"Скидка","kind":"percent","value":500,"target":"all","all_stores":true}`).body["id"].(string)
	dev := e.device(e.a)
	sealed := e.sell(1)[0]

	const registration = `{"kind":"company","name":%s,"inn":"7707083893","email":"new@shop.test","password":"company-pass","city":"Тверь"}`
	fields := []textField{
		{"POST", "/auth/register", "", "name", registration, false},
		{"POST", "/auth/register", "", "email", `{"kind":"partner","name":"Дилер","inn":"7707083893","email":%s,"password":"partner-pass"}`, false},
		{"POST", "/auth/register", "", "city", `{"kind":"partner","name":"Дилер","inn":"7707083893","email":"d@dealer.test","password":"partner-pass","city":%s}`, false},
		{"POST", "/partners", e.owner, "name", `{"name":%s,"inn":"7707083893","email":"q@dealer.test","password":"partner-pass"}`, false},
		{"POST", "/auth/login", "", "email", `{"email":%s,"password":"company-pass"}`, false},
		{"POST", "/link-requests", e.b, "partner_code", `{"partner_code":%s}`, false},
		{"POST", "/stores", e.a, "name", `{"name":%s,"address":"ул. Ленина, 1"}`, false},
		{"POST", "/stores", e.a, "address", `{"name":"Ларёк","address":%s}`, false},
		{"PATCH", "/stores/" + store, e.a, "name", `{"name":%s}`, false},
		{"PATCH", "/stores/" + store, e.a, "address", `{"address":%s}`, false},
		{"POST", "/cashiers", e.a, "name", `{"name":%s,"pin":"1234","role":"cashier"}`, false},
		{"PATCH", "/cashiers/" + cashier, e.a, "name", `{"name":%s}`, false},
		{"POST", "/goods", e.a, "name", `{"code":"K","name":%s,"price":100,"unit":"piece","vat":"10"}`, false},
		{"POST", "/goods", e.a, "code", `{"code":%s,"name":"Кефир","price":100,"unit":"piece","vat":"10"}`, false},
		{"PATCH", "/goods/" + goods, e.a, "name", `{"name":%s}`, false},
		{"PATCH", "/goods/" + goods, e.a, "code", `{"code":%s}`, false},
		{"POST", "/goods-groups", e.a, "name", `{"name":%s}`, false},
		{"PATCH", "/goods-groups/" + group, e.a, "name", `{"name":%s}`, false},
		{"POST", "/discounts", e.a, "name", `{"name":%s,"kind":"percent","value":500,"target":"all","all_stores":true}`, false},
		{"PATCH", "/discounts/" + discount, e.a, "name", `{"name":%s}`, false},
		{"POST", "/devices", e.a, "name", `{"name":%s}`, false},
		{"POST", "/devices", e.a, "serial", `{"name":"Касса 2","serial":%s}`, false},
		{"PATCH", "/devices/" + dev, e.a, "name", `{"name":%s}`, false},
		{"PATCH", "/devices/" + dev, e.a, "serial", `{"serial":%s}`, false},
		{"POST", "/documents", e.p, "licensee.name", `{"type":"unseal","license_ids":["` + sealed + `"],"licensee":{"name":%s,"inn":"500100732259","email":"shop@romashka.test"}}`, false},
		{"POST", "/documents", e.p, "licensee.email", `{"type":"unseal","license_ids":["` + sealed + `"],"licensee":{"name":"ООО Ромашка","inn":"500100732259","email":%s}}`, false},
		{"POST", "/goods/import", e.a, "name", "code,name,barcode,price,unit,vat,group\nK,%s,,1.00,piece,20,\n", true},
		{"POST", "/goods/import", e.a, "code", "code,name,barcode,price,unit,vat,group\n%s,Кефир,,1.00,piece,20,\n", true},
		{"POST", "/goods/import", e.a, "group", "code,name,barcode,price,unit,vat,group\nK,Кефир,,1.00,piece,20,Молочные/%s\n", true},
	}
	for _, list := range []struct{ path, token string }{
		{"/partners/directory", e.a}, {"/partners", e.owner}, {"/companies", e.p}, {"/link-requests", e.a},
		{"/stores", e.a}, {"/stores/" + store + "/prices", e.a}, {"/cashiers", e.a}, {"/goods", e.a},
		{"/goods-groups", e.a}, {"/discounts", e.a}, {"/devices", e.a}, {"/licenses", e.p}, {"/documents", e.p},
	} {
		fields = append(fields, textField{"GET", list.path, list.token, "q", "", false})
	}

	for _, f := range fields {
		for _, bad := range badTexts {
			text := bad.value
			if f.body == "" && bad.name == "over-long" {
				text = strings.Repeat("z", len(bad.value)/2) // as many letters, in a URL shorter than the header limit
			}
			t.Run(fmt.Sprintf("%s %s %s %s", f.method, anyID.ReplaceAllString(f.path, ":id"), f.field, bad.name), func(t *testing.T) {
				before := e.rowCounts()
				r := e.sendText(f, text)
				r.problem(t, http.StatusBadRequest, mypos.EINVALID)
				if r.body["field"] != f.field {
					t.Fatalf("field %v, want %q: %s", r.body["field"], f.field, r.raw)
				}
				if after := e.rowCounts(); after != before {
					t.Fatalf("a refused request wrote: %s, then %s", before, after)
				}
			})
		}
	}
}

// sendText sends the request of f with the text in its place.
func (e *licenseEnv) sendText(f textField, text string) apiResponse {
	e.t.Helper()
	switch {
	case f.csv:
		return (&officeEnv{e.fullEnv}).post("/api/v1"+f.path, f.token, "text/csv", []byte(fmt.Sprintf(f.body, text)))
	case f.body == "":
		return e.call(f.method, "/api/v1"+f.path+"?q="+url.QueryEscape(text), f.token, "")
	}
	return e.call(f.method, "/api/v1"+f.path, f.token, fmt.Sprintf(f.body, jsonOf(text)))
}

// rowCounts counts the rows of every table a request could write, and
// the changes the devices would be sent.
func (e *licenseEnv) rowCounts() string {
	e.t.Helper()
	var b strings.Builder
	for _, table := range []string{"accounts", "sessions", "link_requests", "stores", "cashiers", "goods", "goods_groups",
		"discounts", "devices", "licenses", "license_documents", "changes"} {
		var n int64
		if err := e.db.Conn(context.Background()).Table(table).Count(&n).Error; err != nil {
			e.t.Fatal(err)
		}
		fmt.Fprintf(&b, "%s=%d ", table, n)
	}
	return b.String()
}

// A password is not text: it is taken byte for byte, NUL and spaces and
// all, never trimmed. One longer than bcrypt's 72 bytes is refused at
// registration and never matches at login — bcrypt alone would compare
// its first 72 bytes and open the account.
func TestAPIPasswordIsBytes(t *testing.T) {
	e := newAPIEnv(t)
	nul := " pass\x00word "
	register := func(email, password string) apiResponse {
		return e.call("POST", "/api/v1/auth/register", "", `{"kind":"company","name":"Ромашка","inn":"7707083893","email":"`+email+`","password":`+jsonOf(password)+`}`)
	}
	login := func(email, password string) apiResponse {
		return e.call("POST", "/api/v1/auth/login", "", `{"email":"`+email+`","password":`+jsonOf(password)+`}`)
	}
	if r := register("nul@shop.test", nul); r.status != http.StatusCreated {
		t.Fatalf("register with a NUL in the password: %d %s", r.status, r.raw)
	}
	if r := login("nul@shop.test", nul); r.status != http.StatusOK {
		t.Fatalf("log in with it: %d %s", r.status, r.raw)
	}
	for _, wrong := range []string{" pass", "pass\x00word", " pass\x00word", " pass\x00wore "} {
		login("nul@shop.test", wrong).problem(t, http.StatusUnauthorized, mypos.EUNAUTHORIZED)
	}

	long := strings.Repeat("я", 36) // 72 bytes
	register("long@shop.test", long+"x").problem(t, http.StatusBadRequest, mypos.EINVALID)
	if r := register("long@shop.test", long); r.status != http.StatusCreated {
		t.Fatalf("register with 72 bytes: %d %s", r.status, r.raw)
	}
	if r := login("long@shop.test", long); r.status != http.StatusOK {
		t.Fatalf("log in with 72 bytes: %d %s", r.status, r.raw)
	}
	login("long@shop.test", long+"x").problem(t, http.StatusUnauthorized, mypos.EUNAUTHORIZED)
}

// No text anywhere in a request — a field of a JSON body, a query
// parameter, an ID in the path — is a 500, on either database: each string
// of a real request of every kind is replaced in turn by one with a NUL, an
// invalid UTF-8 byte, and a lone surrogate (which encoding/json would read
// as U+FFFD).
func TestAPINoTextIsA500(t *testing.T) {
	e := newLicenseEnv(t)
	store := e.createStore(e.a, "Магазин")
	cashier := e.mustCall(http.StatusCreated, "POST", "/api/v1/cashiers", e.a, `{"name":"Ольга","pin":"1234","role":"cashier"}`).body["id"].(string)
	goods := e.mustCall(http.StatusCreated, "POST", "/api/v1/goods", e.a, `{"code":"M","name":"Молоко","price":8990,"unit":"piece","vat":"10"}`).body["id"].(string)
	group := e.mustCall(http.StatusCreated, "POST", "/api/v1/goods-groups", e.a, `{"name":"Молочные"}`).body["id"].(string)
	discount := e.mustCall(http.StatusCreated, "POST", "/api/v1/discounts", e.a, `{"name":"Скидка","kind":"percent","value":500,"target":"all","all_stores":true}`).body["id"].(string)
	dev := e.device(e.a)
	licenses := e.sell(3)
	e.transfer(licenses[0])
	link := e.mustCall(http.StatusCreated, "POST", "/api/v1/link-requests", e.b, `{"partner_code":"`+e.pCode+`"}`).body["id"].(string)

	type request struct{ method, path, token, body string }
	requests := []request{
		{"POST", "/auth/register", "", `{"kind":"company","name":"Ромашка","inn":"7707083893","email":"r@shop.test","password":"company-pass","city":"Тверь"}`},
		{"POST", "/auth/login", "", `{"email":"a@shop.test","password":"company-pass"}`},
		{"POST", "/auth/login", "", `{"ticket":"t","account":"company"}`},
		{"POST", "/partners", e.owner, `{"name":"Дилер","inn":"7707083893","city":"Тверь","email":"n@dealer.test","password":"partner-pass"}`},
		{"POST", "/link-requests", e.b, `{"partner_id":"` + e.p2ID + `"}`},
		{"POST", "/link-requests", e.b, `{"partner_code":"` + e.pCode + `"}`},
		{"POST", "/documents", e.owner, `{"type":"sale","partner_id":"` + e.pID + `","count":1}`},
		{"POST", "/documents", e.p, `{"type":"transfer","company_id":"` + e.aID + `","license_ids":["` + licenses[1] + `"]}`},
		{"POST", "/documents", e.p, `{"type":"unseal","license_ids":["` + licenses[2] + `"],"licensee":{"name":"ООО Ромашка","inn":"500100732259","email":"shop@romashka.test"}}`},
		{"POST", "/documents", e.a, `{"type":"assign","license_id":"` + licenses[0] + `","device_id":"` + dev + `"}`},
		{"POST", "/documents", e.a, `{"type":"release","license_id":"` + licenses[0] + `"}`},
		{"POST", "/devices", e.a, `{"name":"Касса","serial":"MP-1","store_id":"` + store + `"}`},
		{"PATCH", "/devices/" + dev, e.a, `{"name":"Касса","serial":"MP-1","store_id":"` + store + `"}`},
		{"POST", "/devices/" + dev + "/license", e.a, `{"license_id":"` + licenses[0] + `"}`},
		{"POST", "/enroll", "", `{"code":"K7M2-QX9P-3HRT","nonce":"a-random-nonce-of-16+-chars"}`},
		{"POST", "/stores", e.a, `{"name":"Ларёк","address":"ул. Ленина, 1"}`},
		{"PATCH", "/stores/" + store, e.a, `{"name":"Ларёк","address":"ул. Ленина, 1"}`},
		{"POST", "/cashiers", e.a, `{"name":"Иван","pin":"1234","role":"cashier","device_ids":["` + dev + `"]}`},
		{"PATCH", "/cashiers/" + cashier, e.a, `{"name":"Иван","pin":"1234","role":"cashier","device_ids":["` + dev + `"]}`},
		{"POST", "/goods", e.a, `{"code":"K","name":"Кефир","barcodes":["4600051000057"],"price":100,"unit":"piece","vat":"10","group_id":"` + group + `"}`},
		{"PATCH", "/goods/" + goods, e.a, `{"code":"K","name":"Кефир","barcodes":["4600051000057"],"unit":"piece","vat":"10","group_id":"` + group + `"}`},
		{"POST", "/goods-groups", e.a, `{"name":"Кефир","parent_id":"` + group + `"}`},
		{"PATCH", "/goods-groups/" + group, e.a, `{"name":"Кефир","parent_id":null}`},
		{"PUT", "/stores/" + store + "/prices", e.a, `{"goods_id":"` + goods + `","price":100}`},
		{"POST", "/discounts", e.a, `{"name":"Х","kind":"amount","value":100,"target":"group","group_id":"` + group + `","store_ids":["` + store + `"],
			"starts_at":"2026-03-01T00:00:00+03:00","ends_at":"2026-04-01T00:00:00Z","time_from":"17:00","time_to":"19:00"}`},
		{"PATCH", "/discounts/" + discount, e.a, `{"name":"Х","kind":"percent","target":"goods","goods_ids":["` + goods + `"]}`},
		{"POST", "/link-requests/" + link + "/decline", e.p, ""},
	}
	for _, list := range []struct{ path, token, query string }{
		{"/partners/directory", e.a, "q=x&cursor=" + store + "&limit=1"},
		{"/partners", e.owner, "q=x&cursor=" + store + "&limit=1"},
		{"/companies", e.p, "q=x"},
		{"/link-requests", e.a, "q=x"},
		{"/licenses", e.p, "q=x&state=sealed"},
		{"/licenses/" + licenses[0] + "/history", e.p, "q=x"},
		{"/documents", e.p, "type=sale&from=2026-01-01&to=2026-01-02"},
		{"/devices", e.p, "company_id=" + e.aID},
		{"/receipts", e.a, "from=2026-01-01&to=2026-01-02&store_id=" + store + "&device_id=" + dev + "&cashier_id=" + cashier + "&limit=1"},
		{"/sales/summary", e.a, "from=2026-01-01&to=2026-01-02"},
		{"/stores/" + store + "/prices", e.a, "q=x"},
	} {
		requests = append(requests, request{"GET", list.path + "?" + list.query, list.token, ""})
	}
	for _, path := range []string{"/partners/%s/approve", "/link-requests/%s/accept", "/licenses/%s", "/devices/%s", "/stores/%s",
		"/cashiers/%s", "/goods/%s", "/goods-groups/%s", "/discounts/%s", "/receipts/%s", "/stores/%s/prices"} {
		requests = append(requests, request{"GET", fmt.Sprintf(path, "x"), e.owner, ""}, request{"GET", fmt.Sprintf(path, "x"), e.a, ""})
	}

	for _, req := range requests {
		for _, v := range variants(req.path, req.body) {
			for _, bad := range []struct{ json, url string }{{`\u0000`, "%00"}, {"\xff", "%FF"}, {`\ud800`, "%ED%A0%80"}} {
				method, path, body := req.method, strings.ReplaceAll(v.path, markURL, bad.url), strings.ReplaceAll(v.body, mark, bad.json)
				if strings.HasSuffix(path, "/approve") || strings.HasSuffix(path, "/accept") {
					method = "POST"
				}
				r := e.call(method, "/api/v1"+path, req.token, body)
				if r.status >= 500 {
					t.Errorf("%s %s %q: %d %s", method, path, body, r.status, r.raw)
				}
			}
		}
	}
	// A ticket is spent by its use: each bad choice gets a fresh one.
	e.register("company", "p@dealer.test", "partner-pass", innFirm2)
	for _, bad := range []string{`\u0000`, "\xff", `\ud800`} {
		ticket := e.call("POST", "/api/v1/auth/login", "", `{"email":"p@dealer.test","password":"partner-pass"}`).body["ticket"]
		body := `{"ticket":"` + ticket.(string) + `","account":"x` + bad + `y"}`
		r := e.call("POST", "/api/v1/auth/login", "", body)
		if r.status >= 500 {
			t.Errorf("login %q: %d %s", body, r.status, r.raw)
		}
	}
}

// mark stands for the bad text in a variant; markURL is it in a URL.
const (
	mark    = "\ue000"
	markURL = "%EE%80%80"
)

// variants returns a request with each string in it — of the JSON body,
// of the query, an ID in the path — replaced in turn by mark.
func variants(path, body string) []struct{ path, body string } {
	var out []struct{ path, body string }
	if body != "" {
		var v any
		if err := json.Unmarshal([]byte(body), &v); err != nil {
			panic(body)
		}
		for _, b := range replaceEach(v, "x"+mark+"y") {
			out = append(out, struct{ path, body string }{path, jsonOf(b)})
		}
	}
	u, _ := url.Parse(path)
	q := u.Query()
	for key := range q {
		was := q.Get(key)
		q.Set(key, "x"+mark+"y")
		out = append(out, struct{ path, body string }{u.Path + "?" + q.Encode(), body})
		q.Set(key, was)
	}
	for i, seg := range strings.Split(u.Path, "/") {
		if anyID.MatchString(seg) || seg == "x" {
			segs := strings.Split(u.Path, "/")
			segs[i] = url.PathEscape("x" + mark + "y")
			out = append(out, struct{ path, body string }{strings.Join(segs, "/"), body})
		}
	}
	return out
}

// replaceEach returns copies of v with each string in it replaced by bad.
// Object keys stay: a wrong key is an unknown field, refused by name.
func replaceEach(v any, bad string) []any {
	switch v := v.(type) {
	case string:
		return []any{bad}
	case []any:
		var out []any
		for i := range v {
			for _, r := range replaceEach(v[i], bad) {
				c := slices.Clone(v)
				c[i] = r
				out = append(out, c)
			}
		}
		return out
	case map[string]any:
		var out []any
		for k := range v {
			for _, r := range replaceEach(v[k], bad) {
				c := maps.Clone(v)
				c[k] = r
				out = append(out, c)
			}
		}
		return out
	}
	return nil
}
