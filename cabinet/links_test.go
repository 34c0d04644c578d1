package cabinet_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"mypos"
)

func TestAPIPartnerDirectory(t *testing.T) {
	e := newLicenseEnv(t)
	r := e.mustCall(http.StatusOK, "GET", "/api/v1/partners/directory?q="+url.QueryEscape("ромашка"), "", "")
	found := items(r)
	if len(found) != 1 || found[0]["id"] != e.pID || found[0]["city"] != "Тверь" || found[0]["inn"] != "7707083893" || found[0]["code"] != e.pCode {
		t.Fatalf("directory: %s", r.raw)
	}
	if strings.Contains(r.raw, "@") || found[0]["email"] != nil {
		t.Fatalf("the directory shows an e-mail: %s", r.raw)
	}
	if all := items(e.mustCall(http.StatusOK, "GET", "/api/v1/partners/directory", e.a, "")); len(all) != 2 {
		t.Fatalf("a company sees both active partners: %v", all)
	}
}

// A link's life through the API: a company asks, the partner accepts or
// declines, both see the history; the partner lists its companies on the
// owner's route.
func TestAPILinks(t *testing.T) {
	e := newLicenseEnv(t) // company A is P's client already

	// Company B asks P2 by ID; one pending request at a time.
	req := e.mustCall(http.StatusCreated, "POST", "/api/v1/link-requests", e.b, `{"partner_id":"`+e.p2ID+`"}`)
	if req.body["status"] != "pending" || req.body["partner_name"] != "Другой дилер" {
		t.Fatalf("request: %s", req.raw)
	}
	id := req.body["id"].(string)
	e.call("POST", "/api/v1/link-requests", e.b, `{"partner_code":"`+e.pCode+`"}`).problem(t, http.StatusConflict, mypos.ECONFLICT)
	e.call("POST", "/api/v1/link-requests/"+id+"/accept", e.p, "").problem(t, http.StatusNotFound, mypos.ENOTFOUND)
	e.call("POST", "/api/v1/link-requests/"+id+"/accept", e.b, "").problem(t, http.StatusForbidden, mypos.EFORBIDDEN)
	if got := items(e.mustCall(http.StatusOK, "GET", "/api/v1/link-requests", e.p2, "")); len(got) != 1 || got[0]["company_name"] != "ООО Ромашка" {
		t.Fatalf("the partner sees the request: %v", got)
	}
	mustBothNames(t, e.mustCall(http.StatusOK, "POST", "/api/v1/link-requests/"+id+"/decline", e.p2, "").body, "ООО Ромашка", "Другой дилер")

	// B asks P, who accepts: B joins A among P's companies.
	id = e.mustCall(http.StatusCreated, "POST", "/api/v1/link-requests", e.b, `{"partner_code":"`+strings.ToLower(e.pCode)+`"}`).body["id"].(string)
	if r := e.mustCall(http.StatusOK, "POST", "/api/v1/link-requests/"+id+"/accept", e.p, ""); r.body["status"] != "accepted" {
		t.Fatalf("accept: %s", r.raw)
	} else {
		mustBothNames(t, r.body, "ООО Ромашка", "Ромашка Сервис")
	}
	companies := items(e.mustCall(http.StatusOK, "GET", "/api/v1/companies", e.p, ""))
	if len(companies) != 2 {
		t.Fatalf("the partner's companies: %v", companies)
	}
	if all := items(e.mustCall(http.StatusOK, "GET", "/api/v1/companies", e.owner, "")); len(all) != 2 {
		t.Fatalf("the owner's companies: %v", all)
	}
	e.call("GET", "/api/v1/companies", e.a, "").problem(t, http.StatusForbidden, mypos.EFORBIDDEN)
	if got := items(e.mustCall(http.StatusOK, "GET", "/api/v1/companies", e.p2, "")); len(got) != 0 {
		t.Fatalf("a partner whose request was declined has no companies: %v", got)
	}

	// B moves to P2: the link with P ends, and both sides see it.
	id = e.mustCall(http.StatusCreated, "POST", "/api/v1/link-requests", e.b, `{"partner_id":"`+e.p2ID+`"}`).body["id"].(string)
	e.mustCall(http.StatusOK, "POST", "/api/v1/link-requests/"+id+"/accept", e.p2, "")
	var statuses []string
	for _, r := range items(e.mustCall(http.StatusOK, "GET", "/api/v1/link-requests", e.b, "")) {
		statuses = append(statuses, r["status"].(string))
	}
	if got := strings.Join(statuses, " "); got != "declined ended accepted" {
		t.Fatalf("company B's history: %q", got)
	}
	for _, partner := range []string{e.p, e.p2} {
		for _, r := range items(e.mustCall(http.StatusOK, "GET", "/api/v1/link-requests", partner, "")) {
			company, _ := r["company_name"].(string)
			partner, _ := r["partner_name"].(string)
			if company == "" || partner == "" {
				t.Fatalf("a partner's history lacks a name: %v", r)
			}
		}
	}
	if got := items(e.mustCall(http.StatusOK, "GET", "/api/v1/companies", e.p, "")); len(got) != 1 || got[0]["id"] != e.aID {
		t.Fatalf("P keeps company A only: %v", got)
	}

	// A cancels a request it regrets.
	id = e.mustCall(http.StatusCreated, "POST", "/api/v1/link-requests", e.a, `{"partner_id":"`+e.p2ID+`"}`).body["id"].(string)
	if r := e.mustCall(http.StatusOK, "POST", "/api/v1/link-requests/"+id+"/cancel", e.a, ""); r.body["status"] != "cancelled" {
		t.Fatalf("cancel: %s", r.raw)
	} else {
		mustBothNames(t, r.body, "ООО Ромашка", "Другой дилер")
	}
	e.call("POST", "/api/v1/link-requests/"+id+"/accept", e.p2, "").problem(t, http.StatusConflict, mypos.ECONFLICT)
}

