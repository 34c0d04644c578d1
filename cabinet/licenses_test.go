package cabinet_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"mypos"
)

// The license API end to end: a sale, a transfer, an unseal, a license put
// on a device and taken off, lists by state with keys only where allowed,
// a summary, documents by type and period, a history.
func TestAPILicenses(t *testing.T) {
	e := newLicenseEnv(t)
	sale := e.mustCall(http.StatusCreated, "POST", "/api/v1/documents", e.owner, `{"type":"sale","partner_id":"`+e.pID+`","count":5}`)
	ids := strs(sale.body["license_ids"])
	if sale.body["type"] != "sale" || sale.body["number"] != float64(1) || len(ids) != 5 {
		t.Fatalf("sale: %s", sale.raw)
	}
	sealed := items(e.mustCall(http.StatusOK, "GET", "/api/v1/licenses?state=sealed", e.p, ""))
	if len(sealed) != 5 || sealed[0]["key"] != nil || sealed[0]["state"] != "sealed" || sealed[0]["partner_id"] != e.pID {
		t.Fatalf("the partner's sealed licenses show keys or are missing: %v", sealed)
	}
	if all := items(e.mustCall(http.StatusOK, "GET", "/api/v1/licenses", e.owner, "")); len(all) != 5 || all[0]["key"] == nil {
		t.Fatalf("the owner sees every key: %v", all)
	}

	e.transfer(ids[0], ids[1])
	r := e.mustCall(http.StatusCreated, "POST", "/api/v1/documents", e.p,
		`{"type":"unseal","license_ids":["`+ids[2]+`"],"licensee":{"name":"ООО Ромашка","inn":"500100732259","email":"shop@romashka.test"}}`)
	if r.body["licensee"].(map[string]any)["inn"] != "500100732259" {
		t.Fatalf("unseal: %s", r.raw)
	}
	unsealed := items(e.mustCall(http.StatusOK, "GET", "/api/v1/licenses?state=unsealed", e.p, ""))
	if len(unsealed) != 1 || unsealed[0]["key"] == nil || unsealed[0]["licensee"] == nil {
		t.Fatalf("the unsealed key shows to its partner: %v", unsealed)
	}
	sum := e.mustCall(http.StatusOK, "GET", "/api/v1/licenses/summary", e.p, "")
	if sum.body["sealed"] != float64(2) || sum.body["unsealed"] != float64(1) || sum.body["clients"].(map[string]any)["sealed"] != float64(2) {
		t.Fatalf("summary: %s", sum.raw)
	}

	// The company puts a sealed license on its till; the key stays hidden.
	till := e.device(e.a)
	r = e.mustCall(http.StatusCreated, "POST", "/api/v1/devices/"+till+"/license", e.a, `{"license_id":"`+ids[0]+`"}`)
	if r.body["type"] != "assign" {
		t.Fatalf("assign: %s", r.raw)
	}
	active := items(e.mustCall(http.StatusOK, "GET", "/api/v1/licenses?state=active", e.a, ""))
	if len(active) != 1 || active[0]["device_id"] != till || active[0]["key"] != nil {
		t.Fatalf("the company's active license: %v", active)
	}
	e.mustCall(http.StatusNoContent, "DELETE", "/api/v1/devices/"+till+"/license", e.a, "")
	e.call("DELETE", "/api/v1/devices/"+till+"/license", e.a, "").problem(t, http.StatusNotFound, mypos.ENOTFOUND)

	history := items(e.mustCall(http.StatusOK, "GET", "/api/v1/licenses/"+ids[0]+"/history", e.a, ""))
	var steps []string
	for _, d := range history {
		steps = append(steps, d["type"].(string))
	}
	if got := strings.Join(steps, " "); got != "sale transfer assign release" {
		t.Fatalf("history %q", got)
	}

	// Documents: each side sees its own, by type and period.
	if docs := items(e.mustCall(http.StatusOK, "GET", "/api/v1/documents", e.owner, "")); len(docs) != 5 {
		t.Fatalf("the owner sees all 5 documents: %d", len(docs))
	}
	if docs := items(e.mustCall(http.StatusOK, "GET", "/api/v1/documents?type=transfer", e.p, "")); len(docs) != 1 || len(strs(docs[0]["license_ids"])) != 2 {
		t.Fatalf("the partner's transfers: %v", docs)
	}
	if docs := items(e.mustCall(http.StatusOK, "GET", "/api/v1/documents", e.a, "")); len(docs) != 3 {
		t.Fatalf("the company sees the transfer, the assign and the release: %v", docs)
	}
	today := time.Now().UTC().Format(time.DateOnly)
	tomorrow := time.Now().UTC().AddDate(0, 0, 1).Format(time.DateOnly)
	if docs := items(e.mustCall(http.StatusOK, "GET", "/api/v1/documents?from="+today+"&to="+today, e.p, "")); len(docs) != 3 {
		t.Fatalf("today's documents of the partner: %d, want sale, transfer, unseal", len(docs))
	}
	if docs := items(e.mustCall(http.StatusOK, "GET", "/api/v1/documents?from="+tomorrow, e.owner, "")); len(docs) != 0 {
		t.Fatalf("documents from tomorrow: %v", docs)
	}
	page := e.mustCall(http.StatusOK, "GET", "/api/v1/documents?limit=2", e.owner, "")
	if len(items(page)) != 2 || page.body["next"] == nil {
		t.Fatalf("a page of documents: %s", page.raw)
	}
}

