package agent

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"net"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// DefaultListen is the local API's address unless told otherwise.
const DefaultListen = "127.0.0.1:8181"

// syncWait bounds how long POST /v1/sync waits for the sync to finish.
const syncWait = 10 * time.Second

// api is the local HTTP API for the POS front (DESIGN §6, §7). It reads
// the local database directly (bbolt readers never block the writer) and asks the
// apply worker for anything that changes state.
type api struct {
	worker   *worker
	local    *Local
	log      *slog.Logger
	deviceID string
	token    string
	hosts    map[string]bool // the Host headers a request may carry
	syncWait time.Duration
	// licenseWait bounds POST /v1/license: licenseWait, shorter in tests.
	licenseWait time.Duration
	pins        *pinGuard // throttles wrong PINs per cashier
}

// routes is the whole surface of the API.
func (a *api) routes() http.Handler {
	mux := http.NewServeMux()
	get, post := http.MethodGet, http.MethodPost
	handle := func(pattern string, hs methods) { mux.Handle(pattern, hs) }
	handle("/v1/status", methods{get: a.status})
	handle("/v1/cashiers", methods{get: a.cashiers})
	handle("/v1/cashiers/{id}/check-pin", methods{post: a.checkPIN})
	handle("/v1/goods", methods{get: a.goods})
	handle("/v1/discounts", methods{get: a.discounts})
	handle("/v1/entities/{kind}", methods{get: a.entities})
	handle("/v1/receipts", methods{get: a.receipts, post: a.postReceipt})
	handle("/v1/sync", methods{post: a.sync})
	handle("/v1/license", methods{post: a.license})
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, codeNotFound, "no such endpoint: "+r.URL.Path)
	})
	return a.guard(mux)
}

// guard lets a request through only when it names this API by its
// loopback address — a page in the till's browser reaching it through DNS
// rebinding names its own host — and carries the token.
func (a *api) guard(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !a.hosts[strings.ToLower(r.Host)] {
			writeError(w, http.StatusForbidden, codeForbiddenHost, "the local API answers only requests to 127.0.0.1, localhost or [::1]")
			return
		}
		if !a.authorized(r) {
			w.Header().Set("WWW-Authenticate", `Bearer realm="mypos-agent"`)
			writeError(w, http.StatusUnauthorized, codeUnauthorized, "send the token of the data directory's api-token file as Authorization: Bearer TOKEN")
			return
		}
		next.ServeHTTP(w, r)
	})
}

func (a *api) authorized(r *http.Request) bool {
	got, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	return ok && subtle.ConstantTimeCompare([]byte(strings.TrimSpace(got)), []byte(a.token)) == 1
}

// methods serves a path by method, and refuses others with a JSON 405.
type methods map[string]http.HandlerFunc

func (m methods) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if h, ok := m[r.Method]; ok {
		h(w, r)
		return
	}
	allowed := slices.Sorted(maps.Keys(m))
	allow := strings.Join(allowed, ", ")
	w.Header().Set("Allow", allow)
	writeError(w, http.StatusMethodNotAllowed, codeMethodNotAllowed, r.Method+" is not allowed here, only "+allow)
}

// apiError is the body of every error the API answers.
type apiError struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

func writeError(w http.ResponseWriter, status int, code, message string) {
	writeJSON(w, status, apiError{Code: code, Message: message})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v) // the client may have gone; nothing to do then
}

// listenAPI binds the API's address, which must be on the loopback: the
// API sells and activates licenses, and the till's network is not trusted.
func listenAPI(addr string) (net.Listener, error) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, fmt.Errorf("local API address %q (--listen, MYPOS_AGENT_LISTEN): %w", addr, err)
	}
	if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return nil, fmt.Errorf("local API address %q (--listen, MYPOS_AGENT_LISTEN): use a loopback address, e.g. %s", addr, DefaultListen)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("local API (--listen, MYPOS_AGENT_LISTEN): %w", err)
	}
	return ln, nil
}

// allowedHosts are the Host headers that name the API on the bound port.
func allowedHosts(ln net.Listener) map[string]bool {
	port := strconv.Itoa(ln.Addr().(*net.TCPAddr).Port)
	hosts := map[string]bool{}
	for _, h := range []string{"127.0.0.1", "localhost", "::1"} {
		hosts[net.JoinHostPort(h, port)] = true
	}
	return hosts
}

// serve runs the API on ln until the returned stop is called; stop also
// ends the requests in progress (a POST /v1/sync waiting for the cloud).
func (a *api) serve(ln net.Listener) (stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	srv := &http.Server{
		Handler: a.routes(), ReadHeaderTimeout: 5 * time.Second, IdleTimeout: time.Minute,
		BaseContext: func(net.Listener) context.Context { return ctx },
		ErrorLog:    slog.NewLogLogger(a.log.Handler(), slog.LevelWarn),
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
			a.log.Error("local api stopped", "error", err)
		}
	}()
	a.log.Info("local api listening", "addr", ln.Addr().String())
	return func() {
		cancel()
		shut, done2 := context.WithTimeout(context.Background(), 2*time.Second)
		defer done2()
		srv.Shutdown(shut) // past the timeout the process is leaving anyway
		<-done
	}
}
