package cabinet_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"mypos"
	"mypos/changelog"
	"mypos/device"
	"mypos/protocol"
)

// officeEnv is the cabinet with devices and the backoffice over a real database.
type officeEnv struct{ *fullEnv }

func newOfficeEnv(t *testing.T) *officeEnv { return &officeEnv{newFullEnv(t)} }

// company registers a company and returns its token and a context acting as it.
func (e *officeEnv) company(email string) (string, context.Context) {
	e.t.Helper()
	r := e.register("company", email, "company-pass", innFirm)
	if r.status != http.StatusCreated {
		e.t.Fatalf("register %s: %d %s", email, r.status, r.raw)
	}
	id := r.body["id"].(string)
	ctx := mypos.NewContextWithActor(context.Background(), mypos.Actor{Kind: mypos.KindCompany, ID: id, CompanyID: id})
	return e.login(email, "company-pass"), ctx
}

func (e *officeEnv) device(ctx context.Context, name string, storeID *string) string {
	e.t.Helper()
	d, _, err := e.office.CreateDevice(ctx, device.NewDevice{Name: name, StoreID: storeID})
	if err != nil {
		e.t.Fatal(err)
	}
	return d.ID
}

// created asserts a 201 and returns the new resource's ID.
func (e *officeEnv) created(r apiResponse) string {
	e.t.Helper()
	id, _ := r.body["id"].(string)
	if r.status != http.StatusCreated || !mypos.ValidID(id) {
		e.t.Fatalf("create: %d %s", r.status, r.raw)
	}
	return id
}

func (e *officeEnv) head(ctx context.Context) int64 {
	e.t.Helper()
	a, _ := mypos.ActorFromContext(ctx)
	rev, err := e.changes.Head(context.Background(), a.CompanyID)
	if err != nil {
		e.t.Fatal(err)
	}
	return rev
}

func (e *officeEnv) count(table string) int64 {
	e.t.Helper()
	var n int64
	if err := e.db.Conn(context.Background()).Table(table).Count(&n).Error; err != nil {
		e.t.Fatal(err)
	}
	return n
}

// ids returns the IDs of a list response's items.
func (r apiResponse) ids() []string {
	items, _ := r.body["items"].([]any)
	var ids []string
	for _, it := range items {
		ids = append(ids, it.(map[string]any)["id"].(string))
	}
	return ids
}

func TestAPIStores(t *testing.T) {
	e := newOfficeEnv(t)
	token, ctx := e.company("shop@shop.test")
	id := e.created(e.call("POST", "/api/v1/stores", token, `{"name":"Ольга","address":"ул. Мира, 5"}`))
	r := e.call("GET", "/api/v1/stores/"+id, token, "")
	if r.status != http.StatusOK || r.body["name"] != "Ольга" || r.body["address"] != "ул. Мира, 5" || r.body["created_at"] == nil {
		t.Fatalf("get: %d %s", r.status, r.raw)
	}
	for _, hidden := range []string{"name_key", "company_id", "deleted_at"} {
		if _, ok := r.body[hidden]; ok {
			t.Fatalf("the store shows %s: %s", hidden, r.raw)
		}
	}
	e.created(e.call("POST", "/api/v1/stores", token, `{"name":"Кафе ОЛЬГА"}`))
	e.created(e.call("POST", "/api/v1/stores", token, `{"name":"Молоко"}`))

	r = e.call("GET", "/api/v1/stores?q="+url.QueryEscape("ольга"), token, "")
	if r.status != http.StatusOK || len(r.ids()) != 2 || r.ids()[0] != id || r.body["next"] != nil {
		t.Fatalf("search: %d %s", r.status, r.raw)
	}
	var walked []string
	for path := "/api/v1/stores?limit=2"; ; {
		r := e.call("GET", path, token, "")
		walked = append(walked, r.ids()...)
		next, _ := r.body["next"].(string)
		if r.status != http.StatusOK || next == "" {
			break
		}
		path = "/api/v1/stores?limit=2&cursor=" + next
	}
	if len(walked) != 3 || walked[0] != id {
		t.Fatalf("walked %v", walked)
	}

	r = e.call("PATCH", "/api/v1/stores/"+id, token, `{"address":"пр. Победы, 1"}`)
	if r.status != http.StatusOK || r.body["name"] != "Ольга" || r.body["address"] != "пр. Победы, 1" {
		t.Fatalf("patch: %d %s", r.status, r.raw)
	}

	d := e.device(ctx, "Касса 1", &id)
	e.call("DELETE", "/api/v1/stores/"+id, token, "").problem(t, http.StatusConflict, mypos.ECONFLICT)
	if _, err := e.devices.Update(ctx, d, device.DevicePatch{Store: device.NoStore()}); err != nil {
		t.Fatal(err)
	}
	if r := e.call("DELETE", "/api/v1/stores/"+id, token, ""); r.status != http.StatusNoContent || r.raw != "" {
		t.Fatalf("delete: %d %s", r.status, r.raw)
	}
	e.call("GET", "/api/v1/stores/"+id, token, "").problem(t, http.StatusNotFound, mypos.ENOTFOUND)
}

