package agent

import (
	"math/rand/v2"
	"time"
)

// backoff yields waits that double from min to max, each drawn at random
// from its upper half. The randomness spreads a fleet's retries: a thousand
// tills that lost the cloud together must not come back together.
type backoff struct {
	min, max time.Duration
	cur      time.Duration
}

func newBackoff(min, max time.Duration) *backoff {
	if max < min {
		max = min
	}
	return &backoff{min: min, max: max}
}

// next returns the next wait, in [min/2, max].
func (b *backoff) next() time.Duration {
	switch {
	case b.cur < b.min:
		b.cur = b.min
	case b.cur > b.max/2:
		b.cur = b.max
	default:
		b.cur *= 2
	}
	half := b.cur / 2
	return half + rand.N(b.cur-half+1)
}

// reset starts over from min, after a connection that held.
func (b *backoff) reset() { b.cur = 0 }
