package protocol

import (
	"errors"
	"fmt"
	"strings"
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
//
// The rules live here, not in the cloud's licensing package, so the till
// refuses a typo before anything is sent; the cloud generates keys with
// them and checks them again.
const (
	LicenseKeyAlphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ" // no 0/O, 1/I/L
	LicenseKeyLen      = 25                                // 24 random characters and the check character
	licenseKeyGroup    = 5
)

// Why a typed key is refused. NormalizeLicenseKey wraps ErrLicenseKeyChar
// with the character at fault.
var (
	ErrLicenseKeyChar   = errors.New("is not a character of a license key: keys have no 0, O, 1, I or L")
	ErrLicenseKeyLength = fmt.Errorf("a license key has %d characters in five groups (XXXXX-XXXXX-XXXXX-XXXXX-XXXXX)", LicenseKeyLen)
	ErrLicenseKeyTypo   = errors.New("this key has a typo: check it and type it again")
)

// NormalizeLicenseKey reads a typed key: any case, with or without dashes
// and spaces, and with the Cyrillic letters that look like the key's Latin
// ones (a Russian keyboard layout left on). It returns the bare form: 25
// characters of LicenseKeyAlphabet, no dashes. A wrong length, a character
// no key has, or a failed check — a typo — is an error wrapping one of the
// ErrLicenseKey values.
func NormalizeLicenseKey(typed string) (string, error) {
	bare := strings.Map(licenseKeyRune, strings.ToUpper(typed))
	if bad := strings.IndexFunc(bare, func(r rune) bool { return !strings.ContainsRune(LicenseKeyAlphabet, r) }); bad >= 0 {
		return "", fmt.Errorf("%q %w", []rune(bare[bad:])[0], ErrLicenseKeyChar)
	}
	if len(bare) != LicenseKeyLen {
		return "", ErrLicenseKeyLength
	}
	if licenseKeySum(bare) != 0 {
		return "", ErrLicenseKeyTypo
	}
	return bare, nil
}

// LicenseKeyCheck returns the check character that completes a payload of
// LicenseKeyLen-1 characters of LicenseKeyAlphabet: with weights 1…25 by
// position, the weighted sum of indexes becomes 0 mod 31.
func LicenseKeyCheck(payload string) byte {
	n := len(LicenseKeyAlphabet)
	return LicenseKeyAlphabet[(n-licenseKeySum(payload)*inverseMod(len(payload)+1, n)%n)%n]
}

// FormatLicenseKey shows a bare key as people read it: a dash after every
// five characters.
func FormatLicenseKey(bare string) string {
	var b strings.Builder
	for i := 0; i < len(bare); i++ {
		if i > 0 && i%licenseKeyGroup == 0 {
			b.WriteByte('-')
		}
		b.WriteByte(bare[i])
	}
	return b.String()
}

// licenseKeySum is Σ (position+1)·index mod 31.
func licenseKeySum(s string) int {
	n, sum := len(LicenseKeyAlphabet), 0
	for i := 0; i < len(s); i++ {
		sum = (sum + (i+1)*strings.IndexByte(LicenseKeyAlphabet, s[i])) % n
	}
	return sum
}

// inverseMod is a's multiplicative inverse mod the prime n (Fermat: a^(n-2)).
func inverseMod(a, n int) int {
	r := 1
	for e := n - 2; e > 0; e-- {
		r = r * a % n
	}
	return r
}

// cyrillicTwins are the upper-case Cyrillic letters drawn like Latin ones.
var cyrillicTwins = map[rune]rune{
	'А': 'A', 'В': 'B', 'Е': 'E', 'К': 'K', 'М': 'M', 'Н': 'H',
	'Р': 'P', 'С': 'C', 'Т': 'T', 'У': 'Y', 'Х': 'X',
}

// licenseKeyRune drops separators and reads a Cyrillic twin as its Latin
// letter.
func licenseKeyRune(r rune) rune {
	switch r {
	case '-', ' ', '\t':
		return -1
	}
	if latin, ok := cyrillicTwins[r]; ok {
		return latin
	}
	return r
}
