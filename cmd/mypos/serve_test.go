package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"mypos/db"
	"mypos/db/dbtest"
)

// served is `mypos serve` running inside the test process on port 0 over a
// fresh database, with what it printed and logged.
type served struct {
	t      *testing.T
	out    *lockedBuffer // stdout: the banner
	logs   *lockedBuffer // stderr: the log
	banner map[string]string
	URL    string    // the cabinet, e.g. http://127.0.0.1:41234
	db     db.Config // the database it serves
	client *http.Client
	stop   func()
}

// startServe runs serve with the environment of env (KEY=VALUE; a bare KEY
// unsets it) over the base one (every listener on 127.0.0.1:0, a fresh
// database, an owner) and waits for its banner. It stops the server when
// the test ends.
func startServe(t *testing.T, env ...string) *served {
	t.Helper()
	hashCost = bcrypt.MinCost // the race detector makes the real cost take seconds
	database := dbtest.Config(t)
	database.DataDir = t.TempDir()
	base := []string{
		"MYPOS_HTTP_ADDR=127.0.0.1:0", "MYPOS_MQTT_ADDR=127.0.0.1:0", "MYPOS_METRICS_ADDR=127.0.0.1:0",
		"MYPOS_DATA_DIR=" + database.DataDir, "MYPOS_DATABASE_URL=" + database.URL,
		"MYPOS_OWNER_EMAIL=owner@mypos.test", "MYPOS_OWNER_PASSWORD=owner-password",
	}
	for _, kv := range append(base, env...) {
		k, v, set := strings.Cut(kv, "=")
		t.Setenv(k, v) // restored when the test ends
		if !set {
			os.Unsetenv(k)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	s := &served{t: t, db: database, out: &lockedBuffer{}, logs: &lockedBuffer{}, client: &http.Client{Timeout: 30 * time.Second}}
	done := make(chan error, 1)
	go func() { done <- serve(ctx, nil, s.out, s.logs) }()
	var once sync.Once
	s.stop = func() {
		once.Do(func() {
			cancel()
			select {
			case err := <-done:
				if err != nil && !t.Failed() {
					t.Errorf("serve stopped with %v; logs:\n%s", err, s.logs)
				}
			case <-time.After(20 * time.Second):
				t.Errorf("serve did not stop within 20 s")
			}
		})
	}
	t.Cleanup(s.stop)

	deadline := time.After(30 * time.Second)
	for !strings.Contains(s.out.String(), "Stop with Ctrl+C") {
		select {
		case err := <-done:
			done <- err // for stop, which the cleanup calls
			t.Fatalf("serve exited before its banner: %v; logs:\n%s", err, s.logs)
		case <-deadline:
			t.Fatalf("no banner within 30 s; logs:\n%s", s.logs)
		case <-time.After(10 * time.Millisecond):
		}
	}
	s.banner = parseBanner(s.out.String())
	s.URL = strings.TrimSuffix(s.banner["cabinet"], "/")
	return s
}

var bannerLine = regexp.MustCompile(`(?m)^\s+(\S+)\s+(\S+://\S+)$`)

// parseBanner returns the banner's addresses by name.
func parseBanner(out string) map[string]string {
	found := map[string]string{}
	for _, m := range bannerLine.FindAllStringSubmatch(out, -1) {
		found[m[1]] = m[2]
	}
	return found
}

// call sends a JSON request to the cabinet and decodes the JSON answer.
func (s *served) call(method, path, token string, body any) (int, map[string]any) {
	s.t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, s.URL+path, rd)
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := s.client.Do(req)
	if err != nil {
		s.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	var out map[string]any
	json.NewDecoder(resp.Body).Decode(&out)
	return resp.StatusCode, out
}

// enroll signs a company up, creates a device and enrolls it, and returns
// the enrollment answer.
func (s *served) enroll() map[string]any {
	s.t.Helper()
	const email, password = "shop@mypos.test", "company-password"
	if status, body := s.call("POST", "/api/v1/auth/register", "", map[string]string{"kind": "company", "name": "Магазин", "inn": "7707083893", "email": email, "password": password}); status != http.StatusCreated {
		s.t.Fatalf("register: %d %v", status, body)
	}
	_, login := s.call("POST", "/api/v1/auth/login", "", map[string]string{"email": email, "password": password})
	token, _ := login["token"].(string)
	status, device := s.call("POST", "/api/v1/devices", token, map[string]string{"name": "Касса 1"})
	if status != http.StatusCreated {
		s.t.Fatalf("create device: %d %v", status, device)
	}
	status, creds := s.call("POST", "/api/v1/enroll", "", map[string]string{"code": device["enrollment_code"].(string), "nonce": "nonce-of-the-test-till"})
	if status != http.StatusOK {
		s.t.Fatalf("enroll: %d %v", status, creds)
	}
	return creds
}

type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
