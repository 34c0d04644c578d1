package account

import (
	"net/mail"
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
func passwordMatches(hash []byte, password string) bool {
	return compareHash(hash, []byte(password)) == nil
}

// normalizeEmail validates an address and returns it trimmed, with its
// lower-cased key that uniqueness and lookups use.
func normalizeEmail(email string) (string, string, error) {
	email = strings.TrimSpace(email)
	addr, err := mail.ParseAddress(email)
	if err != nil || addr.Address != email || len(email) > 254 {
		return "", "", mypos.Invalid("email", "That is not an e-mail address.")
	}
	return email, emailKey(email), nil
}

func emailKey(email string) string { return strings.ToLower(strings.TrimSpace(email)) }

// searchKey is the lower-cased form search columns keep, computed in Go
// because SQLite's lower() folds ASCII only ("Молоко" must match "молоко").
func searchKey(s string) string { return strings.ToLower(s) }
