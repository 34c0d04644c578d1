package cabinet_test

import (
	"net/http"
	"strings"
	"testing"
)

// A company reads its time zone on GET /me and changes its settings with
// PATCH /me; a bad zone is refused naming the field; a partner may not.
func TestAPISettings(t *testing.T) {
	e := newAPIEnv(t)
	e.register("company", "shop@shop.test", "company-pass", innFirm)
	tok := e.login("shop@shop.test", "company-pass")
	r := e.call("PATCH", "/api/v1/me", tok, `{"name":"Лютик","time_zone":"Asia/Omsk"}`)
	if r.status != http.StatusOK || r.body["name"] != "Лютик" || r.body["time_zone"] != "Asia/Omsk" {
		t.Fatalf("PATCH /me: %d %s", r.status, r.raw)
	}
	if r := e.call("GET", "/api/v1/me", tok, ""); r.body["time_zone"] != "Asia/Omsk" {
		t.Fatalf("GET /me: %s", r.raw)
	}
	r = e.call("PATCH", "/api/v1/me", tok, `{"time_zone":"Europe/Paris"}`)
	if r.status != http.StatusBadRequest && r.status != http.StatusUnprocessableEntity {
		t.Fatalf("a zone outside Russia: %d %s", r.status, r.raw)
	}
	if !strings.Contains(r.raw, `"time_zone"`) {
		t.Fatalf("the refusal does not name the field: %s", r.raw)
	}
	owner := e.owner()
	e.call("POST", "/api/v1/partners", owner, `{"name":"Дилер","inn":"`+innFirm2+`","email":"p@dealer.test","password":"partner-pass"}`)
	if r := e.call("PATCH", "/api/v1/me", e.login("p@dealer.test", "partner-pass"), `{"name":"x"}`); r.status != http.StatusForbidden {
		t.Fatalf("a partner's PATCH /me: %d %s", r.status, r.raw)
	}
}
