package main

import (
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"mypos/agent"
	"mypos/protocol"
)

func TestParseItem(t *testing.T) {
	for _, tt := range []struct {
		item string
		want agent.SaleLineRequest
	}{
		{"101", agent.SaleLineRequest{Code: "101", Quantity: 1000}},
		{"101*2", agent.SaleLineRequest{Code: "101", Quantity: 2000}},
		{"4600000000017", agent.SaleLineRequest{Barcode: "4600000000017", Quantity: 1000}},
		{"46000017*3", agent.SaleLineRequest{Barcode: "46000017", Quantity: 3000}},
		{"code:4600000000017", agent.SaleLineRequest{Code: "4600000000017", Quantity: 1000}},
		{"barcode:123", agent.SaleLineRequest{Barcode: "123", Quantity: 1000}},
		{"id:0190c0de-0000-7000-8000-000000000001*1.234", agent.SaleLineRequest{GoodsID: "0190c0de-0000-7000-8000-000000000001", Quantity: 1234}},
		{"202*0,5%d1", agent.SaleLineRequest{Code: "202", Quantity: 500, DiscountID: "d1"}},
		{"202%d1", agent.SaleLineRequest{Code: "202", Quantity: 1000, DiscountID: "d1"}},
		{"202*0.05", agent.SaleLineRequest{Code: "202", Quantity: 50}},
		{"202*100000", agent.SaleLineRequest{Code: "202", Quantity: protocol.MaxQuantity}},
		{"Хлеб-1", agent.SaleLineRequest{Code: "Хлеб-1", Quantity: 1000}},
	} {
		got, err := parseItem(tt.item)
		if err != nil || got != tt.want {
			t.Errorf("%q: %+v %v, want %+v", tt.item, got, err, tt.want)
		}
	}
	for _, bad := range []string{"", "*2", "101*", "101*0", "101*-1", "101*1.2345", "101*x", "101*.5", "101*1e3",
		"101*100001", "101%", "101%d*2", "id:", "code:*2", "101*2*3"} {
		if l, err := parseItem(bad); err == nil {
			t.Errorf("%q parsed as %+v, want an error", bad, l)
		}
	}
}

func TestSellUsage(t *testing.T) {
	dir := t.TempDir()
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"sell", "--data", dir, "101"}, "--cashier ID"},
		{[]string{"sell", "--data", dir, "--cashier", "c"}, "name what is sold"},
		{[]string{"sell", "--data", dir, "--cashier", "c", "--payment", "barter", "101"}, "cash or card"},
		{[]string{"sell", "--data", dir, "--cashier", "c", "--total", "1.50", "101"}, "kopecks"},
		{[]string{"sell", "--data", dir, "--cashier", "c", "101*1.2345"}, `item "101*1.2345"`},
		{[]string{"sell", "--data", dir, "--cashier", "c", "--discount", "d", "101"}, "flag provided but not defined"},
		{[]string{"receipts", "--data", dir, "queued"}, `unexpected argument "queued"`},
		{[]string{"goods", "--data", dir, "--name", "x"}, "flag provided but not defined"},
	} {
		status, stdout, stderr := runArgs(tt.args...)
		if status != 2 || stdout != "" || !strings.Contains(stderr, tt.want) || strings.Count(strings.TrimSpace(stderr), "\n") != 0 {
			t.Errorf("%v: exit %d, stdout %q, stderr %q; want exit 2 and one line with %q", tt.args, status, stdout, stderr, tt.want)
		}
	}
}

// fakeAgent is a local API with a token in its data directory: it
// records each request and answers with answer's status and body.
type fakeAgent struct {
	dir, addr string
	mu        sync.Mutex
	got       []string // "METHOD /path?query body"
}

