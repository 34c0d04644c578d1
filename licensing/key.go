package licensing

import (
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
	payload := mypos.RandomCode(protocol.LicenseKeyAlphabet, keyRandom)
	bare = payload + string(protocol.LicenseKeyCheck(payload))
	return bare, protocol.FormatLicenseKey(bare)
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
