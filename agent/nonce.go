package agent

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"io/fs"
)

// Nonce bounds the server accepts: printable ASCII, 16 to 128 characters.
const (
	minNonceLen = 16
	maxNonceLen = 128
)

// enrollNonce returns the nonce of the enrollment in progress in dir,
// creating it on first use. It is on disk before the first request leaves,
// so a retry after a crash or a lost answer sends the same nonce — and the
// server answers a same-nonce retry with the same identity instead of
// refusing a code it has already used.
func enrollNonce(dir string) (string, error) {
	n, err := readValue(dir, fileNonce)
	if err == nil && validNonce(n) {
		return n, nil
	}
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return "", err
	}
	n = newNonce()
	if err := writeValue(dir, fileNonce, n); err != nil {
		return "", err
	}
	return n, nil
}

// newNonce returns 256 random bits in hex.
func newNonce() string {
	var b [32]byte
	rand.Read(b[:]) // never fails: crypto/rand panics instead
	return hex.EncodeToString(b[:])
}

// validNonce refuses a damaged nonce file, which is then replaced.
func validNonce(n string) bool {
	if len(n) < minNonceLen || len(n) > maxNonceLen {
		return false
	}
	for i := 0; i < len(n); i++ {
		if n[i] <= ' ' || n[i] > '~' {
			return false
		}
	}
	return true
}
