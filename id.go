package mypos

import (
	"crypto/rand"

	"mypos/protocol"
)

// NewID returns a new UUIDv7 (RFC 9562): time-ordered, so rows inserted
// together sit together in an index and IDs serve as list cursors. See
// protocol.NewID, which the tills use too.
func NewID() string { return protocol.NewID() }

// ValidID reports whether s has the shape of an ID (a lower-case UUID), so
// that a malformed ID in a URL is refused before any query.
func ValidID(s string) bool { return protocol.ValidID(s) }

// CodeAlphabet is the characters of the codes people read and type (a
// partner's code, an enrollment code): none a person confuses reading a
// code aloud or off a screen — no 0/O, 1/I/L.
const CodeAlphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"

// RandomCode draws n characters of alphabet (of at most 256 bytes)
// uniformly, from crypto/rand: bytes at or above the largest multiple of
// the alphabet's size are redrawn, not folded.
func RandomCode(alphabet string, n int) string {
	limit := 256 - 256%len(alphabet)
	out := make([]byte, 0, n)
	var buf [32]byte
	for len(out) < n {
		rand.Read(buf[:]) // never fails (crypto/rand panics on failure)
		for _, c := range buf {
			if int(c) < limit && len(out) < n {
				out = append(out, alphabet[int(c)%len(alphabet)])
			}
		}
	}
	return string(out)
}
