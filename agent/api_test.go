package agent

import (
	"context"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"mypos/protocol"
)

// testAPI is the local API served on a free loopback port over a harness's
// local database, with the worker running on its own goroutine.
type testAPI struct {
	*harness
	api  *api
	addr string
}

// startAPI serves the API after seed has written the local database.
func startAPI(t *testing.T, seed ...protocol.Item) *testAPI {
	t.Helper()
	return startAPIWaiting(t, 2*time.Second, seed...)
}

// startAPIWaiting is startAPI with POST /v1/sync and /v1/license waiting
// up to wait.
func startAPIWaiting(t *testing.T, wait time.Duration, seed ...protocol.Item) *testAPI {
	t.Helper()
	h := newHarness(t)
	if err := h.local.applyChanges(seed, 5); err != nil {
		t.Fatal(err)
	}
	h.w.rev = 5
	ln, err := listenAPI("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	token, err := apiToken(h.dir, h.w.log)
	if err != nil {
		t.Fatal(err)
	}
	a := &api{worker: h.w, local: h.local, log: h.w.log, deviceID: testDevice, token: token,
		hosts: allowedHosts(ln), syncWait: wait, licenseWait: wait, pins: newPINGuard()}
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() { h.w.run(ctx) })
	stop := a.serve(ln)
	t.Cleanup(func() { stop(); cancel(); wg.Wait() })
	return &testAPI{harness: h, api: a, addr: ln.Addr().String()}
}

// call makes a request; host "" is the bound address, token "-" the right one.
func (ta *testAPI) call(method, path, host, token string) (int, map[string]any) {
	ta.t.Helper()
	req, _ := http.NewRequest(method, "http://"+ta.addr+path, nil)
	if host != "" {
		req.Host = host
	}
	if token == "-" {
		token = ta.api.token
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	status, body, _ := ta.do(req)
	return status, body
}

// do sends req and decodes the JSON answer, failing the test on anything else.
func (ta *testAPI) do(req *http.Request) (int, map[string]any, http.Header) {
	ta.t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		ta.t.Fatal(err)
	}
	defer resp.Body.Close()
	var body map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
		ta.t.Fatalf("%s %s: %d with a body that is not JSON: %v", req.Method, req.URL.Path, resp.StatusCode, err)
	}
	return resp.StatusCode, body, resp.Header
}

func (ta *testAPI) items(path string) []map[string]any {
	ta.t.Helper()
	status, body := ta.call(http.MethodGet, path, "", "-")
	if status != http.StatusOK {
		ta.t.Fatalf("GET %s: %d %v", path, status, body)
	}
	var out []map[string]any
	raw, _ := json.Marshal(body["items"])
	json.Unmarshal(raw, &out)
	return out
}

func TestAPIAuth(t *testing.T) {
	ta := startAPI(t)
	_, port, _ := net.SplitHostPort(ta.addr)
	for _, tt := range []struct {
		name, host, token string
		status            int
		code              string
	}{
		{"OK", "", "-", http.StatusOK, ""},
		{"OKLocalhost", "LocalHost:" + port, "-", http.StatusOK, ""},
		{"OKIPv6Loopback", "[::1]:" + port, "-", http.StatusOK, ""},
		{"ErrNoToken", "", "", http.StatusUnauthorized, "unauthorized"},
		{"ErrWrongToken", "", strings.Repeat("0", 64), http.StatusUnauthorized, "unauthorized"},
		{"ErrRebindingHost", "shop.example:" + port, "-", http.StatusForbidden, "forbidden_host"},
		{"ErrOtherPort", "127.0.0.1:1", "-", http.StatusForbidden, "forbidden_host"},
		{"ErrNoPort", "localhost", "-", http.StatusForbidden, "forbidden_host"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			status, body := ta.call(http.MethodGet, "/v1/status", tt.host, tt.token)
			if status != tt.status || (tt.code != "" && (body["code"] != tt.code || body["message"] == "")) {
				t.Fatalf("%d %v, want %d %q with a message", status, body, tt.status, tt.code)
			}
		})
	}
}

func TestAPIRoutes(t *testing.T) {
	ta := startAPI(t)
	if status, body := ta.call(http.MethodGet, "/v1/nothing", "", "-"); status != http.StatusNotFound || body["code"] != "not_found" {
		t.Fatalf("unknown path: %d %v", status, body)
	}
	if status, body := ta.call(http.MethodDelete, "/v1/status", "", "-"); status != http.StatusMethodNotAllowed || body["code"] != "method_not_allowed" {
		t.Fatalf("wrong method: %d %v", status, body)
	}
	// An unknown path without the token is refused before it is looked up.
	if status, _ := ta.call(http.MethodGet, "/v1/nothing", "", ""); status != http.StatusUnauthorized {
		t.Fatalf("unknown path without a token: %d, want 401", status)
	}
}

