package agent

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"mypos/protocol"
)

// validKey is a well-formed key, as the cloud would have made it.
func validKey(fill string) (bare, shown string) {
	payload := strings.Repeat(fill, protocol.LicenseKeyLen-1)
	bare = payload + string(protocol.LicenseKeyCheck(payload))
	return bare, protocol.FormatLicenseKey(bare)
}

// fakeCloud is the cloud as the worker's sender sees it: it records what
// the till sends and answers each message with answer's reply (nil:
// silence), through the inbox as paho would.
type fakeCloud struct {
	mu   sync.Mutex
	sent []protocol.Message
}

func (ta *testAPI) cloud(answer func(protocol.Message) protocol.Message) *fakeCloud {
	c := &fakeCloud{}
	ta.w.do(func() {
		ta.w.connected(func(m protocol.Message) error {
			c.mu.Lock()
			c.sent = append(c.sent, m)
			c.mu.Unlock()
			if reply := answer(m); reply != nil {
				go func() { ta.w.inbox.ch <- inbound{msg: reply} }()
			}
			return nil
		})
	})
	return c
}

// keys returns the key entries the till sent.
func (c *fakeCloud) keys() []*protocol.License {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []*protocol.License
	for _, m := range c.sent {
		if l, ok := m.(*protocol.License); ok {
			out = append(out, l)
		}
	}
	return out
}

// syncing answers every sync with one page to the next revision, carrying
// items; and each key entry with keyReply (nil: silence).
func syncing(items []protocol.Item, keyReply func(*protocol.License) protocol.Message) func(protocol.Message) protocol.Message {
	return func(m protocol.Message) protocol.Message {
		switch m := m.(type) {
		case *protocol.Sync:
			return &protocol.SyncReply{Header: protocol.Header{ID: m.ID}, Since: m.Since, To: m.Since + 1, Items: items}
		case *protocol.License:
			if keyReply != nil {
				return keyReply(m)
			}
		}
		return nil
	}
}

func refuse(code string) func(*protocol.License) protocol.Message {
	return func(l *protocol.License) protocol.Message {
		return &protocol.LicenseReply{Header: protocol.Header{ID: l.ID}, Result: protocol.LicenseRefused, Code: code, Message: "refused: " + code}
	}
}

// enter posts a key (as JSON body) and returns the status and answer.
func (ta *testAPI) enter(body string) (int, map[string]any) {
	ta.t.Helper()
	code, out, _ := ta.send(http.MethodPost, "/v1/license", body)
	return code, out
}

func keyBody(key string) string {
	b, _ := json.Marshal(map[string]string{"key": key})
	return string(b)
}

// A typo is refused by the till itself, at once, and nothing is sent.
func TestAPILicenseTypo(t *testing.T) {
	ta := startAPI(t)
	c := ta.cloud(syncing(nil, refuse("conflict")))
	_, shown := validKey("7")
	typo := shown[:len(shown)-1] + "2"
	if typo == shown {
		typo = shown[:len(shown)-1] + "3"
	}
	for _, key := range []string{typo, shown[:20], "O" + shown[1:], ""} {
		start := time.Now()
		status, body := ta.enter(keyBody(key))
		if status != http.StatusBadRequest || body["code"] != "invalid_key" || !strings.HasSuffix(body["message"].(string), ".") || time.Since(start) > time.Second {
			t.Fatalf("%q: %d %v after %s, want 400 invalid_key at once", key, status, body, time.Since(start))
		}
	}
	for _, bad := range []string{`not json`, `{"key": 5}`, `{"key": "x", "device_id": "d"}`} {
		if status, body := ta.enter(bad); status != http.StatusBadRequest || body["code"] != "bad_request" {
			t.Fatalf("%s: %d %v, want 400 bad_request", bad, status, body)
		}
	}
	if sent := c.keys(); len(sent) != 0 {
		t.Fatalf("the till sent %d keys to the cloud, want none", len(sent))
	}
}

func TestAPILicenseOffline(t *testing.T) {
	ta := startAPI(t)
	_, shown := validKey("7")
	start := time.Now()
	status, body := ta.enter(keyBody(shown))
	if status != http.StatusServiceUnavailable || body["code"] != "offline" || time.Since(start) > time.Second {
		t.Fatalf("%d %v after %s, want 503 offline at once", status, body, time.Since(start))
	}
}

