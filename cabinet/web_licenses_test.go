package cabinet_test

import (
	"net/http"
	"strings"
	"testing"
)

// The license page shows each viewer what licensing.Get lets it see —
// the owner any license with its key, a partner and a company their own,
// a partner its current client's too, the key only where it may — and the
// license's history from the documents; anyone else's license is 404, for
// every kind.
func TestWebLicensePage(t *testing.T) {
	e := newLicenseEnv(t)
	ids := e.sell(3)
	e.transfer(ids[0])
	till := e.mustCall(http.StatusCreated, "POST", "/api/v1/devices", e.a, `{"name":"Касса <script>alert(1)</script>"}`).body["id"].(string)
	e.mustCall(http.StatusCreated, "POST", "/api/v1/devices/"+till+"/license", e.a, `{"license_id":"`+ids[0]+`"}`)
	e.mustCall(http.StatusCreated, "POST", "/api/v1/documents", e.p, `{"type":"unseal","license_ids":["`+ids[1]+`"],
		"licensee":{"name":"ООО <script>","inn":"7707083893","email":"x@dealer.test"}}`)
	key := func(token, id string) string {
		k, _ := e.mustCall(http.StatusOK, "GET", "/api/v1/licenses/"+id, token, "").body["key"].(string)
		return k
	}

	owner := e.webGet("/licenses/"+ids[0], e.owner)
	wantHTML(t, owner, http.StatusOK, []string{
		"Продажа", "Передача клиенту", "Установка на кассу", `id="license-key">` + key(e.owner, ids[0]),
		"Компания «ООО Ромашка»", "Касса &lt;script&gt;alert(1)&lt;/script&gt;", "Активна",
	}, "<script>alert(1)</script>")
	if n := strings.Count(owner.raw, `<td data-label="№"`); n != 3 {
		t.Fatalf("the history has %d rows, want 3", n)
	}
	// The company holds it, on its till; the sealed key stays hidden.
	wantHTML(t, e.webGet("/licenses/"+ids[0], e.a), http.StatusOK, []string{"Установка на кассу", "Касса &lt;script&gt;"}, `id="license-key"`)
	// The partner its unsealed license, with the key and to whom.
	wantHTML(t, e.webGet("/licenses/"+ids[1], e.p), http.StatusOK, []string{
		"Раскрыта", "Раскрытие себе", `id="license-key">` + key(e.p, ids[1]), "ООО &lt;script&gt;, ИНН 7707083893",
	})
	// Whoever the API refuses a license, the page does too: 404.
	for _, c := range []struct {
		who, token, id string
	}{{"company B", e.b, ids[0]}, {"company A", e.a, ids[1]}, {"partner P2", e.p2, ids[0]}, {"partner P2", e.p2, ids[1]}, {"the owner", e.owner, "0190f1d0-0000-7000-8000-000000000000"}, {"the owner", e.owner, "nonsense"}} {
		e.call("GET", "/api/v1/licenses/"+c.id, c.token, "").problem(t, http.StatusNotFound, "not_found")
		r := e.webGet("/licenses/"+c.id, c.token)
		if r.status != http.StatusNotFound || strings.Contains(r.raw, "Продажа") {
			t.Fatalf("%s opens license %s: %d", c.who, c.id, r.status)
		}
	}
	if r := e.webGet("/licenses/"+ids[0], ""); r.status != http.StatusSeeOther || r.header.Get("Location") != "/login" {
		t.Fatalf("an anonymous visitor: %d %s", r.status, r.header.Get("Location"))
	}

	// A page of one document at a time; the part alone for htmx.
	first := e.webGet("/licenses/"+ids[0]+"?limit=1", e.owner)
	second := e.webGet(nextURL(t, first), e.owner)
	wantHTML(t, second, http.StatusOK, []string{"Передача клиенту", `href="/licenses/` + ids[0] + `?limit=1"`}, "Продажа")
	part := e.webGet(nextURL(t, first), e.owner, "HX-Request", "true", "HX-Target", "history")
	wantHTML(t, part, http.StatusOK, []string{"Передача клиенту"}, "<html", "license-key")
	wantHTML(t, e.webGet("/licenses/"+ids[0], e.owner, "Accept-Language", "en"), http.StatusOK, []string{"Transfer to a client", "Company “ООО Ромашка”"})

	// The partner follows the license it sold on to its client A: the
	// history, the client and its till named, the key hidden.
	wantHTML(t, e.webGet("/licenses/"+ids[0], e.p), http.StatusOK, []string{
		"Продажа", "Передача клиенту", "Установка на кассу", "Компания «ООО Ромашка»", "Касса &lt;script&gt;alert(1)&lt;/script&gt;",
	}, `id="license-key"`, "<script>alert(1)</script>")
	// A leaves P for P2: the license is P2's client's now, and P's no more.
	req := e.mustCall(http.StatusCreated, "POST", "/api/v1/link-requests", e.a, `{"partner_id":"`+e.p2ID+`"}`)
	e.mustCall(http.StatusOK, "POST", "/api/v1/link-requests/"+req.body["id"].(string)+"/accept", e.p2, "")
	wantHTML(t, e.webGet("/licenses/"+ids[0], e.p), http.StatusNotFound, nil, "Продажа")
	wantHTML(t, e.webGet("/licenses/"+ids[0], e.p2), http.StatusOK, []string{"Компания «ООО Ромашка»", "Установка на кассу"})
}