func TestAPIStatus(t *testing.T) {
	ta := startAPI(t)
	status, body := ta.call(http.MethodGet, "/v1/status", "", "-")
	if status != http.StatusOK || body["device_id"] != testDevice || body["online"] != false || body["revision"] != 5.0 || body["firmware"] != "mypos-agent/test" {
		t.Fatalf("%d %v, want this device offline at revision 5, running mypos-agent/test", status, body)
	}
	if lic, ok := body["license"]; !ok || lic != nil {
		t.Fatalf("license %v, want null", lic)
	}

	ta = startAPI(t, upsert("license", "l1", `"state":"active"`))
	_, body = ta.call(http.MethodGet, "/v1/status", "", "-")
	if lic, _ := body["license"].(map[string]any); lic["id"] != "l1" || lic["state"] != "active" {
		t.Fatalf("license %v, want the license entity's body", body["license"])
	}
}

func TestAPIHidesPinHash(t *testing.T) {
	ta := startAPI(t,
		upsert("cashier", "c1", `"name":"Анна","role":"cashier","active":true,"pin_hash":"$2a$10$secret","device_ids":["d"]`),
		upsert("cashier", "c2", `"name":"Борис","pin_hash":"$2a$10$other"`))
	for _, path := range []string{"/v1/cashiers", "/v1/entities/cashier"} {
		list := ta.items(path)
		if len(list) != 2 || list[0]["name"] != "Анна" || list[0]["role"] != "cashier" {
			t.Fatalf("%s: %v, want both cashiers with their fields", path, list)
		}
		for _, c := range list {
			if _, ok := c["pin_hash"]; ok {
				t.Fatalf("%s served a pin_hash: %v", path, c)
			}
		}
	}
}

func TestAPIGoods(t *testing.T) {
	ta := startAPI(t,
		upsert("goods", "g1", `"code":"101","name":"Хлеб","barcodes":["4600000000001","4600000000002"]`),
		upsert("goods", "g2", `"code":102,"name":"Молоко","barcodes":[]`),
		upsert("goods", "g3", `"name":"Соль"`),
		upsert("discount", "d1", `"value":500`))
	ids := func(path string) string {
		var out []string
		for _, g := range ta.items(path) {
			out = append(out, g["id"].(string))
		}
		return strings.Join(out, ",")
	}
	for path, want := range map[string]string{
		"/v1/goods":                                "g1,g2,g3",
		"/v1/goods?code=101":                       "g1",
		"/v1/goods?code=102":                       "g2",
		"/v1/goods?code=":                          "",
		"/v1/goods?barcode=4600000000002":          "g1",
		"/v1/goods?barcode=4600000000009":          "",
		"/v1/goods?code=102&barcode=4600000000001": "",
		"/v1/discounts":                            "d1",
		"/v1/entities/goods":                       "g1,g2,g3",
		"/v1/entities/no_such_kind":                "",
		"/v1/goods?code=101&barcode=4600000000001": "g1",
	} {
		if got := ids(path); got != want {
			t.Errorf("%s: %q, want %q", path, got, want)
		}
	}
}