// An activation is answered once the sync it triggers has brought the
// license: the next GET /v1/status shows it.
func TestAPILicenseActivated(t *testing.T) {
	ta := startAPI(t)
	bare, shown := validKey("7")
	lic := upsert("license", "l1", `"sealed":false`)
	var once sync.Once
	items := []protocol.Item{}
	c := ta.cloud(func(m protocol.Message) protocol.Message {
		switch m := m.(type) {
		case *protocol.License:
			once.Do(func() { items = []protocol.Item{lic} }) // the cloud holds it from now on
			return &protocol.LicenseReply{Header: protocol.Header{ID: m.ID}, Result: protocol.LicenseActivated, LicenseID: "l1"}
		case *protocol.Sync:
			return &protocol.SyncReply{Header: protocol.Header{ID: m.ID}, Since: m.Since, To: m.Since + 1, Items: items}
		}
		return nil
	})
	client, err := NewAPIClient(ta.dir, ta.addr)
	if err != nil {
		t.Fatal(err)
	}
	res, err := client.EnterLicense(context.Background(), " "+strings.ToLower(strings.ReplaceAll(shown, "-", " ")))
	if err != nil || res.Result != protocol.LicenseActivated || res.LicenseID != "l1" {
		t.Fatalf("EnterLicense: %+v %v, want activated l1", res, err)
	}
	st, err := client.Status(context.Background())
	if err != nil || !strings.Contains(string(st.License), `"id":"l1"`) {
		t.Fatalf("status right after the activation: license %s %v, want l1", st.License, err)
	}
	keys := c.keys()
	if len(keys) != 1 || keys[0].Key != bare || keys[0].ID == "" {
		t.Fatalf("sent %+v, want the bare key once with an ID", keys)
	}
}

// The cloud's refusals reach the POS front with their code and a status.
func TestAPILicenseRefused(t *testing.T) {
	_, shown := validKey("7")
	for _, tt := range []struct {
		code   string
		status int
	}{
		{"conflict", http.StatusConflict},
		{"not_found", http.StatusNotFound},
		{"invalid", http.StatusBadRequest},
		{"rate_limited", http.StatusTooManyRequests},
		{"internal", http.StatusBadGateway},
	} {
		t.Run(tt.code, func(t *testing.T) {
			ta := startAPI(t)
			ta.cloud(syncing([]protocol.Item{}, refuse(tt.code)))
			status, body := ta.enter(keyBody(shown))
			if status != tt.status || body["code"] != tt.code || body["message"] != "refused: "+tt.code {
				t.Fatalf("%d %v, want %d %s with the cloud's message", status, body, tt.status, tt.code)
			}
		})
	}
	t.Run("ErrorMessage", func(t *testing.T) { // the uplink refused, not licensing
		ta := startAPI(t)
		ta.cloud(syncing([]protocol.Item{}, func(l *protocol.License) protocol.Message {
			return &protocol.Error{Header: protocol.Header{ID: l.ID}, Code: "rate_limited", Message: "too many messages: slow down"}
		}))
		if status, body := ta.enter(keyBody(shown)); status != http.StatusTooManyRequests || body["code"] != "rate_limited" {
			t.Fatalf("%d %v, want 429 rate_limited", status, body)
		}
	})
	t.Run("Client", func(t *testing.T) {
		ta := startAPI(t)
		ta.cloud(syncing([]protocol.Item{}, refuse("conflict")))
		client, _ := NewAPIClient(ta.dir, ta.addr)
		_, err := client.EnterLicense(context.Background(), shown)
		var ae *APIError
		if !errors.As(err, &ae) || ae.Status != http.StatusConflict || ae.Code != "conflict" {
			t.Fatalf("err=%v, want an APIError 409 conflict", err)
		}
	})
}

func TestAPILicenseNoAnswer(t *testing.T) {
	_, shown := validKey("7")
	t.Run("ErrTimeout", func(t *testing.T) {
		ta := startAPIWaiting(t, 200*time.Millisecond)
		ta.cloud(syncing([]protocol.Item{}, nil)) // a cloud that never answers a key
		if status, body := ta.enter(keyBody(shown)); status != http.StatusGatewayTimeout || body["code"] != "timeout" {
			t.Fatalf("%d %v, want 504 timeout", status, body)
		}
	})
	t.Run("ErrLinkLost", func(t *testing.T) {
		ta := startAPI(t)
		c := ta.cloud(syncing([]protocol.Item{}, nil))
		go func() {
			for len(c.keys()) == 0 {
				time.Sleep(5 * time.Millisecond)
			}
			ta.w.do(ta.w.disconnected)
		}()
		if status, body := ta.enter(keyBody(shown)); status != http.StatusServiceUnavailable || body["code"] != "offline" {
			t.Fatalf("%d %v, want 503 offline", status, body)
		}
	})
}

// The worker forgets a key entry the cloud never answered, and a late
// activation still brings the license by a sync.
func TestWorkerKeyEntries(t *testing.T) {
	h := newHarness(t)
	s := h.online()
	h.sync(s, 3, true)
	reply := make(chan keyResult, 1)
	h.w.enterKey("KEY", reply)
	l := sentOne[*protocol.License](h)
	h.clock = h.clock.Add(keyTimeout + time.Second)
	h.w.tick()
	if len(h.w.keys) != 0 {
		t.Fatalf("%d key entries kept past their deadline", len(h.w.keys))
	}
	h.down(&protocol.LicenseReply{Header: protocol.Header{ID: l.ID}, Result: protocol.LicenseActivated, LicenseID: "l1"})
	if got := sentOne[*protocol.Sync](h); got.Since != 3 {
		t.Fatalf("the late activation's sync is since %d, want 3", got.Since)
	}
	select {
	case r := <-reply:
		t.Fatalf("a forgotten entry was answered: %+v", r)
	default:
	}
}
