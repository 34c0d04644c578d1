package cabinet

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"mypos/services"
	"mypos/services/servicestest"
)

// A request head over the limits is the client's fault, answered as
// problem+json with its own status and code — 414 for a long URL, 431 for
// long headers — and nothing is logged as an error. A head within them,
// larger than fasthttp's 4 KiB default, is served.
func TestRequestHeadLimits(t *testing.T) {
	logs := &syncBuffer{}
	svc := servicestest.Open(t, services.Config{})
	srv, err := New(Config{Set: svc, Fleet: servicestest.Live(t, svc), Logger: slog.New(slog.NewTextHandler(logs, nil))})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Shutdown(t.Context()) })

	big := strings.Repeat("a", 20<<10)
	tests := []struct {
		name, target, header string
		status               int
		code                 string
	}{
		{"LongURL", "/healthz?q=" + big, "", http.StatusRequestURITooLong, codeURITooLong},
		{"LongHeader", "/healthz", "X-Padding: " + big, http.StatusRequestHeaderFieldsTooLarge, codeHeadersTooLarge},
		{"ManyHeaders", "/healthz", strings.Repeat("X-Padding: "+strings.Repeat("b", 1000)+"\r\n", 20) + "X-End: 1", http.StatusRequestHeaderFieldsTooLarge, codeHeadersTooLarge},
		{"HeadOverTheBuffer", "/healthz", "X-Padding: " + strings.Repeat(big, 3), http.StatusRequestHeaderFieldsTooLarge, codeHeadersTooLarge},
		{"LargeCookieWithin", "/healthz", "Cookie: c=" + strings.Repeat("c", 8<<10), http.StatusOK, ""},
		{"BodyOverTheLimit", "/api/v1/goods/import", fmt.Sprintf("Content-Length: %d", maxBody+1), http.StatusRequestEntityTooLarge, codeTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := rawRequest(t, ln.Addr().String(), tt.target, tt.header)
			if resp.StatusCode != tt.status {
				t.Fatalf("status %d, want %d: %.300s", resp.StatusCode, tt.status, body)
			}
			if tt.code == "" {
				return
			}
			var p problem
			if ct := resp.Header.Get("Content-Type"); ct != "application/problem+json" {
				t.Fatalf("Content-Type %q, want application/problem+json: %.300s", ct, body)
			}
			if err := json.Unmarshal(body, &p); err != nil || p.Code != tt.code || p.Status != tt.status || p.Detail == "" {
				t.Fatalf("problem %+v (%v), want code %q status %d and a detail", p, err, tt.code, tt.status)
			}
		})
	}
	if strings.Contains(logs.String(), "level=ERROR") {
		t.Fatalf("a client's oversized request was logged as an error:\n%.2000s", logs)
	}
}

// rawRequest sends one GET over a fresh TCP connection, exactly as written,
// and reads the answer.
func rawRequest(t *testing.T, addr, target, header string) (*http.Response, []byte) {
	t.Helper()
	conn, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(10 * time.Second))
	if header != "" {
		header += "\r\n"
	}
	if _, err := fmt.Fprintf(conn, "GET %s HTTP/1.1\r\nHost: cabinet.test\r\n%sConnection: close\r\n\r\n", target, header); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("read the answer: %v", err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp, body
}

type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
