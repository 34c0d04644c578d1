package account

import (
	"sync"
	"time"
)

// Login backoff: after emailLimit failures for one e-mail within the window,
// or addressLimit from one address, further attempts are refused for a delay
// that starts at firstDelay and doubles with each failure past the limit, up
// to maxDelay. A victim is slowed down, never locked out: the delay always
// ends, and a quiet window forgets everything.
const (
	failureWindow = 15 * time.Minute
	emailLimit    = 5
	addressLimit  = 20
	firstDelay    = 30 * time.Second
	maxDelay      = 15 * time.Minute
)

// throttle counts failed logins in memory. One node's memory is enough: an
// attacker spread over nodes gains at most the node count as a factor.
type throttle struct {
	mu      sync.Mutex
	now     func() time.Time
	entries map[string]*failures
}

type failures struct {
	count        int
	last         time.Time
	blockedUntil time.Time
}

func newThrottle(now func() time.Time) *throttle {
	return &throttle{now: now, entries: make(map[string]*failures)}
}

// wait returns how long the keys must still wait; 0 when none is blocked.
func (t *throttle) wait(keys ...string) time.Duration {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.now()
	var longest time.Duration
	for _, k := range keys {
		if f := t.live(k, now); f != nil && f.blockedUntil.After(now) {
			longest = max(longest, f.blockedUntil.Sub(now))
		}
	}
	return longest
}

// fail records a failed attempt against a key with its limit.
func (t *throttle) fail(key string, limit int) {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.now()
	f := t.live(key, now)
	if f == nil {
		f = &failures{}
		t.entries[key] = f
		t.sweep(now)
	}
	f.count++
	f.last = now
	if over := f.count - limit; over >= 0 {
		delay := firstDelay << min(over, 10)
		f.blockedUntil = now.Add(min(delay, maxDelay))
	}
}

// forget clears a key after a successful login.
func (t *throttle) forget(key string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.entries, key)
}

// live returns the key's entry unless a quiet window has passed since its
// last failure and its block, if any, has ended.
func (t *throttle) live(key string, now time.Time) *failures {
	f := t.entries[key]
	if f != nil && now.Sub(f.last) > failureWindow && !f.blockedUntil.After(now) {
		delete(t.entries, key)
		return nil
	}
	return f
}

// sweep drops stale entries now and then, so a scan of random e-mails cannot
// grow the map without bound.
func (t *throttle) sweep(now time.Time) {
	if len(t.entries)%1024 != 0 {
		return
	}
	for k := range t.entries {
		t.live(k, now)
	}
}