func TestAPICashiers(t *testing.T) {
	e := newOfficeEnv(t)
	token, ctx := e.company("shop@shop.test")
	a, b := e.device(ctx, "A", nil), e.device(ctx, "B", nil)

	r := e.call("POST", "/api/v1/cashiers", token, `{"name":"Ольга","pin":"0042","role":"senior_cashier","device_ids":["`+a+`"]}`)
	id := e.created(r)
	wantCashier(t, r, "Ольга", "senior_cashier", true, a)

	r = e.call("PATCH", "/api/v1/cashiers/"+id, token, `{"pin":"98765","active":false,"device_ids":["`+b+`","`+a+`"]}`)
	if r.status != http.StatusOK {
		t.Fatalf("patch: %d %s", r.status, r.raw)
	}
	want := []string{a, b}
	if b < a {
		want = []string{b, a}
	}
	wantCashier(t, r, "Ольга", "senior_cashier", false, want...)
	wantCashier(t, e.call("GET", "/api/v1/cashiers/"+id, token, ""), "Ольга", "senior_cashier", false, want...)

	e.created(e.call("POST", "/api/v1/cashiers", token, `{"name":"Иван","pin":"1111","role":"cashier"}`))
	r = e.call("GET", "/api/v1/cashiers?q="+url.QueryEscape("ольга"), token, "")
	if r.status != http.StatusOK || len(r.ids()) != 1 || r.ids()[0] != id || strings.Contains(r.raw, "pin") {
		t.Fatalf("search: %d %s", r.status, r.raw)
	}
	r = e.call("GET", "/api/v1/cashiers?limit=1", token, "")
	next, _ := r.body["next"].(string)
	if r.status != http.StatusOK || len(r.ids()) != 1 || next != id {
		t.Fatalf("first page: %d %s", r.status, r.raw)
	}
	r = e.call("GET", "/api/v1/cashiers?limit=1&cursor="+next, token, "")
	if r.status != http.StatusOK || len(r.ids()) != 1 || r.body["next"] != nil {
		t.Fatalf("last page: %d %s", r.status, r.raw)
	}

	if r := e.call("DELETE", "/api/v1/cashiers/"+id, token, ""); r.status != http.StatusNoContent {
		t.Fatalf("delete: %d %s", r.status, r.raw)
	}
	e.call("GET", "/api/v1/cashiers/"+id, token, "").problem(t, http.StatusNotFound, mypos.ENOTFOUND)
	e.call("DELETE", "/api/v1/cashiers/"+id, token, "").problem(t, http.StatusNotFound, mypos.ENOTFOUND)
}