// Deleting a device releases its license in the same transaction.
func TestAPIDeleteDeviceReleasesLicense(t *testing.T) {
	e := newLicenseEnv(t)
	ids := e.sell(1)
	e.transfer(ids...)
	till := e.device(e.a)
	e.mustCall(http.StatusCreated, "POST", "/api/v1/devices/"+till+"/license", e.a, `{"license_id":"`+ids[0]+`"}`)
	e.mustCall(http.StatusNoContent, "DELETE", "/api/v1/devices/"+till, e.a, "")
	l := e.mustCall(http.StatusOK, "GET", "/api/v1/licenses/"+ids[0], e.a, "")
	if l.body["device_id"] != nil || l.body["company_id"] != e.aID || l.body["state"] != "sealed" {
		t.Fatalf("the license of a deleted device: %s", l.raw)
	}
	// A device without a license is deleted as before.
	e.mustCall(http.StatusNoContent, "DELETE", "/api/v1/devices/"+e.device(e.a), e.a, "")
	// Another company cannot delete it, nor free its license.
	other := e.device(e.a)
	e.call("DELETE", "/api/v1/devices/"+other, e.b, "").problem(t, http.StatusNotFound, mypos.ENOTFOUND)
}

// Every refusal of the license API answers its status and code, and
// writes nothing.
func TestAPILicenseRefusals(t *testing.T) {
	e := newLicenseEnv(t)
	ids := e.sell(3)
	e.transfer(ids[0])
	tillA, tillB := e.device(e.a), e.device(e.b)
	unseal := func(inn string) string {
		return `{"type":"unseal","license_ids":["` + ids[1] + `"],"licensee":{"name":"ООО","inn":"` + inn + `","email":"a@b.test"}}`
	}
	tests := []struct {
		name, token, method, path, body string
		status                          int
		code, field                     string
	}{
		{"SaleByPartner", e.p, "POST", "/api/v1/documents", `{"type":"sale","partner_id":"` + e.pID + `","count":1}`, http.StatusForbidden, mypos.EFORBIDDEN, ""},
		{"SaleByCompany", e.a, "POST", "/api/v1/documents", `{"type":"sale","partner_id":"` + e.pID + `","count":1}`, http.StatusForbidden, mypos.EFORBIDDEN, ""},
		{"SaleAnonymous", "", "POST", "/api/v1/documents", `{"type":"sale","partner_id":"` + e.pID + `","count":1}`, http.StatusUnauthorized, mypos.EUNAUTHORIZED, ""},
		{"SaleToNobody", e.owner, "POST", "/api/v1/documents", `{"type":"sale","partner_id":"` + mypos.NewID() + `","count":1}`, http.StatusNotFound, mypos.ENOTFOUND, "partner_id"},
		{"SaleWithCompany", e.owner, "POST", "/api/v1/documents", `{"type":"sale","partner_id":"` + e.pID + `","count":1,"company_id":"` + e.aID + `"}`, http.StatusBadRequest, mypos.EINVALID, "company_id"},
		{"TransferByOwner", e.owner, "POST", "/api/v1/documents", `{"type":"transfer","company_id":"` + e.aID + `","license_ids":["` + ids[1] + `"]}`, http.StatusForbidden, mypos.EFORBIDDEN, ""},
		{"TransferNotLinked", e.p, "POST", "/api/v1/documents", `{"type":"transfer","company_id":"` + e.bID + `","license_ids":["` + ids[1] + `"]}`, http.StatusConflict, mypos.ECONFLICT, "company_id"},
		{"TransferOthersLicense", e.p2, "POST", "/api/v1/documents", `{"type":"transfer","company_id":"` + e.aID + `","license_ids":["` + ids[1] + `"]}`, http.StatusConflict, mypos.ECONFLICT, "company_id"},
		{"UnsealBadINN", e.p, "POST", "/api/v1/documents", unseal("7707083894"), http.StatusBadRequest, mypos.EINVALID, "licensee.inn"},
		{"UnsealOthersLicense", e.p2, "POST", "/api/v1/documents", unseal("7707083893"), http.StatusNotFound, mypos.ENOTFOUND, "license_ids"},
		{"UnsealWithoutLicensee", e.p, "POST", "/api/v1/documents", `{"type":"unseal","license_ids":["` + ids[1] + `"]}`, http.StatusBadRequest, mypos.EINVALID, "licensee"},
		{"UnsealUnknownLicenseeField", e.p, "POST", "/api/v1/documents", `{"type":"unseal","license_ids":["` + ids[1] + `"],"licensee":{"name":"ООО","inn":"7707083893","email":"a@b.test","kpp":"1"}}`, http.StatusBadRequest, mypos.EINVALID, "kpp"},
		{"Activate", e.a, "POST", "/api/v1/documents", `{"type":"activate"}`, http.StatusBadRequest, mypos.EINVALID, "type"},
		{"UnknownType", e.a, "POST", "/api/v1/documents", `{"type":"gift"}`, http.StatusBadRequest, mypos.EINVALID, "type"},
		{"AssignByPartner", e.p, "POST", "/api/v1/documents", `{"type":"assign","license_id":"` + ids[0] + `","device_id":"` + tillA + `"}`, http.StatusForbidden, mypos.EFORBIDDEN, ""},
		{"AssignOthersLicense", e.b, "POST", "/api/v1/devices/" + tillB + "/license", `{"license_id":"` + ids[0] + `"}`, http.StatusNotFound, mypos.ENOTFOUND, "license_id"},
		{"AssignToOthersDevice", e.a, "POST", "/api/v1/devices/" + tillB + "/license", `{"license_id":"` + ids[0] + `"}`, http.StatusNotFound, mypos.ENOTFOUND, "device_id"},
		{"MoveFromNoDevice", e.a, "POST", "/api/v1/documents", `{"type":"move","license_id":"` + ids[0] + `","device_id":"` + tillA + `"}`, http.StatusConflict, mypos.ECONFLICT, ""},
		{"ReleaseFromNoDevice", e.a, "POST", "/api/v1/documents", `{"type":"release","license_id":"` + ids[0] + `"}`, http.StatusConflict, mypos.ECONFLICT, ""},
		{"ReleaseBoth", e.a, "POST", "/api/v1/documents", `{"type":"release","license_id":"` + ids[0] + `","device_id":"` + tillA + `"}`, http.StatusBadRequest, mypos.EINVALID, "device_id"},
		{"FreeOthersDevice", e.a, "DELETE", "/api/v1/devices/" + tillB + "/license", "", http.StatusNotFound, mypos.ENOTFOUND, ""},
		{"FreeByPartner", e.p, "DELETE", "/api/v1/devices/" + tillA + "/license", "", http.StatusForbidden, mypos.EFORBIDDEN, ""},
		{"GetOthersLicense", e.b, "GET", "/api/v1/licenses/" + ids[0], "", http.StatusNotFound, mypos.ENOTFOUND, ""},
		{"HistoryOfOthers", e.p2, "GET", "/api/v1/licenses/" + ids[1] + "/history", "", http.StatusNotFound, mypos.ENOTFOUND, ""},
		{"BadState", e.p, "GET", "/api/v1/licenses?state=lost", "", http.StatusBadRequest, mypos.EINVALID, "state"},
		{"BadKeyQuery", e.owner, "GET", "/api/v1/licenses?q=not-a-key", "", http.StatusBadRequest, mypos.EINVALID, "key"},
		{"BadDate", e.p, "GET", "/api/v1/documents?from=28.11.2026", "", http.StatusBadRequest, mypos.EINVALID, "from"},
		{"BadDocType", e.p, "GET", "/api/v1/documents?type=gift", "", http.StatusBadRequest, mypos.EINVALID, "type"},
		{"LicensesAnonymous", "", "GET", "/api/v1/licenses", "", http.StatusUnauthorized, mypos.EUNAUTHORIZED, ""},
	}
	before := e.writes()
	for _, tt := range tests {
		t.Run("Err"+tt.name, func(t *testing.T) {
			r := e.call(tt.method, tt.path, tt.token, tt.body)
			r.problem(t, tt.status, tt.code)
			if got, _ := r.body["field"].(string); got != tt.field {
				t.Fatalf("field %q, want %q: %s", got, tt.field, r.raw)
			}
		})
	}
	if after := e.writes(); after != before {
		t.Fatalf("refused requests wrote:\n%s\n%s", before, after)
	}
}
