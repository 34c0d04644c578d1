package cabinet

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"mypos/i18n"
)

// Flash messages: a post that succeeds redirects (303) and the page it
// lands on says what happened, once. The message travels in a short-lived
// cookie, not the session: the session lives in the database and a flash
// is not worth a write. The cookie holds a catalog message ID and its
// arguments, so the page says it in its own language; it is signed with
// the browser's CSRF secret (its session's token when logged in), so
// nobody else can make a browser show a message of theirs, and it is
// deleted by the first page that shows it.
const (
	flashCookie = "mypos_flash"
	flashMaxAge = 60 // seconds: the redirect follows at once
)

// flash is what the cookie carries.
type flash struct {
	ID   string            `json:"id"`   // a message ID of the catalogs
	Args map[string]string `json:"args"` // its {{.Name}}s
	Tone string            `json:"tone"` // ok or bad
	// Count, when set, makes it a counted message (its plural form).
	Count *int `json:"count,omitempty"`
}

// flashView is a flash as the layout shows it.
type flashView struct{ Text, Tone string }

// setFlash makes the next page say message id with args, pairs of a name
// and a value: s.setFlash(c, "partners.approved", "Name", a.Name).
func (s *Server) setFlash(c *fiber.Ctx, id string, args ...string) {
	s.sendFlash(c, flash{ID: id}, args)
}

// setFlashN is setFlash of a counted message: s.setFlashN(c,
// "owner.sale.sold", 3, "Name", name) says "Продано 3 лицензии…".
func (s *Server) setFlashN(c *fiber.Ctx, id string, n int, args ...string) {
	s.sendFlash(c, flash{ID: id, Count: &n}, args)
}

func (s *Server) sendFlash(c *fiber.Ctx, f flash, args []string) {
	f.Tone, f.Args = "ok", map[string]string{}
	for i := 0; i+1 < len(args); i += 2 {
		f.Args[args[i]] = args[i+1]
	}
	secret, ok := csrfSecret(c)
	if !ok {
		return // no secret, no post: there is nothing to report
	}
	body, _ := json.Marshal(f)
	payload := base64.RawURLEncoding.EncodeToString(body)
	c.Cookie(&fiber.Cookie{
		Name: flashCookie, Value: payload + "." + flashMAC(secret, payload), Path: "/", MaxAge: flashMaxAge,
		HTTPOnly: true, Secure: s.cfg.Secure, SameSite: fiber.CookieSameSiteLaxMode,
	})
}

// takeFlash reads the flash the browser brings, if it is one of ours for
// this browser, and deletes it.
func (s *Server) takeFlash(c *fiber.Ctx) *flashView {
	raw := c.Cookies(flashCookie)
	if raw == "" {
		return nil
	}
	c.Cookie(&fiber.Cookie{Name: flashCookie, Value: "", Path: "/", Expires: time.Unix(0, 0),
		HTTPOnly: true, Secure: s.cfg.Secure, SameSite: fiber.CookieSameSiteLaxMode})
	payload, mac, ok := strings.Cut(raw, ".")
	secret, hasSecret := csrfSecret(c)
	if !ok || !hasSecret || !hmac.Equal([]byte(mac), []byte(flashMAC(secret, payload))) {
		return nil
	}
	body, err := base64.RawURLEncoding.DecodeString(payload)
	var f flash
	if err != nil || json.Unmarshal(body, &f) != nil {
		return nil
	}
	l := i18n.For(pageLang(c))
	if !l.Has(f.ID) {
		return nil
	}
	var args []any
	for k, v := range f.Args {
		args = append(args, k, v)
	}
	if f.Count != nil {
		return &flashView{Text: l.N(f.ID, *f.Count, args...), Tone: f.Tone}
	}
	return &flashView{Text: l.T(f.ID, args...), Tone: f.Tone}
}

func flashMAC(secret, payload string) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte("mypos flash\x00" + payload))
	return base64.RawURLEncoding.EncodeToString(mac.Sum(nil))
}
