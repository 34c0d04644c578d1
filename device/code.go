package device

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"strings"

	"mypos"
)

// codeLength is an enrollment code's characters: 31¹² ≈ 2⁵⁹ codes, against
// a guesser held to a few attempts a minute per address.
const codeLength = 12

// codeGroup is how many characters a person reads at a time.
const codeGroup = 4

// newCode returns a random enrollment code, grouped for people: "K7M2-QX9P-3HRT".
func newCode() string {
	bare := mypos.RandomCode(mypos.CodeAlphabet, codeLength)
	var b strings.Builder
	for i := 0; i < len(bare); i += codeGroup {
		if i > 0 {
			b.WriteByte('-')
		}
		b.WriteString(bare[i:min(i+codeGroup, len(bare))])
	}
	return b.String()
}

// normalizeCode accepts a code as a person types it — with or without
// dashes and spaces, in any case — and returns its bare form, or false when
// it cannot be a code.
func normalizeCode(typed string) (string, bool) {
	bare := strings.ToUpper(strings.NewReplacer("-", "", " ", "").Replace(typed))
	if len(bare) != codeLength {
		return "", false
	}
	for i := 0; i < len(bare); i++ {
		if strings.IndexByte(mypos.CodeAlphabet, bare[i]) < 0 {
			return "", false
		}
	}
	return bare, true
}

// codeHash is how a code is stored and looked up: SHA-256 of its bare form.
func codeHash(bare string) string { return sha256Hex(bare) }

func sha256Hex(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

// newSecret returns a device's 256-bit secret, URL-safe base64, and the
// SHA-256 the database keeps. A random 256-bit secret needs no slow hash.
func newSecret() (secret, hash string) {
	var b [32]byte
	rand.Read(b[:])
	secret = base64.RawURLEncoding.EncodeToString(b[:])
	return secret, sha256Hex(secret)
}
