// Per-device token buckets: the uplink's budgets.

package fleet

import (
	"sync"
	"time"
)

// limiter keeps a token bucket per device: rate tokens a second, at most
// burst. Fleet has two: the general uplink's, and a far stricter one for
// key entry, where a guessing loop is the threat.
type limiter struct {
	rate, burst float64

	mu      sync.Mutex
	buckets map[string]*bucket
}

// bucket is one device's tokens.
type bucket struct {
	tokens float64
	at     time.Time
	told   time.Time // when the device was last told to slow down
}

func newLimiter(rate, burst float64) *limiter {
	return &limiter{rate: rate, burst: burst, buckets: make(map[string]*bucket)}
}

// allow takes a token from the device's bucket. When there is none, tell
// says whether to tell the device so: once a second at most, so a flood
// does not earn a flood of replies.
func (l *limiter) allow(deviceID string) (ok, tell bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := time.Now()
	b := l.buckets[deviceID]
	if b == nil {
		b = &bucket{tokens: l.burst, at: now}
		l.buckets[deviceID] = b
	}
	b.tokens = min(l.burst, b.tokens+now.Sub(b.at).Seconds()*l.rate)
	b.at = now
	if b.tokens < 1 {
		tell = now.Sub(b.told) >= time.Second
		if tell {
			b.told = now
		}
		return false, tell
	}
	b.tokens--
	return true, false
}

// wait is how long until the device's bucket holds a token again.
func (l *limiter) wait(deviceID string) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.buckets[deviceID]
	if b == nil || b.tokens >= 1 || l.rate <= 0 {
		return 0
	}
	return time.Duration((1 - b.tokens) / l.rate * float64(time.Second))
}
