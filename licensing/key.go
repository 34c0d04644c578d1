package licensing

import (
	"crypto/rand"
	"unicode"
	"unicode/utf8"

	"mypos"
	"mypos/protocol"
)

// Keys follow protocol's rules (protocol/licensekey.go) — the alphabet, the
// check character, the grouping — so a till refuses a typo before sending
// it. Generation is the cloud's alone: it stays here.
const keyRandom = protocol.LicenseKeyLen - 1

// newKey returns a fresh key: its bare form and the grouped form people read.
func newKey() (bare, shown string) {
	payload := randomChars(keyRandom)
	bare = payload + string(protocol.LicenseKeyCheck(payload))
	return bare, protocol.FormatLicenseKey(bare)
}

// randomChars draws n characters of the key alphabet uniformly: bytes at or
// above the largest multiple of the alphabet's size are redrawn, not folded.
func randomChars(n int) string {
	const alphabet = protocol.LicenseKeyAlphabet
	const limit = 256 - 256%len(alphabet)
	out := make([]byte, 0, n)
	var buf [32]byte
	for len(out) < n {
		if _, err := rand.Read(buf[:]); err != nil {
			panic("licensing: crypto/rand: " + err.Error())
		}
		for _, c := range buf {
			if int(c) < limit && len(out) < n {
				out = append(out, alphabet[int(c)%len(alphabet)])
			}
		}
	}
	return string(out)
}

// NormalizeKey reads a typed key as protocol.NormalizeLicenseKey does — any
// case, dashes and spaces or none, Cyrillic look-alikes — and returns the
// bare form lookups use.
// Returns EINVALID (field "key") for a wrong length, a character no key
// has, or a failed check — a typo — without looking anything up.
func NormalizeKey(typed string) (string, error) {
	bare, err := protocol.NormalizeLicenseKey(typed)
	if err != nil {
		return "", mypos.Invalid("key", "%s", sentence(err.Error()))
	}
	return bare, nil
}

// sentence makes protocol's error text (Go style: lower case, no full stop)
// read as the sentences the cabinet and the till show.
func sentence(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + s[n:] + "."
}
