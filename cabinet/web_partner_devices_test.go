package cabinet_test

import (
	"net/http"
	"regexp"
	"strings"
	"testing"
)

// webGet asks for a page as the holder of token, in Russian unless the
// headers say otherwise.
func (e *licenseEnv) webGet(path, token string, headers ...string) apiResponse {
	e.t.Helper()
	return e.call("GET", path, token, "", headers...)
}

// wantHTML checks a page's status and the texts it shows and must not.
func wantHTML(t *testing.T, r apiResponse, status int, shows []string, hides ...string) {
	t.Helper()
	if r.status != status {
		t.Fatalf("status=%d, want %d:\n%s", r.status, status, r.raw)
	}
	for _, s := range shows {
		if !strings.Contains(r.raw, s) {
			t.Fatalf("the page lacks %q:\n%s", s, r.raw)
		}
	}
	for _, s := range hides {
		if strings.Contains(r.raw, s) {
			t.Fatalf("the page shows %q but must not:\n%s", s, r.raw)
		}
	}
}

// rows counts a board's rows.
func rows(r apiResponse) int { return strings.Count(r.raw, `<tr id="device-`) }

// The partner's board: its clients' tills with their store, connection,
// sync and license; filters by client and status that the poll keeps;
// pages; names as text; another partner's client is 404.
func TestWebPartnerBoard(t *testing.T) {
	e := newLicenseEnv(t)
	id := e.mustCall(http.StatusCreated, "POST", "/api/v1/link-requests", e.b, `{"partner_id":"`+e.pID+`"}`).body["id"].(string)
	e.mustCall(http.StatusOK, "POST", "/api/v1/link-requests/"+id+"/accept", e.p, "")
	store := e.createStore(e.a, `Склад <script>x</script>`)
	a1 := e.mustCall(http.StatusCreated, "POST", "/api/v1/devices", e.a, `{"name":"Касса <script>alert(1)</script>","store_id":"`+store+`"}`).body["id"].(string)
	a2, b1 := e.device(e.a), e.device(e.b)
	lic := e.sell(1)
	e.transfer(lic...)
	e.mustCall(http.StatusCreated, "POST", "/api/v1/devices/"+a2+"/license", e.a, `{"license_id":"`+lic[0]+`"}`)
	e.live.Connected(a1, 1)

	all := e.webGet("/partner/devices", e.p)
	wantHTML(t, all, http.StatusOK, []string{
		"Касса &lt;script&gt;alert(1)&lt;/script&gt;", "Склад &lt;script&gt;x&lt;/script&gt;",
		`<span class="badge ok">В сети</span>`, "Активна", "Без лицензии", "Ещё не подключалась",
		`hx-get="/partner/devices"`, `hx-trigger="every 3s"`, `<option value="` + e.bID + `">`,
		`href="/licenses/` + lic[0] + `"`, // its client A's license, P's to follow
	}, "<script>alert(1)</script>")
	if n := rows(all); n != 3 {
		t.Fatalf("%d rows, want 3", n)
	}
	for status, want := range map[string][]string{"online": {a1}, "offline": {a2, b1}, "unlicensed": {a1, b1}} {
		r := e.webGet("/partner/devices?status="+status, e.p)
		if rows(r) != len(want) {
			t.Fatalf("status %s: %d rows, want %v:\n%s", status, rows(r), want, r.raw)
		}
		for _, d := range want {
			wantHTML(t, r, http.StatusOK, []string{`id="device-` + d + `"`})
		}
	}

	// The poll asks for the part alone, with the filters it was shown with.
	part := e.webGet("/partner/devices?company="+e.aID+"&status=offline", e.p, "HX-Request", "true", "HX-Target", "board")
	wantHTML(t, part, http.StatusOK, []string{`id="device-` + a2 + `"`, `hx-get="/partner/devices?company=` + e.aID + `&amp;status=offline"`}, "<html", `<form`, `id="device-`+b1)
	if !strings.HasPrefix(strings.TrimSpace(part.raw), `<div id="board"`) || rows(part) != 1 {
		t.Fatalf("the poll's answer is not the board alone:\n%s", part.raw)
	}

	// Pages of one, the status filter kept across them.
	first := e.webGet("/partner/devices?status=offline&limit=1", e.p)
	next := nextURL(t, first)
	if !strings.Contains(next, "status=offline") || rows(first) != 1 {
		t.Fatalf("first page: next %q, %d rows", next, rows(first))
	}
	second := e.webGet(next, e.p)
	if rows(second) != 1 || strings.Contains(second.raw, `class="next"`) || !strings.Contains(second.raw, "limit=1&amp;status=offline") {
		t.Fatalf("second page:\n%s", second.raw)
	}

	wantHTML(t, e.webGet("/partner/devices?company="+e.bID+"&status=online", e.p), http.StatusOK, []string{"Нет касс под этот фильтр", `href="/partner/devices"`})
	wantHTML(t, e.webGet("/partner/devices", e.p2), http.StatusOK, []string{"У вас пока нет клиентов", `href="/partner/requests"`})
	// Another partner's client is no client of P2's: 404, as the JSON API
	// answers, rather than an empty board that would pass it for one.
	wantHTML(t, e.webGet("/partner/devices?company="+e.aID, e.p2), http.StatusNotFound, []string{"Страница не найдена"}, "Касса")
	wantHTML(t, e.webGet("/partner/devices?company=nonsense", e.p), http.StatusNotFound, nil)
	wantHTML(t, e.webGet("/partner/devices", e.owner), http.StatusForbidden, nil)
	wantHTML(t, e.webGet("/partner/devices", e.a), http.StatusForbidden, nil)
	wantHTML(t, e.webGet("/partner/devices", e.p, "Accept-Language", "en"), http.StatusOK, []string{"Online", "No license", "Active"})
}

// nextURL is a page's link to the next page (the pager part's).
func nextURL(t *testing.T, r apiResponse) string {
	t.Helper()
	m := nextRe.FindStringSubmatch(r.raw)
	if m == nil {
		t.Fatalf("no next page:\n%s", r.raw)
	}
	return strings.ReplaceAll(m[1], "&amp;", "&")
}

var nextRe = regexp.MustCompile(`<a href="([^"]+)" class="next"`)