func startFakeAgent(t *testing.T, answer func(method, path, body string) (int, any)) *fakeAgent {
	t.Helper()
	token := strings.Repeat("ab", 32)
	f := &fakeAgent{dir: t.TempDir()}
	os.WriteFile(filepath.Join(f.dir, "api-token"), []byte(token+"\n"), 0o600)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		f.mu.Lock()
		f.got = append(f.got, r.Method+" "+r.URL.RequestURI()+" "+string(body))
		f.mu.Unlock()
		status, out := http.StatusUnauthorized, any(map[string]string{"code": "unauthorized", "message": "token"})
		if r.Header.Get("Authorization") == "Bearer "+token {
			status, out = answer(r.Method, r.URL.RequestURI(), string(body))
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		json.NewEncoder(w).Encode(out)
	}))
	t.Cleanup(srv.Close)
	f.addr = strings.TrimPrefix(srv.URL, "http://")
	return f
}

// last is the last request the agent got.
func (f *fakeAgent) last() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.got) == 0 {
		return ""
	}
	return f.got[len(f.got)-1]
}

// sell sends the agent the request its command line says and prints the
// answer in one line; a refusal is one line and exit 1.
func TestSellAgainstAnAPI(t *testing.T) {
	receipt := agent.Receipt{State: agent.ReceiptQueued, Sale: protocol.Sale{
		ID: "0190c0de-0000-7000-8000-0000000000aa", Number: 7, Payment: "card", Total: 120060,
		At: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}}
	f := startFakeAgent(t, func(method, path, body string) (int, any) {
		switch {
		case method != http.MethodPost || path != "/v1/receipts":
			return http.StatusNotFound, map[string]string{"code": "not_found", "message": "no such endpoint"}
		case strings.Contains(body, `"total":1}`):
			return http.StatusUnprocessableEntity, map[string]string{"code": "total_mismatch", "message": "the lines add up to 120060 kopecks (1200.60 ₽), not the 1 displayed"}
		case strings.Contains(body, `"id"`):
			return http.StatusOK, receipt
		}
		return http.StatusCreated, receipt
	})
	status, stdout, stderr := runArgs("sell", "--data", f.dir, "--api", f.addr, "--cashier", "anna", "--payment", "card",
		"4600000000017*2", "code:202*1.234%dairy10", "--total", "120060")
	if status != 0 || stdout != "Receipt 7 registered: 1200.60 ₽ by card, queued (id 0190c0de-0000-7000-8000-0000000000aa).\n" {
		t.Fatalf("exit %d, stdout %q, stderr %q", status, stdout, stderr)
	}
	want := `POST /v1/receipts {"cashier_id":"anna","payment":"card","lines":[{"barcode":"4600000000017","quantity":2000},{"code":"202","quantity":1234,"discount_id":"dairy10"}],"total":120060}`
	if got := f.last(); got != want {
		t.Fatalf("the agent got\n%s\nwant\n%s", got, want)
	}
	status, stdout, _ = runArgs("sell", "--data", f.dir, "--api", f.addr, "--cashier", "anna", "--id", receipt.Sale.ID, "101")
	if status != 0 || !strings.HasPrefix(stdout, "Receipt 7 was already registered: ") || !strings.Contains(f.last(), `"id":"`+receipt.Sale.ID+`"`) {
		t.Fatalf("a retry: exit %d, %q; the agent got %s", status, stdout, f.last())
	}
	status, stdout, _ = runArgs("sell", "--data", f.dir, "--api", f.addr, "--cashier", "anna", "--json", "101")
	var echoed agent.Receipt
	if status != 0 || json.Unmarshal([]byte(stdout), &echoed) != nil || echoed.Sale.Number != 7 || echoed.State != "queued" {
		t.Fatalf("--json: exit %d, %q", status, stdout)
	}
	status, stdout, stderr = runArgs("sell", "--data", f.dir, "--api", f.addr, "--cashier", "anna", "--total", "1", "101")
	if status != 1 || stdout != "" || stderr != "mypos-agent: sale refused: the lines add up to 120060 kopecks (1200.60 ₽), not the 1 displayed (total_mismatch)\n" {
		t.Fatalf("a refusal: exit %d, stdout %q, stderr %q", status, stdout, stderr)
	}
}

