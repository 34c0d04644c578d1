package cabinet_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"testing"

	"mypos"
)

// deviceEnv is the cabinet with devices over a real database, two
// companies and a partner logged in.
type deviceEnv struct {
	*fullEnv
	a, b, partner string // tokens
	aID, bID      string
}

func newDeviceEnv(t *testing.T) *deviceEnv {
	t.Helper()
	e := &deviceEnv{fullEnv: newFullEnv(t)}
	e.aID = e.register("company", "a@shop.test", "company-pass", innFirm).body["id"].(string)
	e.bID = e.register("company", "b@shop.test", "company-pass", innFirm2).body["id"].(string)
	e.a, e.b = e.login("a@shop.test", "company-pass"), e.login("b@shop.test", "company-pass")
	owner := e.owner()
	e.call("POST", "/api/v1/partners", owner, `{"name":"Дилер","inn":"7736207543","email":"p@dealer.test","password":"long-enough"}`)
	e.partner = e.login("p@dealer.test", "long-enough")
	return e
}

func (e *deviceEnv) head(companyID string) int64 {
	e.t.Helper()
	rev, err := e.changes.Head(context.Background(), companyID)
	if err != nil {
		e.t.Fatal(err)
	}
	return rev
}

func (e *deviceEnv) deviceCount() int64 {
	var n int64
	e.db.Conn(context.Background()).Raw(`SELECT COUNT(*) FROM devices`).Scan(&n)
	return n
}

// mustCreate adds a device of company A and returns its ID and code.
func (e *deviceEnv) mustCreate(body string) (string, string) {
	e.t.Helper()
	r := e.call("POST", "/api/v1/devices", e.a, body)
	if r.status != http.StatusCreated {
		e.t.Fatalf("create device: %d %s", r.status, r.raw)
	}
	return r.body["id"].(string), r.body["enrollment_code"].(string)
}

var apiCodeShape = regexp.MustCompile(`^[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}$`)

func TestAPIDevices(t *testing.T) {
	e := newDeviceEnv(t)
	storeID := e.createStore(e.a, "Магазин у дома")

	r := e.call("POST", "/api/v1/devices", e.a, `{"name":"Касса у входа","serial":"SN-1","store_id":"`+storeID+`"}`)
	code, _ := r.body["enrollment_code"].(string)
	if r.status != http.StatusCreated || r.body["name"] != "Касса у входа" || r.body["serial"] != "SN-1" ||
		r.body["store_id"] != storeID || r.body["company_id"] != e.aID || r.body["revoked_at"] != nil ||
		!apiCodeShape.MatchString(code) || r.body["enrollment_expires_at"] == nil {
		t.Fatalf("create: %d %s", r.status, r.raw)
	}
	if got := r.header.Get("Cache-Control"); got != "no-store" {
		t.Fatalf("Cache-Control=%q on a one-time code", got)
	}
	id := r.body["id"].(string)

	if r := e.call("GET", "/api/v1/devices/"+id, e.a, ""); r.status != http.StatusOK || r.body["id"] != id || r.body["enrollment_code"] != nil {
		t.Fatalf("get: %d %s", r.status, r.raw)
	}
	if r := e.call("PATCH", "/api/v1/devices/"+id, e.a, `{"name":"Касса 2"}`); r.status != http.StatusOK || r.body["name"] != "Касса 2" || r.body["store_id"] != storeID {
		t.Fatalf("rename keeps the store: %d %s", r.status, r.raw)
	}
	if r := e.call("PATCH", "/api/v1/devices/"+id, e.a, `{"store_id":null}`); r.status != http.StatusOK || r.body["store_id"] != nil || r.body["name"] != "Касса 2" {
		t.Fatalf("clear the store: %d %s", r.status, r.raw)
	}
	r = e.call("POST", "/api/v1/devices/"+id+"/enrollment", e.a, "")
	if newCode, _ := r.body["enrollment_code"].(string); r.status != http.StatusCreated || !apiCodeShape.MatchString(newCode) || newCode == code || r.body["expires_at"] == nil {
		t.Fatalf("new code: %d %s", r.status, r.raw)
	}
	if r := e.call("DELETE", "/api/v1/devices/"+id, e.a, ""); r.status != http.StatusNoContent {
		t.Fatalf("delete: %d %s", r.status, r.raw)
	}
	if r := e.call("GET", "/api/v1/devices/"+id, e.a, ""); r.status != http.StatusOK || r.body["revoked_at"] == nil {
		t.Fatalf("a revoked device keeps its history: %d %s", r.status, r.raw)
	}
	e.call("POST", "/api/v1/devices/"+id+"/enrollment", e.a, "").problem(t, http.StatusConflict, mypos.ECONFLICT)
	if rev := e.head(e.aID); rev != 5 {
		t.Fatalf("revision=%d, want 5: the store; the device's create, rename, clear store, revoke", rev)
	}
}

