package cabinet

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"

	"github.com/gofiber/fiber/v2"

	"mypos"
)

// CSRF on the HTML forms is a double submit: a random token lives in a
// cookie and in a hidden field of every form, and a post must bring both,
// equal. Another site can make a browser post, but it can neither read the
// cookie nor set it, so it cannot fill in the field. It covers the login and
// registration forms too, where there is no session yet to tie a token to.
const (
	csrfCookie = "mypos_csrf"
	csrfField  = "csrf"
	localCSRF  = "csrf"
	csrfLen    = 43 // 32 random bytes, base64url without padding
)

// csrfToken returns the browser's token, issuing one when it has none.
func (s *Server) csrfToken(c *fiber.Ctx) string {
	if t, ok := c.Locals(localCSRF).(string); ok {
		return t
	}
	token := c.Cookies(csrfCookie)
	if !validCSRF(token) {
		token = newCSRF()
		c.Cookie(&fiber.Cookie{
			Name: csrfCookie, Value: token, Path: "/",
			HTTPOnly: true, Secure: s.cfg.Secure, SameSite: fiber.CookieSameSiteStrictMode,
		})
	}
	c.Locals(localCSRF, token)
	return token
}

// checkCSRF lets a form post through only with the token of its browser.
func (s *Server) checkCSRF(c *fiber.Ctx) error {
	cookie, field := c.Cookies(csrfCookie), c.FormValue(csrfField)
	if !validCSRF(cookie) || subtle.ConstantTimeCompare([]byte(cookie), []byte(field)) != 1 {
		return mypos.Errorf(mypos.EFORBIDDEN, "Форма устарела, обновите страницу.")
	}
	return c.Next()
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
