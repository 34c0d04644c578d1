package cabinet_test

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"

	"mypos/licensing"
	"mypos/licensing/licensingtest"
)

// licenseEnv is the cabinet with licensing, wired as cmd/mypos wires it, and
// its cast logged in: the owner, partner P with client company A, partner
// P2, and company B with no partner. Every test ends with a replay of the
// documents.
type licenseEnv struct {
	*fullEnv
	lic                        *licensing.Service
	owner, p, p2, a, b         string // tokens
	pID, p2ID, aID, bID, pCode string
}

func newLicenseEnv(t *testing.T) *licenseEnv {
	t.Helper()
	e := &licenseEnv{fullEnv: newFullEnv(t)}
	e.lic = e.svc.Licensing
	licensingtest.VerifyAfter(t, e.lic)
	e.cast()
	return e
}

// cast registers and logs in everyone, and links company A to partner P.
func (e *licenseEnv) cast() {
	e.owner = e.apiEnv.owner()
	p := e.mustCall(http.StatusCreated, "POST", "/api/v1/partners", e.owner, `{"name":"Ромашка Сервис","inn":"7707083893","city":"Тверь","email":"p@dealer.test","password":"partner-pass"}`)
	e.pID, e.pCode = p.body["id"].(string), p.body["code"].(string)
	e.p2ID = e.mustCall(http.StatusCreated, "POST", "/api/v1/partners", e.owner, `{"name":"Другой дилер","inn":"7736207543","email":"p2@dealer.test","password":"partner-pass"}`).body["id"].(string)
	e.aID = e.register("company", "a@shop.test", "company-pass", innFirm).body["id"].(string)
	e.bID = e.register("company", "b@shop.test", "company-pass", innFirm2).body["id"].(string)
	e.p, e.p2 = e.login("p@dealer.test", "partner-pass"), e.login("p2@dealer.test", "partner-pass")
	e.a, e.b = e.login("a@shop.test", "company-pass"), e.login("b@shop.test", "company-pass")
	req := e.mustCall(http.StatusCreated, "POST", "/api/v1/link-requests", e.a, `{"partner_code":"`+e.pCode+`"}`)
	e.mustCall(http.StatusOK, "POST", "/api/v1/link-requests/"+req.body["id"].(string)+"/accept", e.p, "")
}

func (e *licenseEnv) mustCall(status int, method, path, token, body string) apiResponse {
	e.t.Helper()
	r := e.call(method, path, token, body)
	if r.status != status {
		e.t.Fatalf("%s %s: %d %s, want %d", method, path, r.status, r.raw, status)
	}
	return r
}

// sell sells n licenses to partner P and returns their IDs.
func (e *licenseEnv) sell(n int) []string {
	e.t.Helper()
	r := e.mustCall(http.StatusCreated, "POST", "/api/v1/documents", e.owner, `{"type":"sale","partner_id":"`+e.pID+`","count":`+itoa(n)+`}`)
	return strs(r.body["license_ids"])
}

// transfer passes licenses of P to company A.
func (e *licenseEnv) transfer(ids ...string) {
	e.t.Helper()
	e.mustCall(http.StatusCreated, "POST", "/api/v1/documents", e.p, `{"type":"transfer","company_id":"`+e.aID+`","license_ids":`+jsonOf(ids)+`}`)
}

// device adds a device to the company of the token.
func (e *licenseEnv) device(token string) string {
	e.t.Helper()
	return e.mustCall(http.StatusCreated, "POST", "/api/v1/devices", token, `{"name":"Касса"}`).body["id"].(string)
}

// items returns a list response's items.
func items(r apiResponse) []map[string]any {
	raw, _ := r.body["items"].([]any)
	out := make([]map[string]any, len(raw))
	for i, it := range raw {
		out[i], _ = it.(map[string]any)
	}
	return out
}

// writes is what a refused request must leave as it was: the documents,
// the licenses' facts and every company's revision.
func (e *licenseEnv) writes() string {
	e.t.Helper()
	var n struct{ Docs, Revs int64 }
	conn := e.db.Conn(context.Background())
	conn.Raw(`SELECT COUNT(*) FROM license_documents`).Scan(&n.Docs)
	conn.Raw(`SELECT COALESCE(SUM(rev), 0) FROM changelog_heads`).Scan(&n.Revs)
	var facts []struct {
		ID     string
		Sealed bool
		P, C   *string
		D      *string
	}
	conn.Raw(`SELECT CAST(id AS TEXT) AS id, sealed, CAST(partner_id AS TEXT) AS p, CAST(company_id AS TEXT) AS c,
		CAST(device_id AS TEXT) AS d FROM licenses ORDER BY id`).Scan(&facts)
	b, _ := json.Marshal(struct {
		N     any
		Facts any
	}{n, facts})
	return string(b)
}

func strs(v any) []string {
	raw, _ := v.([]any)
	out := make([]string, len(raw))
	for i, s := range raw {
		out[i], _ = s.(string)
	}
	return out
}

func jsonOf(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func itoa(n int) string { return jsonOf(n) }
