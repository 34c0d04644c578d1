package cabinet

import (
	"net/http"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"mypos"
	"mypos/account"
)

type loginView struct{ Email string }

// chooseView offers the cabinets a password opens. It carries the ticket,
// never the password: the password is not sent back to the browser at all.
type chooseView struct {
	Ticket  string
	Choices []account.Choice
}

func (s *Server) loginPage(c *fiber.Ctx) error {
	if session(c) != nil {
		return c.Redirect("/", http.StatusSeeOther)
	}
	return s.render(c, http.StatusOK, "login", page{Data: loginView{}})
}

func (s *Server) loginSubmit(c *fiber.Ctx) error {
	email, password := strings.TrimSpace(c.FormValue("email")), c.FormValue("password")
	switch {
	case email == "":
		return s.loginFailed(c, email, mypos.Invalid("email", "Type your e-mail and password."))
	case password == "":
		return s.loginFailed(c, email, mypos.Invalid("password", "Type your e-mail and password."))
	}
	creds := account.Credentials{Email: email, Password: password, Device: devicePresented(c)}
	l, err := s.cfg.Accounts.Login(c.UserContext(), creds, c.IP(), account.ViaCookie)
	if err != nil {
		return s.loginFailed(c, email, err)
	}
	return s.loggedIn(c, l)
}

// loggedIn finishes a login: it gives the browser its device proof, and
// opens the cabinet, or offers the choice when the password opens more than one.
func (s *Server) loggedIn(c *fiber.Ctx, l *account.Login) error {
	s.keepDevice(c, l.Device)
	if l.Session != nil {
		return s.startSession(c, l.Session)
	}
	return s.render(c, http.StatusOK, "choose", page{Data: chooseView{Ticket: l.Ticket, Choices: l.Choices}})
}

func (s *Server) loginChoose(c *fiber.Ctx) error {
	sess, err := s.cfg.Accounts.CompleteLogin(c.UserContext(), c.FormValue("ticket"), c.FormValue("account"), account.ViaCookie)
	if err != nil {
		return s.loginFailed(c, "", err)
	}
	return s.startSession(c, sess)
}

// loginFailed shows the login form again with the reason and the e-mail
// typed. An internal error is no reason to show the user: it goes to the
// error page and the log.
func (s *Server) loginFailed(c *fiber.Ctx, email string, err error) error {
	if mypos.ErrorCode(err) == mypos.EINTERNAL {
		return err
	}
	setRetryAfter(c, err)
	p := page{Err: err, Data: loginView{Email: email}}
	return s.render(c, statusForError(err), "login", p)
}

// startSession gives the browser its session cookie and opens the cabinet.
// A browser holds one session: the one it had before is ended, not left to
// live on unseen.
func (s *Server) startSession(c *fiber.Ctx, sess *account.Session) error {
	if old := c.Cookies(sessionCookie); old != "" {
		if err := s.cfg.Accounts.Logout(c.UserContext(), old); err != nil {
			return err
		}
	}
	s.setSessionCookie(c, sess.Token, sess.ExpiresAt)
	return c.Redirect("/", http.StatusSeeOther)
}

func (s *Server) logoutSubmit(c *fiber.Ctx) error {
	if token := c.Cookies(sessionCookie); token != "" {
		if err := s.cfg.Accounts.Logout(c.UserContext(), token); err != nil {
			return err
		}
	}
	s.setSessionCookie(c, "", time.Unix(0, 0)) // an expiry in the past deletes it
	return c.Redirect("/login", http.StatusSeeOther)
}

// setSessionCookie sets the session cookie: out of scripts' reach, not sent
// on cross-site posts, and over TLS only when the cabinet is served so.
func (s *Server) setSessionCookie(c *fiber.Ctx, token string, expires time.Time) {
	c.Cookie(&fiber.Cookie{
		Name: sessionCookie, Value: token, Path: "/", Expires: expires,
		HTTPOnly: true, Secure: s.cfg.Secure, SameSite: fiber.CookieSameSiteLaxMode,
	})
}
