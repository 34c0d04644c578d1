package main

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func TestSimUsage(t *testing.T) {
	till := t.TempDir()
	os.WriteFile(filepath.Join(till, "device-id"), []byte("dev-1\n"), 0o600)
	base := []string{"sim", "--server", "http://127.0.0.1:1", "--token", "T", "--data", t.TempDir()}
	for _, tt := range []struct {
		name   string
		args   []string
		status int
		stderr string
	}{
		{"ErrNoServer", []string{"sim", "--token", "T"}, 2, "sim --server URL --token COMPANY_TOKEN"},
		{"ErrNoToken", []string{"sim", "--server", "http://127.0.0.1:1"}, 2, "sim --server URL --token COMPANY_TOKEN"},
		{"ErrNoTills", append(base, "--tills", "0"), 2, "--tills is 1 to 1000"},
		{"ErrTooManyTills", append(base, "--tills", "1001"), 2, "--tills is 1 to 1000"},
		{"ErrNoReceipts", append(base, "--receipts", "0"), 2, "--receipts is at least 1"},
		{"ErrTooManyLines", append(base, "--lines", "51"), 2, "--lines is 1 to 50"},
		{"ErrArgument", append(base, "now"), 2, `unexpected argument "now"`},
		{"ErrServerURL", []string{"sim", "--server", "127.0.0.1:8080", "--token", "T", "--data", t.TempDir()}, 2, "http:// or https://"},
		{"ErrTillDirectory", []string{"sim", "--server", "http://127.0.0.1:1", "--token", "T", "--data", till}, 1, "is a till's data directory"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			status, _, stderr := runArgs(tt.args...)
			if status != tt.status || !strings.Contains(stderr, tt.stderr) || strings.Count(strings.TrimSpace(stderr), "\n") != 0 {
				t.Fatalf("exit %d, stderr %q; want %d and one line with %q", status, stderr, tt.status, tt.stderr)
			}
		})
	}
	if _, stdout, _ := runArgs("help"); !strings.Contains(stdout, "mypos-agent sim --server URL --token COMPANY_TOKEN") {
		t.Fatalf("help does not show sim: %q", stdout)
	}
}

// fakeCabinet answers GET /api/v1/me with kind and the license lists with
// free sealed licenses, and counts the requests that would write.
func fakeCabinet(t *testing.T, kind string, free int, writes *atomic.Int32) string {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet {
			writes.Add(1)
		}
		w.Header().Set("Content-Type", "application/json")
		switch {
		case r.Header.Get("Authorization") != "Bearer good":
			w.WriteHeader(http.StatusUnauthorized)
			w.Write([]byte(`{"code":"unauthorized","detail":"Log in."}`))
		case r.URL.Path == "/api/v1/me":
			w.Write([]byte(`{"kind":"` + kind + `"}`))
		case r.URL.Path == "/api/v1/licenses" && r.URL.Query().Get("state") == "sealed":
			items := strings.TrimSuffix(strings.Repeat(`{"id":"L"},`, free), ",")
			w.Write([]byte(`{"items":[` + items + `],"next":null}`))
		case r.URL.Path == "/api/v1/licenses":
			w.Write([]byte(`{"items":[],"next":null}`))
		default:
			w.WriteHeader(http.StatusNotFound)
			w.Write([]byte(`{"code":"not_found","detail":"No such thing."}`))
		}
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

// Before it writes anything, sim checks the token is a company's and
// that the company has a free license for every till.
func TestSimRefusesBeforeWriting(t *testing.T) {
	for _, tt := range []struct {
		name, kind, token string
		free              int
		stderr            string
	}{
		{"ErrToken", "company", "bad", 5, "the cloud refused --token"},
		{"ErrPartner", "partner", "good", 5, "--token is a partner's: sim needs a company's"},
		{"ErrLicenses", "company", "good", 1, "short of licenses: tills without one 3, free licenses 1; ask its partner for 2 more"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var writes atomic.Int32
			url := fakeCabinet(t, tt.kind, tt.free, &writes)
			status, _, stderr := runArgs("sim", "--server", url, "--token", tt.token, "--tills", "3", "--data", t.TempDir())
			if status != 1 || !strings.Contains(stderr, tt.stderr) || strings.Count(strings.TrimSpace(stderr), "\n") != 0 {
				t.Fatalf("exit %d, stderr %q; want 1 and one line with %q", status, stderr, tt.stderr)
			}
			if writes.Load() != 0 {
				t.Fatalf("%d writes to the cabinet, want none", writes.Load())
			}
		})
	}
}

func TestSimReport(t *testing.T) {
	start := time.Now()
	ms := func(n int) time.Duration { return time.Duration(n) * time.Millisecond }
	tills := []*simTill{
		{sold: map[string]int64{"a": 1, "b": 2}, listed: 2, latencies: []time.Duration{ms(1), ms(4)}, soldAt: start.Add(ms(500)), ackedAt: start.Add(ms(1000))},
		{sold: map[string]int64{"c": 3, "d": 4}, listed: 2, latencies: []time.Duration{ms(3), ms(2)}, soldAt: start.Add(ms(250)), ackedAt: start.Add(ms(2000))},
	}
	r := newReport(simOptions{lines: 3}, tills, start, start)
	if got, want := r.Sell, (simPhase{Seconds: 0.5, PerSecond: 8, P50Ms: 2, P99Ms: 4}); got != want {
		t.Fatalf("sell=%+v, want %+v", got, want)
	}
	if got, want := r.Upload, (simPhase{Seconds: 2, PerSecond: 2}); got != want {
		t.Fatalf("upload=%+v, want %+v", got, want)
	}
	// --offline times the upload from the tills' return.
	if got, want := newReport(simOptions{lines: 3}, tills, start, start.Add(ms(1500))).Upload, (simPhase{Seconds: 0.5, PerSecond: 8}); got != want {
		t.Fatalf("offline upload=%+v, want %+v", got, want)
	}
	if r.Receipts != 4 || r.Cloud != 4 || r.failure() != nil {
		t.Fatalf("report %+v, failure %v", r, r.failure())
	}
	var out strings.Builder
	r.print(&out, false)
	if !strings.Contains(out.String(), "cloud     lists 4 of 4\nerrors    none\n") {
		t.Fatalf("report:\n%s", out.String())
	}
}