// mustBothNames asserts that a link request, as the API answers it, names
// both its company and its partner.
func mustBothNames(t *testing.T, r map[string]any, company, partner string) {
	t.Helper()
	if r["company_name"] != company || r["partner_name"] != partner {
		t.Fatalf("request names %q and %q, want %q and %q: %v", r["company_name"], r["partner_name"], company, partner, r)
	}
}

func TestAPILinkRefusals(t *testing.T) {
	e := newLicenseEnv(t)
	tests := []struct {
		name, token, body string
		status            int
		code, field       string
	}{
		{"ByPartner", e.p, `{"partner_id":"` + e.p2ID + `"}`, http.StatusForbidden, mypos.EFORBIDDEN, ""},
		{"ByOwner", e.owner, `{"partner_id":"` + e.p2ID + `"}`, http.StatusForbidden, mypos.EFORBIDDEN, ""},
		{"Anonymous", "", `{"partner_id":"` + e.p2ID + `"}`, http.StatusUnauthorized, mypos.EUNAUTHORIZED, ""},
		{"NoPartner", e.b, `{}`, http.StatusBadRequest, mypos.EINVALID, "partner_code"},
		{"UnknownCode", e.b, `{"partner_code":"ZZZZZZ"}`, http.StatusBadRequest, mypos.EINVALID, "partner_code"},
		{"AlreadyLinked", e.a, `{"partner_code":"` + e.pCode + `"}`, http.StatusConflict, mypos.ECONFLICT, ""},
		{"UnknownField", e.b, `{"partner":"x"}`, http.StatusBadRequest, mypos.EINVALID, "partner"},
	}
	for _, tt := range tests {
		t.Run("Err"+tt.name, func(t *testing.T) {
			r := e.call("POST", "/api/v1/link-requests", tt.token, tt.body)
			r.problem(t, tt.status, tt.code)
			if got, _ := r.body["field"].(string); got != tt.field {
				t.Fatalf("field %q, want %q", got, tt.field)
			}
		})
	}
	if got := items(e.mustCall(http.StatusOK, "GET", "/api/v1/link-requests", e.b, "")); len(got) != 0 {
		t.Fatalf("refused requests were written: %v", got)
	}
}
