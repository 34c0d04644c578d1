package device

import (
	"sync"
	"time"
)

// Enroll is limited per address: enough for a till retrying a lost answer
// or a person correcting a typo, far too few to guess a 59-bit code.
const (
	enrollLimit  = 10
	enrollWindow = time.Minute
)

// limiter counts attempts per key in fixed windows, in memory. One node's
// memory is enough: an attacker spread over nodes gains at most the node
// count as a factor.
type limiter struct {
	mu     sync.Mutex
	now    func() time.Time
	limit  int
	window time.Duration
	seen   map[string]*attempts
}

type attempts struct {
	start time.Time
	count int
}

func newLimiter(now func() time.Time, limit int, window time.Duration) *limiter {
	return &limiter{now: now, limit: limit, window: window, seen: make(map[string]*attempts)}
}

// take counts an attempt of key and returns 0 when it may go ahead, or how
// long until its window ends.
func (l *limiter) take(key string) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	a := l.seen[key]
	if a == nil || now.Sub(a.start) >= l.window {
		if a == nil {
			l.sweep(now)
		}
		a = &attempts{start: now}
		l.seen[key] = a
	}
	if a.count >= l.limit {
		return a.start.Add(l.window).Sub(now)
	}
	a.count++
	return 0
}

// sweep drops ended windows now and then, so many addresses cannot grow
// the map without bound.
func (l *limiter) sweep(now time.Time) {
	if len(l.seen)%1024 != 0 {
		return
	}
	for k, a := range l.seen {
		if now.Sub(a.start) >= l.window {
			delete(l.seen, k)
		}
	}
}
