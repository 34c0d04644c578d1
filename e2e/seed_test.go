package e2e

import (
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestSeedStory is the users' own story from the forum thread, told against
// the real server. Each issue adds its chapter.
func TestSeedStory(t *testing.T) {
	s := startServer(t)

	// Chapter 1 — accounts and the login rule.
	// A dealer signs up as a partner, and — as the vendor advises in the
	// thread — registers a company on the same e-mail to try the cabinet as
	// a client, with the same password.
	const email, password = "dealer@romashka.test", "same-password"
	partner := s.do("POST", "/api/v1/auth/register", "", map[string]string{
		"kind": "partner", "name": "Ромашка Сервис", "inn": "7707083893", "city": "Тверь", "email": email, "password": password,
	}).must(t, http.StatusCreated)
	if partner.str("status") != "pending" || partner.str("code") == "" {
		t.Fatalf("a partner who signs up waits for approval and has a code: %s", partner.Raw)
	}
	company := s.do("POST", "/api/v1/auth/register", "", map[string]string{
		"kind": "company", "name": "Ромашка Магазин", "inn": "500100732259", "email": email, "password": password,
	}).must(t, http.StatusCreated)

	// Until the owner approves the partner, the password opens the company only.
	login := s.do("POST", "/api/v1/auth/login", "", map[string]string{"email": email, "password": password}).must(t, http.StatusOK)
	if login.str("kind") != "company" || login.str("id") != company.str("id") {
		t.Fatalf("before approval the login opens the company: %s", login.Raw)
	}

	// The owner approves the partner.
	owner := s.do("POST", "/api/v1/auth/login", "", map[string]string{"email": ownerEmail, "password": ownerPassword}).must(t, http.StatusOK)
	ownerToken := owner.str("token")
	pending := s.do("GET", "/api/v1/partners?q=ромашка", ownerToken, nil).must(t, http.StatusOK)
	if items, _ := pending.Body["items"].([]any); len(items) != 1 {
		t.Fatalf("the owner finds the partner by name: %s", pending.Raw)
	}
	s.do("POST", "/api/v1/partners/"+partner.str("id")+"/approve", ownerToken, nil).must(t, http.StatusOK)

	// Now one password opens both: the user picks "Partner" with the ticket.
	choice := s.do("POST", "/api/v1/auth/login", "", map[string]string{"email": email, "password": password}).must(t, http.StatusConflict)
	if choice.str("code") != "account_choice" || choice.str("ticket") == "" {
		t.Fatalf("one password for two cabinets offers a choice: %s", choice.Raw)
	}
	picked := s.do("POST", "/api/v1/auth/login", "", map[string]string{"ticket": choice.str("ticket"), "account": "partner"}).must(t, http.StatusOK)
	me := s.do("GET", "/api/v1/me", picked.str("token"), nil).must(t, http.StatusOK)
	if me.str("kind") != "partner" || me.str("code") != partner.str("code") {
		t.Fatalf("the partner's cabinet opens: %s", me.Raw)
	}
	// The ticket was single-use.
	s.do("POST", "/api/v1/auth/login", "", map[string]string{"ticket": choice.str("ticket"), "account": "company"}).must(t, http.StatusUnauthorized)
	// A partner is not the owner: its company list holds only its own clients — none yet.
	clients := s.do("GET", "/api/v1/companies", picked.str("token"), nil).must(t, http.StatusOK)
	if items, _ := clients.Body["items"].([]any); len(items) != 0 {
		t.Fatalf("a new partner sees companies that are not its clients: %s", clients.Raw)
	}
	s.do("GET", "/api/v1/partners", picked.str("token"), nil).must(t, http.StatusForbidden)

	// A terminal with credentials nobody issued is refused by the broker.
	mqttRefused(t, "tcp://"+s.MQTT, nil, "stranger", "guess")

	// Chapter 2 — the company sets up its till.
	// The same user opens the company's cabinet this time.
	choice = s.do("POST", "/api/v1/auth/login", "", map[string]string{"email": email, "password": password}).must(t, http.StatusConflict)
	shop := s.do("POST", "/api/v1/auth/login", "", map[string]string{"ticket": choice.str("ticket"), "account": "company"}).must(t, http.StatusOK).str("token")
	store := s.do("POST", "/api/v1/stores", shop, map[string]string{"name": "Магазин на Советской", "address": "Тверь, ул. Советская, 1"}).must(t, http.StatusCreated)
	till := s.do("POST", "/api/v1/devices", shop, map[string]any{"name": "Касса 1", "serial": "MP-0001", "store_id": store.str("id")}).must(t, http.StatusCreated)
	if till.str("enrollment_code") == "" || till.str("store_id") != store.str("id") {
		t.Fatalf("a new device comes with its enrollment code, in its store: %s", till.Raw)
	}
	olga := s.do("POST", "/api/v1/cashiers", shop, map[string]any{"name": "Ольга", "pin": "1234", "role": "senior_cashier", "device_ids": []string{till.str("id")}}).must(t, http.StatusCreated)
	if _, leaked := olga.Body["pin"]; leaked || olga.Body["pin_hash"] != nil || strings.Contains(olga.Raw, "1234") {
		t.Fatalf("the cashier's PIN is echoed: %s", olga.Raw)
	}
	found := s.do("GET", "/api/v1/cashiers?q=ольга", shop, nil).must(t, http.StatusOK)
	if items, _ := found.Body["items"].([]any); len(items) != 1 {
		t.Fatalf("the company finds its cashier by name in any case: %s", found.Raw)
	}

	// The till enrolls with the code — a lost answer is retried with the same nonce — and connects.
	enroll := map[string]string{"code": strings.ToLower(till.str("enrollment_code")), "nonce": "e2e-nonce-0123456789"}
	creds := s.do("POST", "/api/v1/enroll", "", enroll).must(t, http.StatusOK)
	again := s.do("POST", "/api/v1/enroll", "", enroll).must(t, http.StatusOK)
	if creds.str("device_id") != till.str("id") || creds.str("secret") == "" || again.str("secret") != creds.str("secret") {
		t.Fatalf("enrollment answers the device's credentials, the same on a retry: %s / %s", creds.Raw, again.Raw)
	}
	if creds.str("mqtt_url") != "mqtt://"+s.MQTT {
		t.Fatalf("enrollment tells the broker's address: %s", creds.Raw)
	}
	s.do("POST", "/api/v1/enroll", "", map[string]string{"code": till.str("enrollment_code"), "nonce": "another-nonce-0123456789"}).must(t, http.StatusUnauthorized)
	terminal := mqttConnect(t, creds.str("mqtt_url"), creds.str("device_id"), creds.str("secret"))
	down := "mypos/v1/dev/" + creds.str("device_id") + "/down"
	if tok := terminal.Subscribe(down, 1, nil); !tok.WaitTimeout(5*time.Second) || tok.Error() != nil {
		t.Fatalf("the till subscribes to its own downlink: %v", tok.Error())
	}
	terminal.Disconnect(100)

	// A second till is set up the way a dealer's technician does it: with
	// mypos-agent, which enrolls, connects and syncs; the cabinet shows it online.
	second := startTill(t, s, shop, "Касса 2", store.str("id"))
	waitFor(t, "the agent's till shows online", func() bool { return s.online(t, shop, second.id) })
	if got := second.entities(t, "store")[store.str("id")]; got == nil || got["name"] != "Магазин на Советской" {
		t.Fatalf("the till synced its store: %v", got)
	}

	// Another company cannot see the till; deleting it ends its credentials.
	other := s.do("POST", "/api/v1/auth/register", "", map[string]string{"kind": "company", "name": "Чужой", "inn": "7736207543", "email": "other@shop.test", "password": "other-password"}).must(t, http.StatusCreated)
	otherToken := s.do("POST", "/api/v1/auth/login", "", map[string]string{"email": other.str("email"), "password": "other-password"}).must(t, http.StatusOK).str("token")
	s.do("GET", "/api/v1/devices/"+till.str("id"), otherToken, nil).must(t, http.StatusNotFound)
	s.do("DELETE", "/api/v1/devices/"+till.str("id"), shop, nil).must(t, http.StatusNoContent)
	mqttRefused(t, creds.str("mqtt_url"), nil, creds.str("device_id"), creds.str("secret"))

	// The operator's view: health, readiness and metrics.
	s.do("GET", "/healthz", "", nil).must(t, http.StatusOK)
	s.do("GET", "/readyz", "", nil).must(t, http.StatusOK)
	metrics := get(t, s.Metrics)
	for _, want := range []string{"mypos_http_request_duration_seconds", "go_goroutines"} {
		if !strings.Contains(metrics, want) {
			t.Fatalf("metrics lack %s", want)
		}
	}
	if strings.Contains(s.logs.String(), password) || strings.Contains(s.logs.String(), picked.str("token")) {
		t.Fatal("a password or a token reached the log")
	}
}

func get(t *testing.T, url string) string {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d", url, resp.StatusCode)
	}
	return string(b)
}
