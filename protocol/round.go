package protocol

import (
	"errors"
	"math"
	"math/bits"
)

// ErrOverflow says a sum left the range of int64 kopecks.
var ErrOverflow = errors.New("protocol: amount overflows int64 kopecks")

// mulDivRound returns a × b / d rounded half away from zero, for a, b ≥ 0
// and d > 0. The product is taken in 128 bits, so it is exact for any
// int64 operands; only a quotient beyond int64 is an overflow. Every
// amount here is non-negative, where "half away from zero" is "half up".
func mulDivRound(a, b, d int64) (int64, error) {
	hi, lo := bits.Mul64(uint64(a), uint64(b))
	if hi >= uint64(d) {
		return 0, ErrOverflow // the quotient would not fit in 64 bits
	}
	q, r := bits.Div64(hi, lo, uint64(d))
	if r >= uint64(d)-r { // r ≥ d/2, without overflowing 2r
		q++
	}
	if q > math.MaxInt64 {
		return 0, ErrOverflow
	}
	return int64(q), nil
}

// addChecked returns a + b for a, b ≥ 0, or ErrOverflow.
func addChecked(a, b int64) (int64, error) {
	if a > math.MaxInt64-b {
		return 0, ErrOverflow
	}
	return a + b, nil
}
