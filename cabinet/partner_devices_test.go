package cabinet_test

import (
	"net/http"
	"testing"

	"mypos"
)

// A partner lists its clients' devices, each with its license, on the
// company's route; a stranger's devices never show.
func TestAPIPartnerDevices(t *testing.T) {
	e := newLicenseEnv(t)
	// B becomes P's client too; P2 has none.
	id := e.mustCall(http.StatusCreated, "POST", "/api/v1/link-requests", e.b, `{"partner_id":"`+e.pID+`"}`).body["id"].(string)
	e.mustCall(http.StatusOK, "POST", "/api/v1/link-requests/"+id+"/accept", e.p, "")
	a1, a2, b1 := e.device(e.a), e.device(e.a), e.device(e.b)
	ids := e.sell(1)
	e.transfer(ids...)
	e.mustCall(http.StatusCreated, "POST", "/api/v1/devices/"+a2+"/license", e.a, `{"license_id":"`+ids[0]+`"}`)

	all := items(e.mustCall(http.StatusOK, "GET", "/api/v1/devices", e.p, ""))
	if len(all) != 3 {
		t.Fatalf("P's clients' devices: %v", all)
	}
	byID := map[string]map[string]any{}
	for _, d := range all {
		byID[d["id"].(string)] = d
	}
	if lic, _ := byID[a2]["license"].(map[string]any); lic == nil || lic["id"] != ids[0] || lic["state"] != "active" || lic["key"] != nil {
		t.Fatalf("a2 shows its license, without a key: %v", byID[a2])
	}
	if byID[a1]["license"] != nil || byID[b1]["company_id"] != e.bID || byID[b1]["online"] != false {
		t.Fatalf("a1 has no license, b1 is B's and offline: %v / %v", byID[a1], byID[b1])
	}

	// Paged across companies in ID order, one at a time.
	var seen []string
	path := "/api/v1/devices?limit=1"
	for i := 0; i < 4; i++ {
		r := e.mustCall(http.StatusOK, "GET", path, e.p, "")
		for _, d := range items(r) {
			seen = append(seen, d["id"].(string))
		}
		next, _ := r.body["next"].(string)
		if next == "" {
			break
		}
		path = "/api/v1/devices?limit=1&cursor=" + next
	}
	if len(seen) != 3 || seen[0] >= seen[1] || seen[1] >= seen[2] {
		t.Fatalf("pages: %v", seen)
	}

	if one := items(e.mustCall(http.StatusOK, "GET", "/api/v1/devices?company_id="+e.bID, e.p, "")); len(one) != 1 || one[0]["id"] != b1 {
		t.Fatalf("one client's devices: %v", one)
	}
	e.call("GET", "/api/v1/devices?company_id="+e.bID, e.p2, "").problem(t, http.StatusNotFound, mypos.ENOTFOUND)
	if none := items(e.mustCall(http.StatusOK, "GET", "/api/v1/devices", e.p2, "")); len(none) != 0 {
		t.Fatalf("a partner without clients sees devices: %v", none)
	}
	e.call("GET", "/api/v1/devices", e.owner, "").problem(t, http.StatusForbidden, mypos.EFORBIDDEN)
	// The company's own list is as before.
	if own := items(e.mustCall(http.StatusOK, "GET", "/api/v1/devices", e.a, "")); len(own) != 2 || own[0]["license"] != nil {
		t.Fatalf("company A's devices: %v", own)
	}
}
