package agent

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// The httptest servers here stand in for the network, not for the cloud:
// they fail the ways HTTP fails (5xx, a dropped connection, 429) so the
// retry logic can be seen. The real server is tested in e2e.

// flaky answers each attempt with the next step, recording the requests.
type flaky struct {
	mu    sync.Mutex
	steps []func(w http.ResponseWriter)
	seen  []enrollRequest
	dir   string // when set: the nonce must be on disk before the request
	t     *testing.T
}

func (f *flaky) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var req enrollRequest
	json.NewDecoder(r.Body).Decode(&req)
	f.mu.Lock()
	n := len(f.seen)
	f.seen = append(f.seen, req)
	f.mu.Unlock()
	if f.dir != "" {
		if stored, _ := readValue(f.dir, fileNonce); stored != req.Nonce {
			f.t.Errorf("attempt %d sent nonce %q, but the disk holds %q", n+1, req.Nonce, stored)
		}
	}
	if r.Method != http.MethodPost || r.URL.Path != "/api/v1/enroll" {
		f.t.Errorf("%s %s, want POST /api/v1/enroll", r.Method, r.URL.Path)
	}
	f.steps[min(n, len(f.steps)-1)](w)
}

func (f *flaky) attempts() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.seen)
}

func status(code int) func(http.ResponseWriter) {
	return func(w http.ResponseWriter) { w.WriteHeader(code) }
}

func problem(code int, retryAfter, detail string) func(http.ResponseWriter) {
	return func(w http.ResponseWriter) {
		if retryAfter != "" {
			w.Header().Set("Retry-After", retryAfter)
		}
		w.Header().Set("Content-Type", "application/problem+json")
		w.WriteHeader(code)
		json.NewEncoder(w).Encode(map[string]any{"status": code, "code": "unauthorized", "detail": detail})
	}
}

// hangUp drops the connection without an answer: a lost response.
func hangUp(w http.ResponseWriter) {
	conn, _, err := w.(http.Hijacker).Hijack()
	if err == nil {
		conn.Close()
	}
}

func answer(w http.ResponseWriter) {
	json.NewEncoder(w).Encode(enrollAnswer{DeviceID: testDevice, Secret: testIdentity().Secret, MQTTURL: "mqtts://cloud.example"})
}

func testEnroll(t *testing.T, f *flaky, dir string, mod func(*EnrollConfig)) (*Identity, error) {
	t.Helper()
	f.t = t
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	cfg := EnrollConfig{Server: srv.URL + "/", Code: " ABCD-EFGH-JK ", DataDir: dir, Budget: 5 * time.Second,
		MinRetry: 10 * time.Millisecond, MaxRetry: 50 * time.Millisecond}
	if mod != nil {
		mod(&cfg)
	}
	return Enroll(context.Background(), cfg)
}

