package account

import (
	"net"
	"sync"
	"time"
)

// A rule is how a throttled key slows down: after limit failures with no
// quiet spell between them, each further attempt waits first, doubling
// with each failure past the limit up to most. A key quiet for the quiet
// spell, its wait over, is forgotten: a wait always ends.
type rule struct {
	limit       int
	quiet       time.Duration
	first, most time.Duration
}

// The rules. Logins are counted per (e-mail, address) and per address, so a
// guesser slows down only itself and its own address, never the owner
// elsewhere; a browser that logged in to the e-mail before is counted on
// its own (devices.go), so not even its own address holds it back.
//
// The address limit is against a sprayer: one address, many e-mails. It
// counts only wrong passwords, and only those typed in browsers without a
// device proof for the e-mail: the staff of a shop behind one address,
// logging in from their own browsers, neither count nor wait. Twenty such
// failures with no quarter hour's pause between them is more than an
// office makes even on the day its people are set up, and a sprayer gets
// twenty guesses a quarter hour from an address, five at most per e-mail.
var (
	pairRule    = rule{limit: 5, quiet: 15 * time.Minute, first: 30 * time.Second, most: 15 * time.Minute}
	addressRule = rule{limit: 20, quiet: 15 * time.Minute, first: 30 * time.Second, most: 15 * time.Minute}
	// Sign-ups count per address, successful or not (a taken e-mail
	// still spends a hash): ten without an hour's pause, then an hour's wait.
	signupRule = rule{limit: 10, quiet: time.Hour, first: time.Hour, most: time.Hour}
)

// delay is the wait after a failure over the limit by over (0 for the
// failure that reaches it).
func (r rule) delay(over int) time.Duration {
	return min(r.first<<min(over, 20), r.most)
}

// busyWait is how long an attempt waits when as many of its key are in
// flight as the key has failures left: they end within a few hashes.
const busyWait = time.Second

// maxEntries bounds the throttle's memory: a spray from more addresses than
// this within a quiet spell sheds entries rather than grow the map.
const maxEntries = 1 << 16

// throttle counts attempts per key in memory. One node's memory is enough:
// an attacker spread over nodes gains at most the node count as a factor.
type throttle struct {
	mu      sync.Mutex
	now     func() time.Time
	max     int
	entries map[string]*entry
}

type entry struct {
	failures     int       // counted attempts since the key was last quiet
	inFlight     int       // attempts begun and not yet ended
	until        time.Time // when the key is forgotten, unless it fails again
	blockedUntil time.Time
}

// key is what attempts are counted against, and its rule.
type key struct {
	name string
	rule rule
}

func newThrottle(now func() time.Time) *throttle {
	return &throttle{now: now, max: maxEntries, entries: make(map[string]*entry)}
}

// begin starts an attempt on every key, or returns how long the longest
// waiting of them must still wait. At most as many attempts of a key run at
// once as it has failures left before its limit (one past it), so a burst
// of parallel guesses cannot outrun the count.
func (t *throttle) begin(keys ...key) time.Duration {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.now()
	var wait time.Duration
	for _, k := range keys {
		e := t.live(k.name, now)
		switch {
		case e == nil:
		case e.blockedUntil.After(now):
			wait = max(wait, e.blockedUntil.Sub(now))
		case e.inFlight >= max(1, k.rule.limit-e.failures):
			wait = max(wait, busyWait)
		}
	}
	if wait > 0 {
		return wait
	}
	for _, k := range keys {
		t.entry(k.name, now).inFlight++
	}
	return 0
}

// end ends an attempt begun on keys; one that counts — a failed login, a
// sign-up — counts against them.
func (t *throttle) end(counts bool, keys ...key) {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.now()
	for _, k := range keys {
		e := t.entries[k.name]
		if e == nil { // shed while in flight
			if !counts {
				continue
			}
			e = t.entry(k.name, now)
		}
		e.inFlight = max(0, e.inFlight-1)
		if counts {
			e.failures++
			if over := e.failures - k.rule.limit; over >= 0 {
				e.blockedUntil = now.Add(k.rule.delay(over))
			}
			e.until = now.Add(max(k.rule.quiet, e.blockedUntil.Sub(now)))
		}
		t.dropIfIdle(k.name, e, now)
	}
}

// forget clears a key whose owner proved itself, keeping only the count of
// its attempts still in flight.
func (t *throttle) forget(k key) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if e := t.entries[k.name]; e != nil {
		*e = entry{inFlight: e.inFlight}
		t.dropIfIdle(k.name, e, t.now())
	}
}

// live returns the key's entry, or nil once it is forgotten.
func (t *throttle) live(name string, now time.Time) *entry {
	e := t.entries[name]
	if e != nil && t.dropIfIdle(name, e, now) {
		return nil
	}
	return e
}

// dropIfIdle deletes an entry that has nothing in flight and nothing left
// to remember.
func (t *throttle) dropIfIdle(name string, e *entry, now time.Time) bool {
	if e.inFlight > 0 || !now.After(e.until) {
		return false
	}
	delete(t.entries, name)
	return true
}

// entry returns the key's entry, making it when there is none.
func (t *throttle) entry(name string, now time.Time) *entry {
	if e := t.entries[name]; e != nil {
		return e
	}
	if n := len(t.entries); n%1024 == 0 || n >= t.max {
		t.sweep(now)
	}
	e := &entry{}
	t.entries[name] = e
	return e
}

// sweep drops forgotten entries now and then, and sheds live ones when
// that leaves the map full.
func (t *throttle) sweep(now time.Time) {
	for name, e := range t.entries {
		t.dropIfIdle(name, e, now)
	}
	if len(t.entries) >= t.max {
		t.shed(now)
	}
}

// shed makes room in a map full of live entries — a spray from more
// addresses than it holds — down to three quarters: first the entries that
// make nobody wait, then any. Memory stays bounded, and the waits that
// matter, keys past their limit, go last.
func (t *throttle) shed(now time.Time) {
	target := t.max * 3 / 4
	for _, waitingToo := range []bool{false, true} {
		for name, e := range t.entries {
			if len(t.entries) <= target {
				return
			}
			if waitingToo || !e.blockedUntil.After(now) {
				delete(t.entries, name)
			}
		}
	}
}

// addressKey is the part of an address one party controls: an IPv6 client
// gets a whole /64, so it counts as one.
func addressKey(address string) string {
	ip := net.ParseIP(address)
	switch {
	case ip == nil:
		return address
	case ip.To4() != nil:
		return ip.To4().String()
	}
	return ip.Mask(net.CIDRMask(64, 128)).String() + "/64"
}
