package account

import (
	"strings"
	"unicode/utf8"

	"golang.org/x/crypto/bcrypt"

	"mypos"
)

// Password bounds. bcrypt reads only the first 72 bytes, so a longer
// password would be silently truncated: it is refused instead.
const (
	minPassword = 8
	maxPassword = 72
)

func (s *Service) hashPassword(password string) (string, error) {
	if utf8.RuneCountInString(password) < minPassword {
		return "", mypos.Invalid("password", "A password has at least %d characters.", minPassword)
	}
	if len(password) > maxPassword {
		return "", mypos.Invalid("password", "A password has at most %d bytes.", maxPassword)
	}
	h, err := bcrypt.GenerateFromPassword([]byte(password), s.hashCost)
	return string(h), err
}

// compareHash is bcrypt's comparison; a test counts its calls to prove that
// every login spends the same work.
var compareHash = bcrypt.CompareHashAndPassword

// passwordMatches spends one hash's work and reports whether it matched.
// A password is bytes, taken as typed: never trimmed, any character
// allowed. One longer than maxPassword bytes, which no account can have,
// never matches — bcrypt would compare its first 72 bytes and let it in.
func passwordMatches(hash []byte, password string) bool {
	return compareHash(hash, []byte(password)) == nil && len(password) <= maxPassword
}

// normalizeEmail validates an address (mypos.Email) and returns it
// trimmed, with its lower-cased key that uniqueness and lookups use.
// Returns EINVALID on the field "email".
func normalizeEmail(email string) (string, string, error) {
	email, err := mypos.Email("email", email)
	if err != nil {
		return "", "", err
	}
	return email, emailKey(email), nil
}

func emailKey(email string) string { return strings.ToLower(strings.TrimSpace(email)) }

// searchKey is the lower-cased form search columns keep, computed in Go
// because SQLite's lower() folds ASCII only ("Молоко" must match "молоко").
func searchKey(s string) string { return strings.ToLower(s) }