func TestListsAgainstAnAPI(t *testing.T) {
	f := startFakeAgent(t, func(method, path, _ string) (int, any) {
		switch path {
		case "/v1/cashiers":
			return http.StatusOK, map[string]any{"items": []map[string]any{
				{"id": "anna", "name": "Анна", "role": "cashier", "active": true},
				{"id": "boris", "name": "Борис", "role": "administrator", "active": false}}}
		case "/v1/goods?code=101":
			return http.StatusOK, map[string]any{"items": []map[string]any{
				{"id": "bread", "code": "101", "name": "Хлеб", "price": 4500, "base_price": 5000, "unit": "piece", "vat": "10"}}}
		case "/v1/receipts?limit=5&state=rejected":
			return http.StatusOK, map[string]any{"items": []agent.Receipt{{State: "rejected", Code: "bad_field", Message: "no such cashier",
				Sale: protocol.Sale{Number: 3, Total: 9000, Payment: "cash", At: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}}}}
		}
		return http.StatusOK, map[string]any{"items": []any{}}
	})
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"cashiers"}, "anna   Анна   cashier\nboris  Борис  administrator  switched off\n"},
		{[]string{"goods", "--code", "101"}, "101  Хлеб  45.00 ₽/piece  VAT 10  bread\n"},
		{[]string{"goods", "--barcode", "1"}, "No such goods on this till.\n"},
		{[]string{"receipts", "--state", "rejected", "--limit", "5"}, "3  2026-01-02 03:04:05  90.00 ₽  cash  rejected  bad_field: no such cashier\n"},
		{[]string{"receipts"}, "No receipts.\n"},
		{[]string{"cashiers", "--json"}, `{"items":[{"active":true,"id":"anna","name":"Анна","role":"cashier"},{"active":false,"id":"boris","name":"Борис","role":"administrator"}]}` + "\n"},
	} {
		status, stdout, stderr := runArgs(append(tt.args, "--data", f.dir, "--api", f.addr)...)
		if status != 0 || stdout != tt.want {
			t.Errorf("%v: exit %d, stderr %q, stdout\n%q\nwant\n%q", tt.args, status, stderr, stdout, tt.want)
		}
	}
}

// Against a real agent: an unlicensed till refuses to sell, in one line,
// and the lists are empty.
func TestSellUnlicensedAgent(t *testing.T) {
	dir := startRealAgent(t)
	status, stdout, stderr := runArgs("sell", "--data", dir, "--cashier", "anna", "101*2")
	if status != 1 || stdout != "" || !strings.Contains(stderr, "(license_required)") || strings.Count(strings.TrimSpace(stderr), "\n") != 0 {
		t.Fatalf("exit %d, stdout %q, stderr %q; want one line saying license_required", status, stdout, stderr)
	}
	for cmd, want := range map[string]string{"receipts": "No receipts.\n", "cashiers": "No cashiers on this till: allow some on it in the cabinet, then sync.\n", "goods": "No such goods on this till.\n"} {
		if status, stdout, stderr := runArgs(cmd, "--data", dir); status != 0 || stdout != want {
			t.Errorf("%s: exit %d, stdout %q, stderr %q", cmd, status, stdout, stderr)
		}
	}
	if status, stdout, _ := runArgs("status", "--data", dir); status != 0 || !strings.Contains(stdout, "receipts  0 queued, 0 rejected\nfirmware  mypos-agent/") {
		t.Fatalf("status: exit %d, %q", status, stdout)
	}
}

// startRealAgent runs the agent on a fresh data directory with a cloud it
// cannot reach, and points the CLI's default address at its API.
func startRealAgent(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	dead, _ := net.Listen("tcp", "127.0.0.1:0")
	broker := dead.Addr().String()
	dead.Close()
	for name, value := range map[string]string{"device-id": "0190c0de-0000-7000-8000-00000000000c", "secret": "s", "mqtt-url": "mqtt://" + broker} {
		os.WriteFile(filepath.Join(dir, name), []byte(value+"\n"), 0o600)
	}
	var logs lockedBuffer
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- agent.Run(ctx, agent.RunConfig{DataDir: dir, Listen: "127.0.0.1:0", Logger: newLogger(&logs), MinReconnect: time.Second})
	}()
	t.Cleanup(func() { cancel(); <-done })
	t.Setenv("MYPOS_AGENT_LISTEN", apiAddr(t, &logs))
	return dir
}