// wantCashier asserts a cashier response, and that no PIN or hash is in it.
func wantCashier(t *testing.T, r apiResponse, name, role string, active bool, deviceIDs ...string) {
	t.Helper()
	if r.status/100 != 2 || r.body["name"] != name || r.body["role"] != role || r.body["active"] != active {
		t.Fatalf("cashier: %d %s", r.status, r.raw)
	}
	got, _ := r.body["device_ids"].([]any)
	if len(got) != len(deviceIDs) {
		t.Fatalf("device_ids %v, want %v", got, deviceIDs)
	}
	for i := range got {
		if got[i] != deviceIDs[i] {
			t.Fatalf("device_ids %v, want %v", got, deviceIDs)
		}
	}
	if strings.Contains(r.raw, "pin") || strings.Contains(r.raw, "$2a$") {
		t.Fatalf("a cashier response shows its PIN or hash: %s", r.raw)
	}
}

// A company cannot read, change or delete another company's store or
// cashier: to it they do not exist. Other kinds of account get 403.
func TestAPIBackofficeTenancy(t *testing.T) {
	e := newOfficeEnv(t)
	token, ctx := e.company("shop@shop.test")
	otherToken, otherCtx := e.company("other@shop.test")
	d := e.device(ctx, "A", nil)
	storeID := e.created(e.call("POST", "/api/v1/stores", token, `{"name":"Центральный"}`))
	cashierID := e.created(e.call("POST", "/api/v1/cashiers", token, `{"name":"Ольга","pin":"1234","role":"cashier","device_ids":["`+d+`"]}`))
	head := e.head(ctx)

	ownerToken := e.owner()
	if r := e.call("POST", "/api/v1/partners", ownerToken, `{"name":"Дилер","inn":"7736207543","email":"p@dealer.test","password":"long-enough"}`); r.status != http.StatusCreated {
		t.Fatalf("create partner: %d %s", r.status, r.raw)
	}
	partnerToken := e.login("p@dealer.test", "long-enough")

	for _, res := range []struct{ path, patch string }{
		{"/api/v1/stores/" + storeID, `{"name":"Захвачен"}`},
		{"/api/v1/cashiers/" + cashierID, `{"pin":"9999","device_ids":[]}`},
	} {
		e.call("GET", res.path, otherToken, "").problem(t, http.StatusNotFound, mypos.ENOTFOUND)
		e.call("PATCH", res.path, otherToken, res.patch).problem(t, http.StatusNotFound, mypos.ENOTFOUND)
		e.call("DELETE", res.path, otherToken, "").problem(t, http.StatusNotFound, mypos.ENOTFOUND)
		e.call("GET", res.path, partnerToken, "").problem(t, http.StatusForbidden, mypos.EFORBIDDEN)
		e.call("PATCH", res.path, partnerToken, res.patch).problem(t, http.StatusForbidden, mypos.EFORBIDDEN)
		e.call("DELETE", res.path, partnerToken, "").problem(t, http.StatusForbidden, mypos.EFORBIDDEN)
		e.call("GET", res.path, ownerToken, "").problem(t, http.StatusForbidden, mypos.EFORBIDDEN)
		e.call("GET", res.path, "", "").problem(t, http.StatusUnauthorized, mypos.EUNAUTHORIZED)
	}
	for _, res := range []struct{ path, create string }{
		{"/api/v1/stores", `{"name":"P"}`},
		{"/api/v1/cashiers", `{"name":"P","pin":"1234","role":"cashier"}`},
	} {
		if r := e.call("GET", res.path, otherToken, ""); r.status != http.StatusOK || len(r.ids()) != 0 {
			t.Fatalf("other lists %s: %d %s", res.path, r.status, r.raw)
		}
		e.call("GET", res.path, partnerToken, "").problem(t, http.StatusForbidden, mypos.EFORBIDDEN)
		e.call("POST", res.path, partnerToken, res.create).problem(t, http.StatusForbidden, mypos.EFORBIDDEN)
	}
	if r := e.call("GET", "/api/v1/stores/"+storeID, token, ""); r.status != http.StatusOK || r.body["name"] != "Центральный" {
		t.Fatalf("the store after the attempts: %d %s", r.status, r.raw)
	}
	wantCashier(t, e.call("GET", "/api/v1/cashiers/"+cashierID, token, ""), "Ольга", "cashier", true, d)
	if e.head(ctx) != head || e.head(otherCtx) != 0 || e.count("stores") != 1 || e.count("cashiers") != 1 {
		t.Fatal("refused requests wrote")
	}
}

