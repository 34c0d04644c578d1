package e2e

import (
	"io"
	"net/http"
	"strings"
	"testing"
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
	// A partner is not the owner.
	s.do("GET", "/api/v1/companies", picked.str("token"), nil).must(t, http.StatusForbidden)

	// A terminal with credentials nobody issued is refused by the broker.
	mqttRefused(t, "tcp://"+s.MQTT, nil)

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