func TestAPIDevicesList(t *testing.T) {
	e := newDeviceEnv(t)
	for _, name := range []string{"Касса 1", "Касса 2", "Касса 3", "Принтер"} {
		e.mustCreate(`{"name":"` + name + `"}`)
	}
	var seen int
	path := "/api/v1/devices?limit=2&q=" + url.QueryEscape("касса")
	for page := 0; page < 3; page++ {
		r := e.call("GET", path, e.a, "")
		items, _ := r.body["items"].([]any)
		if r.status != http.StatusOK {
			t.Fatalf("list: %d %s", r.status, r.raw)
		}
		seen += len(items)
		next, _ := r.body["next"].(string)
		if next == "" {
			break
		}
		path = "/api/v1/devices?limit=2&q=" + url.QueryEscape("касса") + "&cursor=" + next
	}
	if seen != 3 {
		t.Fatalf("search found %d devices, want 3", seen)
	}
	if r := e.call("GET", "/api/v1/devices", e.b, ""); r.status != http.StatusOK || r.raw != `{"items":[],"next":null}` {
		t.Fatalf("another company's list: %d %s", r.status, r.raw)
	}
}

func TestAPIDevicesTenancy(t *testing.T) {
	e := newDeviceEnv(t)
	id, _ := e.mustCreate(`{"name":"Касса A"}`)
	before := e.head(e.aID)
	requests := []struct{ method, path, body string }{
		{"GET", "/api/v1/devices/" + id, ""},
		{"PATCH", "/api/v1/devices/" + id, `{"name":"Чужая"}`},
		{"DELETE", "/api/v1/devices/" + id, ""},
		{"POST", "/api/v1/devices/" + id + "/enrollment", ""},
	}
	for _, rq := range requests {
		t.Run("ErrOtherCompany"+rq.method+rq.path[len(rq.path)-4:], func(t *testing.T) {
			e.call(rq.method, rq.path, e.b, rq.body).problem(t, http.StatusNotFound, mypos.ENOTFOUND)
		})
		t.Run("ErrPartner"+rq.method+rq.path[len(rq.path)-4:], func(t *testing.T) {
			e.call(rq.method, rq.path, e.partner, rq.body).problem(t, http.StatusForbidden, mypos.EFORBIDDEN)
		})
		t.Run("ErrAnonymous"+rq.method+rq.path[len(rq.path)-4:], func(t *testing.T) {
			e.call(rq.method, rq.path, "", rq.body).problem(t, http.StatusUnauthorized, mypos.EUNAUTHORIZED)
		})
	}
	t.Run("OKPartnerListSeesNoStranger", func(t *testing.T) {
		// A partner lists its clients' devices (partner_devices_test.go);
		// company A is not its client.
		if r := e.call("GET", "/api/v1/devices", e.partner, ""); r.status != http.StatusOK || r.raw != `{"items":[],"next":null}` {
			t.Fatalf("a partner's device list: %d %s", r.status, r.raw)
		}
	})
	t.Run("ErrPartnerCreate", func(t *testing.T) {
		e.call("POST", "/api/v1/devices", e.partner, `{"name":"Касса"}`).problem(t, http.StatusForbidden, mypos.EFORBIDDEN)
	})
	r := e.call("GET", "/api/v1/devices/"+id, e.a, "")
	if r.body["name"] != "Касса A" || r.body["revoked_at"] != nil {
		t.Fatalf("the device changed: %s", r.raw)
	}
	if after := e.head(e.aID); after != before || e.head(e.bID) != 0 || e.deviceCount() != 1 {
		t.Fatalf("refused requests wrote: revision %d → %d, %d devices", before, after, e.deviceCount())
	}
}

