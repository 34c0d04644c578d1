package e2e

import (
	"bytes"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"sync"
	"syscall"
	"testing"
	"time"
)

// tillShop is a company with one store, a goods, a cashier allowed on every
// till, and a licensed till per name, each running mypos-agent.
type tillShop struct {
	token, cashier string
	tills          []*till
}

// milkPrice is the price of the goods every test till sells, code 1001.
const milkPrice = 8990

func openShop(t *testing.T, s *server, email string, names ...string) *tillShop {
	t.Helper()
	sh := &tillShop{token: s.company(t, email)}
	store := s.do("POST", "/api/v1/stores", sh.token, map[string]string{"name": "Магазин"}).must(t, http.StatusCreated).str("id")
	s.do("POST", "/api/v1/goods", sh.token, map[string]any{"code": "1001", "name": "Молоко 1 л", "price": milkPrice, "unit": "piece", "vat": "10"}).must(t, http.StatusCreated)
	licenses := sealedLicenses(t, s, sh.token, "dealer-"+email, len(names))
	var ids []string
	for i, name := range names {
		tl := startTill(t, s, sh.token, name, store)
		s.do("POST", "/api/v1/devices/"+tl.id+"/license", sh.token, map[string]string{"license_id": licenses[i]}).must(t, http.StatusCreated)
		sh.tills = append(sh.tills, tl)
		ids = append(ids, tl.id)
	}
	sh.cashier = s.do("POST", "/api/v1/cashiers", sh.token, map[string]any{"name": "Ольга", "pin": "1234", "role": "cashier", "device_ids": ids}).must(t, http.StatusCreated).str("id")
	for i, tl := range sh.tills {
		within(t, 2*time.Second, "the till holds its license and the cashier", func() bool {
			return tl.license(t) == licenses[i] && tl.entities(t, "cashier")[sh.cashier] != nil
		})
	}
	return sh
}

// sale is the body of a sale of n milks by the shop's cashier, with the
// front's own receipt ID.
func (sh *tillShop) sale(id string, n int) string { return saleOf(sh.cashier, id, n) }

// saleOf is the body of a sale of n milks by a cashier.
func saleOf(cashier, id string, n int) string {
	return jsonOf(map[string]any{"id": id, "cashier_id": cashier, "payment": "cash", "total": n * milkPrice,
		"lines": []map[string]any{{"code": "1001", "quantity": n * 1000}}})
}

// newUUID is a random (version 4) UUID, as a POS front makes one.
func newUUID() string {
	b := make([]byte, 16)
	rand.Read(b)
	b[6], b[8] = b[6]&0x0f|0x40, b[8]&0x3f|0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}

// post sends a request to the till's local API and reports the status, or
// the error of a till that is not there (killed, restarting).
func (tl *till) post(path, body string) (int, error) {
	req, _ := http.NewRequest("POST", "http://"+tl.api+path, bytes.NewBufferString(body))
	req.Header.Set("Authorization", "Bearer "+tl.token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, err
	}
	resp.Body.Close()
	return resp.StatusCode, nil
}

// cloudReceipts is every receipt the company's cabinet lists: its total
// by receipt ID. A receipt listed twice fails the test.
func cloudReceipts(t *testing.T, s *server, token string) map[string]int64 {
	t.Helper()
	out := map[string]int64{}
	for _, r := range listAll(t, s, token, "/api/v1/receipts") {
		id := r["id"].(string)
		if _, twice := out[id]; twice {
			t.Fatalf("the cloud lists receipt %s twice", id)
		}
		out[id] = int64(r["total"].(float64))
	}
	return out
}

