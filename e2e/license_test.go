package e2e

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
)

// The seed story's licensing chapter on real processes: the owner sells a
// partner licenses, the partner takes on a client who asked by its code,
// hands it two sealed licenses and unseals one to itself; that key, typed
// on the client's tills, activates the license and moves it from till to
// till — each till's status following within a second — while the same
// key on another company's till, or mistyped, changes nothing.
func TestLicenseStory(t *testing.T) {
	s := startServer(t)
	owner := s.login(t, ownerEmail, ownerPassword)

	// The owner registers a partner and sells it 5 licenses.
	partner := s.do("POST", "/api/v1/partners", owner, map[string]string{
		"name": "Ромашка Сервис", "inn": "7736207543", "city": "Тверь", "email": "dealer@licenses.test", "password": "partner-password",
	}).must(t, http.StatusCreated)
	dealer := s.login(t, "dealer@licenses.test", "partner-password")
	sale := s.do("POST", "/api/v1/documents", owner, map[string]any{"type": "sale", "partner_id": partner.str("id"), "count": 5}).must(t, http.StatusCreated)
	var ids []string
	for _, id := range sale.Body["license_ids"].([]any) {
		ids = append(ids, id.(string))
	}
	if len(ids) != 5 {
		t.Fatalf("the sale made %d licenses, want 5: %s", len(ids), sale.Raw)
	}

	// A company asks to be the partner's client by its code; the partner accepts.
	shop := s.company(t, "shop@licenses.test")
	shopID := s.do("GET", "/api/v1/me", shop, nil).must(t, http.StatusOK).str("id")
	request := s.do("POST", "/api/v1/link-requests", shop, map[string]string{"partner_code": partner.str("code")}).must(t, http.StatusCreated)
	s.do("POST", "/api/v1/link-requests/"+request.str("id")+"/accept", dealer, nil).must(t, http.StatusOK)

	// Two sealed licenses go to the client; one is unsealed to the partner itself.
	s.do("POST", "/api/v1/documents", dealer, map[string]any{"type": "transfer", "company_id": shopID, "license_ids": ids[:2]}).must(t, http.StatusCreated)
	s.do("POST", "/api/v1/documents", dealer, map[string]any{"type": "unseal", "license_ids": ids[2:3],
		"licensee": map[string]string{"name": "ООО Ромашка Сервис", "inn": "7707083893", "email": "dealer@licenses.test"}}).must(t, http.StatusCreated)
	unsealed := items(t, s, dealer, "/api/v1/licenses?state=unsealed")
	if len(unsealed) != 1 || unsealed[0]["id"] != ids[2] || unsealed[0]["key"] == nil {
		t.Fatalf("the partner's unsealed list shows the key: %v", unsealed)
	}
	id, key := ids[2], unsealed[0]["key"].(string)
	if sealed := items(t, s, shop, "/api/v1/licenses?state=sealed"); len(sealed) != 2 || sealed[0]["key"] != nil {
		t.Fatalf("the client holds two sealed licenses, keys hidden: %v", sealed)
	}

	a := startTill(t, s, shop, "Касса A", "")
	b := startTill(t, s, shop, "Касса B", "")
	s.do("POST", "/api/v1/goods", shop, map[string]any{"code": "1001", "name": "Молоко 1 л", "price": milkPrice, "unit": "piece", "vat": "10"}).must(t, http.StatusCreated)
	olga := s.do("POST", "/api/v1/cashiers", shop, map[string]any{"name": "Ольга", "pin": "1234", "role": "cashier", "device_ids": []string{a.id, b.id}}).must(t, http.StatusCreated).str("id")
	within(t, time.Second, "both tills hold the cashier", func() bool {
		return a.entities(t, "cashier")[olga] != nil && b.entities(t, "cashier")[olga] != nil
	})

	// Typed on till A (through the CLI): activated, and A's status shows it.
	status, stdout, stderr := myposAgent(t, "license", "enter", key, "--data", a.dir, "--api", a.api)
	if status != 0 || stdout != "Activated: license "+id+".\n" {
		t.Fatalf("license enter on A: exit %d, stdout %q, stderr %q", status, stdout, stderr)
	}
	within(t, time.Second, "A's status shows the license", func() bool { return a.license(t) == id })
	if left := items(t, s, dealer, "/api/v1/licenses?state=unsealed"); len(left) != 0 {
		t.Fatalf("the activated key is still in the partner's unsealed list: %v", left)
	}
	active := items(t, s, shop, "/api/v1/licenses?state=active")
	if len(active) != 1 || active[0]["id"] != id || active[0]["device_id"] != a.id {
		t.Fatalf("the company's active licenses: %v, want %s on A", active, id)
	}

	// Typed on B (through the local API): moved; A is told at once.
	if code, body := b.enterKey(t, key); code != http.StatusOK || body["result"] != "moved_here" || body["license_id"] != id {
		t.Fatalf("the key on B: %d %v", code, body)
	}
	within(t, time.Second, "A's status shows no license", func() bool { return a.license(t) == "" })
	within(t, time.Second, "B's status shows the license", func() bool { return b.license(t) == id })
	// A till without a license does not sell; B, which has it now, does.
	twoMilks := saleOf(olga, newUUID(), 2)
	if code, body := a.call(t, "POST", "/v1/receipts", twoMilks); code != http.StatusForbidden || body["code"] != "license_required" {
		t.Fatalf("A without its license sold: %d %v", code, body)
	}
	status, stdout, stderr = myposAgent(t, "sell", "--cashier", olga, "--total", fmt.Sprint(2*milkPrice), "--data", b.dir, "--api", b.api, "1001*2")
	if status != 0 || !strings.Contains(stdout, "Receipt 1 registered: 179.80") {
		t.Fatalf("sell on B: exit %d, stdout %q, stderr %q", status, stdout, stderr)
	}
	within(t, 5*time.Second, "B's receipt reaches the company's cabinet", func() bool { return len(cloudReceipts(t, s, shop)) == 1 })
	// And back to A.
	if code, body := a.enterKey(t, strings.ToLower(key)); code != http.StatusOK || body["license_id"] != id {
		t.Fatalf("the key on A again: %d %v", code, body)
	}
	within(t, time.Second, "B's status shows no license", func() bool { return b.license(t) == "" })
	within(t, time.Second, "A's status shows the license again", func() bool { return a.license(t) == id })

	steps := historyOf(t, s, shop, id)
	if steps != "sale unseal activate move move" {
		t.Fatalf("history %q, want sale unseal activate move move", steps)
	}

	// The same key on another company's till: refused, nothing changes.
	stranger := startTill(t, s, s.company(t, "stranger@licenses.test"), "Чужая касса", "")
	status, _, stderr = myposAgent(t, "license", "enter", key, "--data", stranger.dir, "--api", stranger.api)
	if status != 1 || !strings.Contains(stderr, "(conflict)") {
		t.Fatalf("the key on another company's till: exit %d, stderr %q; want a conflict", status, stderr)
	}
	if stranger.license(t) != "" || a.license(t) != id || historyOf(t, s, shop, id) != steps {
		t.Fatal("a refused key changed something")
	}

	// A mistyped key is refused by the till: the cloud never hears of it.
	entries := s.metric(t, `mypos_fleet_uplink_total{type="license"}`)
	typo := key[:len(key)-1] + "2"
	if typo == key {
		typo = key[:len(key)-1] + "3"
	}
	if code, body := a.enterKey(t, typo); code != http.StatusBadRequest || body["code"] != "invalid_key" {
		t.Fatalf("a typo: %d %v, want 400 invalid_key", code, body)
	}
	if got := s.metric(t, `mypos_fleet_uplink_total{type="license"}`); got != entries || entries != "4" {
		t.Fatalf("the cloud handled %s key entries after the typo (%s before), want 4 both times", got, entries)
	}
	if logs := s.logs.String() + a.logs.String() + b.logs.String(); strings.Contains(logs, key) || strings.Contains(logs, strings.ReplaceAll(key, "-", "")) {
		t.Fatal("a key reached a log")
	}
}