func TestAPIDevicesBadInput(t *testing.T) {
	e := newDeviceEnv(t)
	id, _ := e.mustCreate(`{"name":"Касса"}`)
	bStore := e.createStore(e.b, "Чужой магазин")
	tests := []struct {
		name, method, path, body string
		field                    string
	}{
		{"MalformedJSON", "POST", "/api/v1/devices", `{"name":`, ""},
		{"EmptyBody", "POST", "/api/v1/devices", ``, ""},
		{"TrailingData", "POST", "/api/v1/devices", `{"name":"A"} {}`, ""},
		{"UnknownField", "POST", "/api/v1/devices", `{"name":"A","nmae":"B"}`, "nmae"},
		{"WrongType", "POST", "/api/v1/devices", `{"name":5}`, "name"},
		{"MissingName", "POST", "/api/v1/devices", `{"serial":"SN"}`, "name"},
		{"UnknownStore", "POST", "/api/v1/devices", `{"name":"A","store_id":"` + mypos.NewID() + `"}`, "store_id"},
		{"OtherCompanysStore", "POST", "/api/v1/devices", `{"name":"A","store_id":"` + bStore + `"}`, "store_id"},
		{"PatchMalformed", "PATCH", "/api/v1/devices/" + id, `{"name"`, ""},
		{"PatchStoreNumber", "PATCH", "/api/v1/devices/" + id, `{"store_id":7}`, "store_id"},
		{"PatchEmptyName", "PATCH", "/api/v1/devices/" + id, `{"name":"  "}`, "name"},
		{"PatchUnknownField", "PATCH", "/api/v1/devices/" + id, `{"company_id":"` + e.bID + `"}`, "company_id"},
		{"EnrollMalformed", "POST", "/api/v1/enroll", `{"code":`, ""},
		{"EnrollUnknownField", "POST", "/api/v1/enroll", `{"code":"X","nonce":"0123456789abcdef","device_id":"x"}`, "device_id"},
		{"EnrollNoNonce", "POST", "/api/v1/enroll", `{"code":"2345-6789-ABCD"}`, "nonce"},
		{"BadLimit", "GET", "/api/v1/devices?limit=many", ``, "limit"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := e.call(tt.method, tt.path, e.a, tt.body)
			r.problem(t, http.StatusBadRequest, mypos.EINVALID)
			if got, _ := r.body["field"].(string); got != tt.field {
				t.Fatalf("field=%q, want %q: %s", got, tt.field, r.raw)
			}
		})
	}
	if e.head(e.aID) != 1 || e.deviceCount() != 1 {
		t.Fatalf("bad input wrote: revision %d, %d devices", e.head(e.aID), e.deviceCount())
	}
}

func TestAPIEnroll(t *testing.T) {
	e := newDeviceEnv(t)
	id, code := e.mustCreate(`{"name":"Касса"}`)
	enroll := func(code, nonce string) apiResponse {
		return e.call("POST", "/api/v1/enroll", "", `{"code":"`+code+`","nonce":"`+nonce+`"}`)
	}
	r := enroll(code, "nonce-0123456789-first")
	secret, _ := r.body["secret"].(string)
	if r.status != http.StatusOK || r.body["device_id"] != id || len(secret) != 43 || r.body["mqtt_url"] != testMQTTURL {
		t.Fatalf("enroll: %d %s", r.status, r.raw)
	}
	if got := r.header.Get("Cache-Control"); got != "no-store" {
		t.Fatalf("Cache-Control=%q on a secret", got)
	}
	t.Run("OKRetry", func(t *testing.T) {
		if r := enroll(code, "nonce-0123456789-first"); r.status != http.StatusOK || r.body["secret"] != secret {
			t.Fatalf("retry: %d %s", r.status, r.raw)
		}
	})
	t.Run("ErrOtherNonce", func(t *testing.T) {
		enroll(code, "nonce-0123456789-other").problem(t, http.StatusUnauthorized, mypos.EUNAUTHORIZED)
	})
	t.Run("ErrRateLimited", func(t *testing.T) {
		for i := 0; i < 7; i++ { // ten attempts a minute in all
			enroll("2345-6789-ABCD", "nonce-0123456789-first").problem(t, http.StatusUnauthorized, mypos.EUNAUTHORIZED)
		}
		r := enroll(code, "nonce-0123456789-first")
		r.problem(t, http.StatusTooManyRequests, mypos.ERATELIMIT)
		if got, err := strconv.Atoi(r.header.Get("Retry-After")); err != nil || got < 1 || got > 60 {
			t.Fatalf("Retry-After=%q, want 1 to 60 seconds", r.header.Get("Retry-After"))
		}
	})
}