// exactly waits until the cloud holds exactly the receipts want — the same
// IDs, each once, with the same totals — and says what differs if not.
func exactly(t *testing.T, s *server, token string, want map[string]int64, limit time.Duration) {
	t.Helper()
	var got map[string]int64
	deadline := time.Now().Add(limit)
	for {
		got = cloudReceipts(t, s, token)
		if fmt.Sprint(got) == fmt.Sprint(want) {
			return
		}
		if time.Now().After(deadline) {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	var missing, extra []string
	for id := range want {
		if _, ok := got[id]; !ok {
			missing = append(missing, id)
		}
	}
	for id := range got {
		if _, ok := want[id]; !ok {
			extra = append(extra, id)
		}
	}
	sort.Strings(missing)
	t.Fatalf("the cloud holds %d receipts, want %d: %d missing (%v…), %d not sold", len(got), len(want), len(missing), first(missing), len(extra))
}

func first(ids []string) []string { return ids[:min(3, len(ids))] }

// The till is killed with SIGKILL while it uploads 500 receipts sold
// offline. Every receipt it answered was on its disk: after a restart the
// cloud holds every one exactly once, with its total.
func TestReceiptsSurviveSIGKILL(t *testing.T) {
	s := startServer(t)
	sh := openShop(t, s, "crash@shop.test", "Касса")
	tl := sh.tills[0]
	guarded(t, tl, sh.sale(newUUID(), 1))
	s.stop()
	want := map[string]int64{}
	for i := range 500 {
		id, n := newUUID(), 1+i%5
		want[id] = int64(n * milkPrice)
		if code, err := tl.post("/v1/receipts", sh.sale(id, n)); err != nil || code != http.StatusCreated {
			t.Fatalf("receipt %d sold offline: %d %v", i, code, err)
		}
	}
	s = startAgain(t, s)
	within(t, 30*time.Second, "the till starts uploading", func() bool {
		return len(items(t, s, sh.token, "/api/v1/receipts?limit=1")) > 0
	})
	tl.cmd.Process.Signal(syscall.SIGKILL)
	<-tl.done
	if got := len(cloudReceipts(t, s, sh.token)); got == len(want) {
		t.Logf("all %d receipts were uploaded before the kill landed: it tested the restart only", got)
	} else {
		t.Logf("killed with %d of %d receipts in the cloud", got, len(want))
	}
	tl.run(t)
	exactly(t, s, sh.token, want, 30*time.Second)
}

// Three tills sell while the server restarts: every receipt reaches the
// cloud once, none is lost or doubled, and the day's summary adds up.
func TestReceiptsThroughAServerRestart(t *testing.T) {
	s := startServer(t)
	sh := openShop(t, s, "restart@shop.test", "Касса 1", "Касса 2", "Касса 3")
	var mu sync.Mutex
	want := map[string]int64{}
	sell := func(tl *till, from, to int) {
		for i := from; i < to; i++ {
			id, n := newUUID(), 1+i%3
			if code, err := tl.post("/v1/receipts", sh.sale(id, n)); err != nil || code != http.StatusCreated {
				t.Errorf("till %s receipt %d: %d %v", tl.id, i, code, err)
				return
			}
			mu.Lock()
			want[id] = int64(n * milkPrice)
			mu.Unlock()
		}
	}
	var wg sync.WaitGroup
	for _, tl := range sh.tills {
		wg.Add(1)
		go func() { defer wg.Done(); sell(tl, 0, 100) }()
	}
	time.Sleep(200 * time.Millisecond)
	s = restartServer(t, s)
	wg.Wait()
	for _, tl := range sh.tills { // and after the restart
		wg.Add(1)
		go func() { defer wg.Done(); sell(tl, 100, 150) }()
	}
	wg.Wait()
	exactly(t, s, sh.token, want, 30*time.Second)

	var total int64
	for _, v := range want {
		total += v
	}
	today := time.Now().Format(time.DateOnly)
	sum := s.do("GET", "/api/v1/sales/summary?from="+today+"&to="+today, sh.token, nil).must(t, http.StatusOK)
	var rows []struct {
		Receipts int64 `json:"receipts"`
		Total    int64 `json:"total"`
	}
	raw, _ := json.Marshal(sum.Body["items"])
	json.Unmarshal(raw, &rows)
	var n, got int64
	for _, r := range rows {
		n, got = n+r.Receipts, got+r.Total
	}
	if n != int64(len(want)) || got != total {
		t.Fatalf("the summary counts %d receipts for %d kopecks, want %d for %d: %s", n, got, len(want), total, sum.Raw)
	}
}

// guarded checks the till's local API refuses a sale without its token
// (401) and one naming another host (403, as a page in the till's browser
// reached by DNS rebinding would), registering nothing.
func guarded(t *testing.T, tl *till, sale string) {
	t.Helper()
	for _, tt := range []struct {
		token, host string
		want        int
	}{{"", tl.api, http.StatusUnauthorized}, {"Bearer wrong", tl.api, http.StatusUnauthorized}, {"Bearer " + tl.token, "evil.test", http.StatusForbidden}} {
		req, _ := http.NewRequest("POST", "http://"+tl.api+"/v1/receipts", bytes.NewBufferString(sale))
		req.Host = tt.host
		if tt.token != "" {
			req.Header.Set("Authorization", tt.token)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != tt.want {
			t.Fatalf("a sale with %q to host %s: %d, want %d", tt.token, tt.host, resp.StatusCode, tt.want)
		}
	}
	if _, body := tl.call(t, "GET", "/v1/receipts", ""); len(body["items"].([]any)) != 0 {
		t.Fatalf("a refused request registered a receipt: %v", body)
	}
}