func TestAPIBackofficeBadInput(t *testing.T) {
	e := newOfficeEnv(t)
	token, ctx := e.company("shop@shop.test")
	_, otherCtx := e.company("other@shop.test")
	mine, theirs := e.device(ctx, "Моя", nil), e.device(otherCtx, "Чужая", nil)
	storeID := e.created(e.call("POST", "/api/v1/stores", token, `{"name":"Центральный"}`))
	cashierID := e.created(e.call("POST", "/api/v1/cashiers", token, `{"name":"Ольга","pin":"1234","role":"cashier","device_ids":["`+mine+`"]}`))
	head, otherHead := e.head(ctx), e.head(otherCtx)
	stores, cashiers, links := e.count("stores"), e.count("cashiers"), e.count("cashier_devices")

	store, cashier := "/api/v1/stores/"+storeID, "/api/v1/cashiers/"+cashierID
	tests := []struct {
		name, method, path, body string
		field                    string
	}{
		{"StoreMalformed", "POST", "/api/v1/stores", `{"name":`, ""},
		{"StoreEmptyBody", "POST", "/api/v1/stores", ``, ""},
		{"StoreTrailing", "POST", "/api/v1/stores", `{"name":"A"} {}`, ""},
		{"StoreUnknownField", "POST", "/api/v1/stores", `{"name":"A","nmae":"B"}`, "nmae"},
		{"StoreWrongType", "POST", "/api/v1/stores", `{"name":5}`, "name"},
		{"StoreNoName", "POST", "/api/v1/stores", `{"address":"ул. Мира"}`, "name"},
		{"StoreLongName", "POST", "/api/v1/stores", `{"name":"` + strings.Repeat("я", 101) + `"}`, "name"},
		{"StorePatchEmptyName", "PATCH", store, `{"name":" "}`, "name"},
		{"StorePatchUnknownField", "PATCH", store, `{"deleted_at":"2026-01-01T00:00:00Z"}`, "deleted_at"},
		{"StoreBadLimit", "GET", "/api/v1/stores?limit=0x", ``, "limit"},
		{"StoreBadCursor", "GET", "/api/v1/stores?cursor=1;drop", ``, "cursor"},
		{"CashierMalformed", "POST", "/api/v1/cashiers", `{"name":"A","pin":"1234"`, ""},
		{"CashierPINNumber", "POST", "/api/v1/cashiers", `{"name":"A","pin":1234,"role":"cashier"}`, "pin"},
		{"CashierPINShort", "POST", "/api/v1/cashiers", `{"name":"A","pin":"123","role":"cashier"}`, "pin"},
		{"CashierPINLong", "POST", "/api/v1/cashiers", `{"name":"A","pin":"123456789","role":"cashier"}`, "pin"},
		{"CashierPINLetters", "POST", "/api/v1/cashiers", `{"name":"A","pin":"12ab","role":"cashier"}`, "pin"},
		{"CashierNoPIN", "POST", "/api/v1/cashiers", `{"name":"A","role":"cashier"}`, "pin"},
		{"CashierPINHash", "POST", "/api/v1/cashiers", `{"name":"A","pin_hash":"$2a$04$x","role":"cashier"}`, "pin_hash"},
		{"CashierBadRole", "POST", "/api/v1/cashiers", `{"name":"A","pin":"1234","role":"boss"}`, "role"},
		{"CashierNoRole", "POST", "/api/v1/cashiers", `{"name":"A","pin":"1234"}`, "role"},
		{"CashierNoName", "POST", "/api/v1/cashiers", `{"pin":"1234","role":"cashier"}`, "name"},
		{"CashierActiveString", "POST", "/api/v1/cashiers", `{"name":"A","pin":"1234","role":"cashier","active":"yes"}`, "active"},
		{"CashierDevicesString", "POST", "/api/v1/cashiers", `{"name":"A","pin":"1234","role":"cashier","device_ids":"` + mine + `"}`, "device_ids"},
		{"CashierForeignDevice", "POST", "/api/v1/cashiers", `{"name":"A","pin":"1234","role":"cashier","device_ids":["` + mine + `","` + theirs + `"]}`, "device_ids"},
		{"CashierMalformedDevice", "POST", "/api/v1/cashiers", `{"name":"A","pin":"1234","role":"cashier","device_ids":["1; drop"]}`, "device_ids"},
		{"CashierPatchPIN", "PATCH", cashier, `{"pin":"12 34"}`, "pin"},
		{"CashierPatchRole", "PATCH", cashier, `{"role":"Cashier"}`, "role"},
		{"CashierPatchForeignDevice", "PATCH", cashier, `{"name":"Захват","device_ids":["` + theirs + `"]}`, "device_ids"},
		{"CashierPatchUnknownField", "PATCH", cashier, `{"pin_hash":"$2a$04$x"}`, "pin_hash"},
		{"CashierBadLimit", "GET", "/api/v1/cashiers?limit=501", ``, "limit"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := e.call(tt.method, tt.path, token, tt.body)
			r.problem(t, http.StatusBadRequest, mypos.EINVALID)
			if got, _ := r.body["field"].(string); got != tt.field {
				t.Fatalf("field=%q, want %q: %s", got, tt.field, r.raw)
			}
		})
	}
	if e.head(ctx) != head || e.head(otherCtx) != otherHead {
		t.Fatalf("refused requests used revisions: head %d → %d, other %d → %d", head, e.head(ctx), otherHead, e.head(otherCtx))
	}
	if e.count("stores") != stores || e.count("cashiers") != cashiers || e.count("cashier_devices") != links {
		t.Fatal("refused requests wrote rows")
	}
	wantCashier(t, e.call("GET", cashier, token, ""), "Ольга", "cashier", true, mine)
}

