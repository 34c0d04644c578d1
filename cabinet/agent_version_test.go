package cabinet_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
)

// saidHello stores what fleet's batch writes for a till that said hello
// with version agent at revision rev.
func (e *licenseEnv) saidHello(deviceID, companyID string, rev int64, agent string) {
	e.t.Helper()
	err := e.db.Conn(context.Background()).Exec(`INSERT INTO device_sync (device_id, company_id, acked_rev, acked_at, agent) VALUES (?, ?, ?, ?, ?)`,
		deviceID, companyID, rev, e.db.Now(), agent).Error
	if err != nil {
		e.t.Fatal(err)
	}
}

// A till's agent version: the JSON view carries it as agent (absent while
// unknown), the company's devices page and the partner's board show it in
// a column of its own, a dash while unknown, as text whatever a till sent.
// (The company's page, which compared Behind, a pointer, with 0, failed
// for any till that had synced once.)
func TestAgentVersionShown(t *testing.T) {
	e := newLicenseEnv(t)
	known, unknown, never := e.device(e.a), e.device(e.a), e.device(e.a)
	const agent = "mypos-agent/1.2.3<script>x</script>"
	e.saidHello(known, e.aID, 1, agent)
	e.saidHello(unknown, e.aID, 1, "") // stored before fleet kept versions

	if got := e.mustCall(http.StatusOK, "GET", "/api/v1/devices/"+known, e.a, "").body["agent"]; got != agent {
		t.Fatalf("the device's agent is %v, want %q", got, agent)
	}
	byID := map[string]map[string]any{}
	for _, d := range items(e.mustCall(http.StatusOK, "GET", "/api/v1/devices", e.p, "")) {
		byID[d["id"].(string)] = d
	}
	if byID[known]["agent"] != agent {
		t.Fatalf("the partner's list shows %v", byID[known])
	}
	for _, d := range []string{unknown, never} {
		if _, has := byID[d]["agent"]; has || byID[d] == nil {
			t.Fatalf("a device of no known version shows one: %v", byID[d])
		}
	}

	escaped := `<span class="mono" title="mypos-agent/1.2.3&lt;script&gt;x&lt;/script&gt;">1.2.3&lt;script&gt;x&lt;/script&gt;</span>`
	dash := `class="agent"><span class="muted">—</span>`
	for _, page := range []struct{ path, token, header string }{
		{"/partner/devices", e.p, "<th>Версия</th>"},
		{"/devices", e.a, "<th>Версия</th>"},
	} {
		r := e.webGet(page.path, page.token)
		wantHTML(t, r, http.StatusOK, []string{page.header, `data-label="Версия" class="agent">` + escaped, dash}, agent)
		if n := strings.Count(r.raw, dash); n != 2 {
			t.Fatalf("%s: %d dashes for the two tills of no known version:\n%s", page.path, n, r.raw)
		}
		wantHTML(t, e.webGet(page.path, page.token, "Accept-Language", "en"), http.StatusOK, []string{"<th>Version</th>"})
	}
}