func TestAPISync(t *testing.T) {
	t.Run("ErrOffline", func(t *testing.T) {
		ta := startAPI(t)
		start := time.Now()
		status, body := ta.call(http.MethodPost, "/v1/sync", "", "-")
		if status != http.StatusServiceUnavailable || body["code"] != "offline" || time.Since(start) > time.Second {
			t.Fatalf("%d %v after %s, want 503 offline at once", status, body, time.Since(start))
		}
	})
	t.Run("OK", func(t *testing.T) {
		ta := startAPI(t)
		ta.connect(func(s *protocol.Sync) *protocol.SyncReply {
			return &protocol.SyncReply{Header: protocol.Header{ID: s.ID}, Since: s.Since, To: s.Since + 2, Items: []protocol.Item{}}
		})
		status, body := ta.call(http.MethodPost, "/v1/sync", "", "-")
		if status != http.StatusOK || body["revision"] != 9.0 {
			t.Fatalf("%d %v, want revision 9 (the connect's sync to 7, then this one's)", status, body)
		}
		c, err := NewAPIClient(ta.dir, ta.addr)
		if err != nil {
			t.Fatal(err)
		}
		if rev, err := c.Sync(context.Background()); err != nil || rev != 11 {
			t.Fatalf("the client's sync: %d %v, want 11", rev, err)
		}
		if st, err := c.Status(context.Background()); err != nil || !st.Online || st.Revision != 11 || st.DeviceID != testDevice {
			t.Fatalf("the client's status: %+v %v", st, err)
		}
	})
	t.Run("ErrTimeout", func(t *testing.T) {
		ta := startAPIWaiting(t, 200*time.Millisecond)
		ta.connect(func(*protocol.Sync) *protocol.SyncReply { return nil }) // a cloud that never answers
		status, body := ta.call(http.MethodPost, "/v1/sync", "", "-")
		if status != http.StatusGatewayTimeout || body["code"] != "timeout" {
			t.Fatalf("%d %v, want 504 timeout", status, body)
		}
	})
	t.Run("ErrRefused", func(t *testing.T) {
		ta := startAPI(t)
		c, _ := NewAPIClient(ta.dir, ta.addr)
		ta.connectRefusing()
		_, err := c.Sync(context.Background())
		var ae *APIError
		if !errors.As(err, &ae) || ae.Status != http.StatusBadGateway || ae.Code != "sync_failed" || !strings.Contains(ae.Message, "unsupported") {
			t.Fatalf("err=%v, want 502 sync_failed naming the cloud's code", err)
		}
	})
}

// connect puts the worker online with a cloud that answers each first
// page request with answer's reply (nil: silence).
func (ta *testAPI) connect(answer func(*protocol.Sync) *protocol.SyncReply) {
	ta.t.Helper()
	ta.w.do(func() {
		ta.w.connected(func(m protocol.Message) error {
			if s, ok := m.(*protocol.Sync); ok {
				if reply := answer(s); reply != nil {
					go func() { ta.w.inbox.ch <- inbound{msg: reply} }()
				}
			}
			return nil
		})
	})
}

// connectRefusing answers the connect's sync, and refuses every later one.
func (ta *testAPI) connectRefusing() {
	var n int
	ta.w.do(func() {
		ta.w.connected(func(m protocol.Message) error {
			s, ok := m.(*protocol.Sync)
			if !ok {
				return nil
			}
			n++
			var reply protocol.Message = &protocol.SyncReply{Header: protocol.Header{ID: s.ID}, Since: s.Since, To: s.Since, Items: []protocol.Item{}}
			if n > 1 {
				reply = &protocol.Error{Header: protocol.Header{ID: s.ID}, Code: "unsupported", Message: "not served"}
			}
			go func() { ta.w.inbox.ch <- inbound{msg: reply} }()
			return nil
		})
	})
}

func TestListenAPI(t *testing.T) {
	for _, addr := range []string{"0.0.0.0:0", ":0", "192.0.2.1:8181", "till.example:8181", "127.0.0.1"} {
		if ln, err := listenAPI(addr); err == nil {
			ln.Close()
			t.Errorf("%q was accepted: the API listens on the loopback only", addr)
		}
	}
	ln, err := listenAPI("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	if _, err := listenAPI(ln.Addr().String()); err == nil || !strings.Contains(err.Error(), "MYPOS_AGENT_LISTEN") {
		t.Fatalf("a port in use: %v, want an error naming the setting", err)
	}
}

func TestAPIToken(t *testing.T) {
	dir := t.TempDir()
	if _, err := ReadAPIToken(dir); !errors.Is(err, ErrNoAPIToken) {
		t.Fatalf("no token yet: %v, want ErrNoAPIToken", err)
	}
	tok, err := apiToken(dir, discard())
	if err != nil || len(tok) != 64 {
		t.Fatalf("token %q %v, want 256 bits in hex", tok, err)
	}
	path := filepath.Join(dir, fileAPIToken)
	mustMode(t, path, 0o600)
	os.Chmod(path, 0o644)
	if again, err := apiToken(dir, discard()); again != tok || err != nil {
		t.Fatalf("second run: %q %v, want the same token", again, err)
	}
	mustMode(t, path, 0o600)
	if read, err := ReadAPIToken(dir); read != tok || err != nil {
		t.Fatalf("ReadAPIToken: %q %v", read, err)
	}
	os.WriteFile(path, []byte("short\n"), 0o600)
	if fresh, err := apiToken(dir, discard()); err != nil || fresh == tok || len(fresh) != 64 {
		t.Fatalf("a damaged token: %q %v, want a fresh one", fresh, err)
	}
}
