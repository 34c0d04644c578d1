package cabinet

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"

	"github.com/gofiber/fiber/v2"

	"mypos"
)

// CSRF on the HTML forms: every form carries a token bound to a secret the
// browser holds in an HttpOnly cookie, and a post must bring the token of
// the secret it comes with. A logged-in browser's secret is its session's
// own token, so a form token works in that session only: not in another,
// not after logout, and not with a CSRF cookie planted beside the session.
// A browser without a session (the login and registration forms) gets a
// random secret in a cookie of its own. Another site can make a browser
// post, but it reads neither secret, so it cannot fill in the field.
const (
	csrfCookie = "mypos_csrf"
	csrfField  = "csrf"
	localCSRF  = "csrf"
	csrfLen    = 43 // 32 random bytes, base64url without padding
)

// csrfToken returns the token of the browser's forms, giving a browser
// without a session its CSRF cookie when it has none.
func (s *Server) csrfToken(c *fiber.Ctx) string {
	if t, ok := c.Locals(localCSRF).(string); ok {
		return t
	}
	secret, ok := csrfSecret(c)
	if !ok {
		secret = newCSRF()
		c.Cookie(&fiber.Cookie{
			Name: csrfCookie, Value: secret, Path: "/",
			HTTPOnly: true, Secure: s.cfg.Secure, SameSite: fiber.CookieSameSiteStrictMode,
		})
	}
	token := csrfFor(secret)
	c.Locals(localCSRF, token)
	return token
}

// checkCSRF lets a form post through only with the token of its browser's
// secret.
func (s *Server) checkCSRF(c *fiber.Ctx) error {
	secret, ok := csrfSecret(c)
	if !ok || subtle.ConstantTimeCompare([]byte(csrfFor(secret)), []byte(c.FormValue(csrfField))) != 1 {
		return mypos.Errorf(mypos.EFORBIDDEN, "The form has expired: reload the page and send it again.")
	}
	return c.Next()
}

// csrfSecret is what the request's form token is bound to: the session's
// token when it is logged in, else its CSRF cookie; false when it has none.
func csrfSecret(c *fiber.Ctx) (string, bool) {
	if session(c) != nil {
		token, _ := credentials(c)
		return token, true
	}
	cookie := c.Cookies(csrfCookie)
	return cookie, validCSRF(cookie)
}

// csrfFor derives the form token of a secret. The token is in every page;
// the secret, a session's above all, must not be: an HMAC keyed by the
// secret reveals nothing of it.
func csrfFor(secret string) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte("mypos form token"))
	return base64.RawURLEncoding.EncodeToString(mac.Sum(nil))
}

func validCSRF(token string) bool {
	if len(token) != csrfLen {
		return false
	}
	_, err := base64.RawURLEncoding.DecodeString(token)
	return err == nil
}

func newCSRF() string {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic("cabinet: crypto/rand: " + err.Error()) // crypto/rand does not fail on supported systems
	}
	return base64.RawURLEncoding.EncodeToString(b[:])
}
