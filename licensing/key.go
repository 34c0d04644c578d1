package licensing

import (
	"crypto/rand"
	"strings"

	"mypos"
)

// A license key is what a person types on a terminal, read off a screen or a
// sheet of paper: 24 random characters of an alphabet without look-alikes
// (31²⁴ ≈ 2¹¹⁹, far past guessing) and a check character, shown in five
// groups of five — XXXXX-XXXXX-XXXXX-XXXXX-XXXXX, the shape of a software
// key people know. The check character makes the sum of each character's
// index times its position (1…25) a multiple of 31. The alphabet's size is
// a prime above the key's length, so every single mistyped character and
// every swap of two characters changes the sum: a typo is refused before
// any lookup. (Luhn mod N would not do: its doubling folds two characters
// onto one when N is odd.)
const (
	keyAlphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ" // no 0/O, 1/I/L
	keyRandom   = 24
	keyLen      = keyRandom + 1
	keyGroup    = 5
)

// newKey returns a fresh key: its bare form and the grouped form people read.
func newKey() (bare, shown string) {
	payload := randomChars(keyRandom)
	bare = payload + string(keyAlphabet[checkIndex(payload)])
	return bare, group(bare)
}

// randomChars draws n characters of keyAlphabet uniformly: bytes at or above
// the largest multiple of the alphabet's size are redrawn, not folded.
func randomChars(n int) string {
	const limit = 256 - 256%len(keyAlphabet)
	out := make([]byte, 0, n)
	var buf [32]byte
	for len(out) < n {
		if _, err := rand.Read(buf[:]); err != nil {
			panic("licensing: crypto/rand: " + err.Error())
		}
		for _, c := range buf {
			if int(c) < limit && len(out) < n {
				out = append(out, keyAlphabet[int(c)%len(keyAlphabet)])
			}
		}
	}
	return string(out)
}

// group inserts a dash after every keyGroup characters.
func group(bare string) string {
	var b strings.Builder
	for i := 0; i < len(bare); i++ {
		if i > 0 && i%keyGroup == 0 {
			b.WriteByte('-')
		}
		b.WriteByte(bare[i])
	}
	return b.String()
}

// checkIndex is the index of the check character that completes a payload:
// with weights 1…len+1 by position, the weighted sum of indexes is 0 mod 31.
func checkIndex(payload string) int {
	n := len(keyAlphabet)
	return (n - weightedSum(payload)*inverse(len(payload)+1, n)%n) % n
}

// weightedSum is Σ (position+1)·index mod 31.
func weightedSum(s string) int {
	n, sum := len(keyAlphabet), 0
	for i := 0; i < len(s); i++ {
		sum = (sum + (i+1)*strings.IndexByte(keyAlphabet, s[i])) % n
	}
	return sum
}

// inverse is a's multiplicative inverse mod the prime n (Fermat: a^(n-2)).
func inverse(a, n int) int {
	r := 1
	for e := n - 2; e > 0; e-- {
		r = r * a % n
	}
	return r
}

// NormalizeKey reads a typed key: any case, with or without dashes and
// spaces, and with the Cyrillic letters that look like the key's Latin ones
// (a Russian keyboard layout left on). It returns the bare form lookups use.
// Returns EINVALID (field "key") for a wrong length, a character no key
// has, or a failed check — a typo — without looking anything up.
func NormalizeKey(typed string) (string, error) {
	bare := strings.Map(keyRune, strings.ToUpper(typed))
	if bad := strings.IndexFunc(bare, func(r rune) bool { return !strings.ContainsRune(keyAlphabet, r) }); bad >= 0 {
		r := []rune(bare[bad:])[0]
		return "", mypos.Invalid("key", "%q is not a character of a license key: keys have no 0, O, 1, I or L.", r)
	}
	if len(bare) != keyLen {
		return "", mypos.Invalid("key", "A license key has %d characters in five groups (XXXXX-XXXXX-XXXXX-XXXXX-XXXXX).", keyLen)
	}
	if weightedSum(bare) != 0 {
		return "", mypos.Invalid("key", "This key has a typo: check it and type it again.")
	}
	return bare, nil
}

// cyrillicTwins are the upper-case Cyrillic letters drawn like Latin ones.
var cyrillicTwins = map[rune]rune{
	'А': 'A', 'В': 'B', 'Е': 'E', 'К': 'K', 'М': 'M', 'Н': 'H',
	'Р': 'P', 'С': 'C', 'Т': 'T', 'У': 'Y', 'Х': 'X',
}

// keyRune drops separators and reads a Cyrillic twin as its Latin letter.
func keyRune(r rune) rune {
	switch r {
	case '-', ' ', '\t':
		return -1
	}
	if latin, ok := cyrillicTwins[r]; ok {
		return latin
	}
	return r
}
