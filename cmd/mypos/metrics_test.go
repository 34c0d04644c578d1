package main

import (
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"

	"mypos"
	"mypos/cabinet"
	"mypos/services"
	"mypos/services/servicestest"
)

// Ordinary traffic — every method, paths with IDs, paths no route takes,
// bodies, bad tokens — sent concurrently over kept-alive connections leaves /metrics
// whole: it answers 200, every method label is a real method and every
// route label a registered pattern or "unmatched". Labels that alias
// fasthttp's reused buffers read GETT and POSTTE, and later two series
// collide and the whole endpoint answers 500.
func TestMetricsAfterMixedTraffic(t *testing.T) {
	s := startServe(t)
	patterns := registeredPatterns(t)
	methods := []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete, http.MethodHead, http.MethodOptions}
	paths := []string{
		"/healthz", "/readyz", "/login", "/api/v1/me", "/api/v1/stores", "/api/v1/stores/%s", "/api/v1/goods/%s",
		"/api/v1/stores/%s/prices/%[1]s", "/api/v1/link-requests/%s/accept", "/no/such/page/%s", "/api/v1/nothing-here/%s",
	}
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 16}}
	const workers, perWorker = 16, 150
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range perWorker {
				n := w*perWorker + i
				method := methods[n%len(methods)]
				path := strings.ReplaceAll(paths[n%len(paths)], "%[1]s", "%s")
				path = fmt.Sprintf(path, append([]any{mypos.NewID()}, mypos.NewID())[:strings.Count(path, "%s")]...)
				var body io.Reader
				if method != http.MethodGet && method != http.MethodHead {
					body = strings.NewReader(fmt.Sprintf(`{"name":"%s","padding":"%s"}`, mypos.NewID(), strings.Repeat("x", n%512)))
				}
				req, _ := http.NewRequest(method, s.URL+path, body)
				req.Header.Set("Content-Type", "application/json")
				if n%5 == 0 {
					req.Header.Set("Authorization", "Bearer not-a-token-"+mypos.NewID())
				}
				resp, err := client.Do(req)
				if err != nil {
					t.Errorf("%s %s: %v", method, path, err)
					return
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
			}
		}()
	}
	wg.Wait()

	resp, err := http.Get(s.banner["metrics"])
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	text, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("/metrics answers %d after the traffic:\n%.2000s", resp.StatusCode, text)
	}
	series := httpSeries.FindAllStringSubmatch(string(text), -1)
	if len(series) == 0 {
		t.Fatalf("no HTTP latency series in /metrics:\n%s", text)
	}
	var total int
	var unmatched bool
	for _, m := range series {
		unmatched = unmatched || m[2] == "unmatched" && m[3] == "404"
		method, route := m[1], m[2]
		if !isMethod(method) {
			t.Errorf("method label %q is not an HTTP method", method)
		}
		if !patterns[route] && route != "unmatched" {
			t.Errorf("route label %q is not a registered pattern", route)
		}
		var n int
		fmt.Sscan(m[4], &n)
		total += n
	}
	if !unmatched {
		t.Errorf("no unmatched 404 series for the paths no route takes")
	}
	if total < workers*perWorker {
		t.Errorf("the series count %d requests, want at least the %d sent", total, workers*perWorker)
	}
	if !strings.Contains(string(text), "mypos_broker_connected_clients") {
		t.Errorf("the broker's metrics are missing from /metrics")
	}
}

var httpSeries = regexp.MustCompile(`(?m)^mypos_http_request_duration_seconds_count\{method="([^"]*)",route="([^"]*)",status="([^"]*)"\} (\d+)$`)

func isMethod(m string) bool {
	switch m {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch,
		http.MethodDelete, http.MethodConnect, http.MethodOptions, http.MethodTrace:
		return true
	}
	return false
}

// registeredPatterns are the cabinet's route patterns, endpoints' and
// middlewares', from a cabinet built as serve builds it.
func registeredPatterns(t *testing.T) map[string]bool {
	t.Helper()
	svc := servicestest.Open(t, services.Config{})
	cab, err := cabinet.New(cabinet.Config{Set: svc, Fleet: servicestest.Live(t, svc)})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]bool{}
	for _, r := range cab.App().GetRoutes() {
		out[r.Path] = true
	}
	return out
}
