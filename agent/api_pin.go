package agent

import (
	"encoding/json"
	"math"
	"net/http"
	"strconv"
	"sync"
	"time"

	"golang.org/x/crypto/bcrypt"

	"mypos/protocol"
)

// Wrong PINs a cashier may type in pinWindow before check-pin refuses to
// check more: a four-digit PIN falls to a loop in minutes otherwise.
const (
	pinTries  = 5
	pinWindow = time.Minute
	maxPIN    = 72 // bcrypt reads no further
)

// checkPIN is POST /v1/cashiers/{id}/check-pin {"pin"}: 200 {"allowed"}
// — true when the cashier is on this till, switched on, and the PIN
// matches — 404 unknown_cashier for a cashier this till does not hold
// (the list is GET /v1/cashiers, so the 404 tells nothing new and tells
// the front its list is stale), 429 rate_limited with Retry-After after
// pinTries wrong PINs in pinWindow. The hash never leaves the agent.
func (a *api) checkPIN(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	var req struct {
		PIN string `json:"pin"`
	}
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<10))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil || req.PIN == "" || len(req.PIN) > maxPIN {
		writeError(w, http.StatusBadRequest, codeBadRequest, `send {"pin": "1234"}`)
		return
	}
	hash, active, found, err := a.cashierPIN(id)
	switch {
	case err != nil:
		a.internal(w, err)
		return
	case !found:
		writeError(w, http.StatusNotFound, codeUnknownCashier, "cashier "+id+" is not allowed on this till")
		return
	}
	wait, ok := a.pins.begin(id)
	if !ok {
		w.Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(wait.Seconds()))))
		writeError(w, http.StatusTooManyRequests, codeRateLimited, "too many wrong PINs for this cashier: wait a minute")
		return
	}
	allowed := active && hash != "" && bcrypt.CompareHashAndPassword([]byte(hash), []byte(req.PIN)) == nil
	a.pins.end(id, allowed)
	writeJSON(w, http.StatusOK, map[string]bool{"allowed": allowed})
}

// cashierPIN reads a cashier's PIN hash and whether it is switched on.
func (a *api) cashierPIN(id string) (hash string, active, found bool, err error) {
	body, err := a.local.Get(protocol.KindCashier, id)
	if err != nil || body == nil {
		return "", false, false, err
	}
	var c struct {
		PinHash string `json:"pin_hash"`
		Active  *bool  `json:"active"`
	}
	if err := json.Unmarshal(body, &c); err != nil {
		return "", false, false, err
	}
	return c.PinHash, c.Active == nil || *c.Active, true, nil
}

// pinGuard counts wrong PINs per cashier over a sliding window. It lives
// in memory: a restart of the agent forgives, which costs a guesser a
// restart a minute — not worth a disk write per PIN.
type pinGuard struct {
	now     func() time.Time
	mu      sync.Mutex
	wrong   map[string][]time.Time // by cashier: when its recent wrong PINs came
	pending map[string]int         // by cashier: checks under way, counted as wrong until done
}

func newPINGuard() *pinGuard {
	return &pinGuard{now: time.Now, wrong: map[string][]time.Time{}, pending: map[string]int{}}
}

// begin reserves a check for a cashier, or says how long until one may
// run. Checks under way count as wrong, so parallel guesses cannot slip
// past the limit while bcrypt works.
func (g *pinGuard) begin(id string) (time.Duration, bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	now := g.now()
	recent := g.wrong[id][:0]
	for _, t := range g.wrong[id] {
		if now.Sub(t) < pinWindow {
			recent = append(recent, t)
		}
	}
	g.wrong[id] = recent
	if len(recent) == 0 {
		delete(g.wrong, id)
	}
	if len(recent)+g.pending[id] >= pinTries {
		if len(recent) == 0 {
			return time.Second, false // all checks are under way: soon
		}
		return pinWindow - now.Sub(recent[0]), false
	}
	g.pending[id]++
	return 0, true
}

// end records a check's outcome: a right PIN forgives the wrong ones.
func (g *pinGuard) end(id string, allowed bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.pending[id]--
	if g.pending[id] == 0 {
		delete(g.pending, id)
	}
	if allowed {
		delete(g.wrong, id)
		return
	}
	g.wrong[id] = append(g.wrong[id], g.now())
}