// Deleting a device revokes it and takes it off every cashier's device set,
// in one transaction: the other devices keep the cashier.
func TestAPIDeleteDeviceForgetsCashiers(t *testing.T) {
	e := newOfficeEnv(t)
	token, ctx := e.company("shop@shop.test")
	a, b := e.device(ctx, "Касса A", nil), e.device(ctx, "Касса B", nil)
	r := e.call("POST", "/api/v1/cashiers", token, `{"name":"Ольга","pin":"1234","role":"cashier","device_ids":["`+a+`","`+b+`"]}`)
	if r.status != http.StatusCreated {
		t.Fatalf("create cashier: %d %s", r.status, r.raw)
	}
	cashier := r.body["id"].(string)
	if r := e.call("DELETE", "/api/v1/devices/"+a, token, ""); r.status != http.StatusNoContent {
		t.Fatalf("delete device: %d %s", r.status, r.raw)
	}
	r = e.call("GET", "/api/v1/cashiers/"+cashier, token, "")
	if ids, _ := r.body["device_ids"].([]any); r.status != http.StatusOK || len(ids) != 1 || ids[0] != b {
		t.Fatalf("cashier after the delete: %d %s, want device_ids [%s]", r.status, r.raw, b)
	}
	actor, _ := mypos.ActorFromContext(ctx)
	items, _, err := e.changes.Compacted(context.Background(), actor.CompanyID, changelog.View{DeviceID: a}, 0)
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]string{}
	for _, it := range items {
		kinds[it.Kind] = it.Op
	}
	if kinds["cashier"] != protocol.OpDelete || kinds["device"] != protocol.OpDelete {
		t.Fatalf("the deleted device's view ends with %v, want the cashier and itself deleted", kinds)
	}
	// Another company cannot delete it (404), and nothing changes.
	other, _ := e.company("other@shop.test")
	e.call("DELETE", "/api/v1/devices/"+b, other, "").problem(t, http.StatusNotFound, mypos.ENOTFOUND)
}