// login returns the token of an account whose password opens one cabinet.
func (s *server) login(t *testing.T, email, password string) string {
	t.Helper()
	return s.do("POST", "/api/v1/auth/login", "", map[string]string{"email": email, "password": password}).must(t, http.StatusOK).str("token")
}

// items reads one page of a list.
func items(t *testing.T, s *server, token, path string) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, it := range s.do("GET", path, token, nil).must(t, http.StatusOK).Body["items"].([]any) {
		out = append(out, it.(map[string]any))
	}
	return out
}

// historyOf is a license's document types, oldest first.
func historyOf(t *testing.T, s *server, token, id string) string {
	t.Helper()
	var steps []string
	for _, d := range items(t, s, token, "/api/v1/licenses/"+id+"/history") {
		steps = append(steps, d["type"].(string))
	}
	return strings.Join(steps, " ")
}

// license is the ID of the license the till's status shows, "" for none.
func (tl *till) license(t *testing.T) string {
	t.Helper()
	code, body := tl.call(t, "GET", "/v1/status", "")
	if code != http.StatusOK {
		t.Fatalf("till status: %d %v", code, body)
	}
	lic, _ := body["license"].(map[string]any)
	id, _ := lic["id"].(string)
	return id
}

// enterKey posts a key to the till's local API, as a POS front does.
func (tl *till) enterKey(t *testing.T, key string) (int, map[string]any) {
	t.Helper()
	return tl.call(t, "POST", "/v1/license", jsonOf(map[string]string{"key": key}))
}

// call sends a request to the till's local API with its token.
func (tl *till) call(t *testing.T, method, path, body string) (int, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest(method, "http://"+tl.api+path, bytes.NewBufferString(body))
	req.Header.Set("Authorization", "Bearer "+tl.token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("till API %s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	var out map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		t.Fatalf("till API %s %s: %d, not JSON: %v", method, path, resp.StatusCode, err)
	}
	return resp.StatusCode, out
}

func jsonOf(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