func TestEnroll(t *testing.T) {
	t.Run("RetriesWithTheSameNonce", func(t *testing.T) {
		dir := filepath.Join(t.TempDir(), "data")
		f := &flaky{steps: []func(http.ResponseWriter){status(http.StatusBadGateway), hangUp, status(http.StatusServiceUnavailable), answer}, dir: dir}
		id, err := testEnroll(t, f, dir, nil)
		if err != nil {
			t.Fatal(err)
		}
		if f.attempts() != 4 || f.seen[0].Nonce != f.seen[3].Nonce || f.seen[0].Code != "ABCD-EFGH-JK" {
			t.Fatalf("requests %+v: want 4 with one nonce and the trimmed code", f.seen)
		}
		mustMode(t, dir, 0o700)
		if stored, err := LoadIdentity(dir); err != nil || *stored != *id {
			t.Fatalf("stored %v, %v; want %v", stored, err, id)
		}
	})
	t.Run("NonceSurvivesAFailedRun", func(t *testing.T) {
		dir := t.TempDir()
		down := &flaky{steps: []func(http.ResponseWriter){status(http.StatusInternalServerError)}}
		_, err := testEnroll(t, down, dir, func(c *EnrollConfig) { c.Budget = 200 * time.Millisecond })
		if err == nil || !strings.Contains(err.Error(), "500") || !strings.Contains(err.Error(), "gave up after") {
			t.Fatalf("err=%v, want the last 500 after giving up", err)
		}
		up := &flaky{steps: []func(http.ResponseWriter){answer}}
		if _, err := testEnroll(t, up, dir, nil); err != nil {
			t.Fatal(err)
		}
		if up.seen[0].Nonce != down.seen[0].Nonce {
			t.Fatal("the run after a failed one sent another nonce: a lost answer would strand the till")
		}
	})
	t.Run("ErrRefusedAtOnce", func(t *testing.T) {
		f := &flaky{steps: []func(http.ResponseWriter){problem(http.StatusUnauthorized, "", "This enrollment code does not work:\nget a new one.")}}
		_, err := testEnroll(t, f, t.TempDir(), nil)
		var se *ServerError
		if !errors.As(err, &se) || se.Status != http.StatusUnauthorized || f.attempts() != 1 {
			t.Fatalf("err=%v after %d attempts, want one 401", err, f.attempts())
		}
		if got := err.Error(); got != "the server answered 401 Unauthorized: This enrollment code does not work: get a new one." {
			t.Fatalf("err=%q, want the server's detail on one line", got)
		}
	})
	t.Run("RateLimitWithinBudget", func(t *testing.T) {
		f := &flaky{steps: []func(http.ResponseWriter){problem(http.StatusTooManyRequests, "1", "Too many attempts."), answer}}
		start := time.Now()
		if _, err := testEnroll(t, f, t.TempDir(), nil); err != nil {
			t.Fatal(err)
		}
		if waited := time.Since(start); waited < time.Second {
			t.Fatalf("retried after %s, want Retry-After's 1 s", waited)
		}
	})
	t.Run("ErrRateLimitBeyondBudget", func(t *testing.T) {
		f := &flaky{steps: []func(http.ResponseWriter){problem(http.StatusTooManyRequests, "120", "Too many attempts.")}}
		_, err := testEnroll(t, f, t.TempDir(), nil)
		if err == nil || !strings.Contains(err.Error(), "retry in 2m0s") || f.attempts() != 1 {
			t.Fatalf("err=%v after %d attempts, want one refusal saying when to retry", err, f.attempts())
		}
	})
	t.Run("ErrBadAnswer", func(t *testing.T) {
		f := &flaky{steps: []func(http.ResponseWriter){func(w http.ResponseWriter) { w.Write([]byte(`{"device_id":"a/b","secret":"x","mqtt_url":"mqtt://h"}`)) }}}
		_, err := testEnroll(t, f, t.TempDir(), nil)
		if !errors.Is(err, errBadAnswer) || f.attempts() != 1 {
			t.Fatalf("err=%v after %d attempts, want one bad answer", err, f.attempts())
		}
	})
	t.Run("KeepsAnUnusableBrokerURL", func(t *testing.T) {
		dir := t.TempDir()
		f := &flaky{steps: []func(http.ResponseWriter){func(w http.ResponseWriter) {
			json.NewEncoder(w).Encode(enrollAnswer{DeviceID: testDevice, Secret: "s", MQTTURL: "tcp://cloud.example:1883"})
		}}}
		if _, err := testEnroll(t, f, dir, nil); err != nil {
			t.Fatalf("err=%v: the secret must be kept even when its broker URL is unusable", err)
		}
		if _, err := LoadIdentity(dir); err == nil || !strings.Contains(err.Error(), "mqtt, mqtts, ws or wss") {
			t.Fatalf("LoadIdentity: %v, want the scheme refused", err)
		}
	})
	t.Run("ErrEnrolledWithoutForce", func(t *testing.T) {
		dir := t.TempDir()
		saveIdentity(dir, &Identity{DeviceID: "old-device", Secret: "old", MQTTURL: "mqtt://h"})
		f := &flaky{steps: []func(http.ResponseWriter){answer}}
		if _, err := testEnroll(t, f, dir, nil); !errors.Is(err, ErrEnrolled) || !strings.Contains(err.Error(), "old-device") || f.attempts() != 0 {
			t.Fatalf("err=%v after %d attempts, want ErrEnrolled before asking the server", err, f.attempts())
		}
		if id, err := testEnroll(t, f, dir, func(c *EnrollConfig) { c.Force = true }); err != nil || id.DeviceID != testDevice {
			t.Fatalf("with Force: %v %v, want the new identity", id, err)
		}
	})
	t.Run("ErrServerURL", func(t *testing.T) {
		for _, server := range []string{"", "ftp://cloud.example", "cloud.example"} {
			_, err := Enroll(context.Background(), EnrollConfig{Server: server, Code: "X", DataDir: t.TempDir()})
			if err == nil || !strings.Contains(err.Error(), "http:// or https://") {
				t.Errorf("server %q: err=%v", server, err)
			}
		}
	})
	t.Run("ErrCanceled", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { cancel(); w.WriteHeader(http.StatusBadGateway) }))
		defer srv.Close()
		_, err := Enroll(ctx, EnrollConfig{Server: srv.URL, Code: "X", DataDir: t.TempDir()})
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("err=%v, want context.Canceled", err)
		}
	})
}

func TestRetryAfter(t *testing.T) {
	for v, want := range map[string]time.Duration{"": 0, "7": 7 * time.Second, "soon": 0, "-1": 0} {
		if got := retryAfter(v); got != want {
			t.Errorf("retryAfter(%q)=%s, want %s", v, got, want)
		}
	}
	date := time.Now().Add(30 * time.Second).UTC().Format(http.TimeFormat)
	if got := retryAfter(date); got < 28*time.Second || got > 30*time.Second {
		t.Errorf("retryAfter(%q)=%s, want about 30 s", date, got)
	}
}
