package cabinet

import (
	"net/http"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"mypos"
	"mypos/account"
)

// sessionCookie names the browser's session cookie.
const sessionCookie = "mypos_session"

// Locals keys.
const (
	localSession = "session"
	localVia     = "via"
)

// authenticate resolves a bearer token or the session cookie into the
// request's actor. A request without credentials goes on anonymous, and the
// service it calls refuses it if it must; a bearer token that is wrong is
// refused here, so a script learns at once that its token is bad.
func (s *Server) authenticate(c *fiber.Ctx) error {
	token, via := credentials(c)
	if token == "" {
		return c.Next()
	}
	sess, err := s.cfg.Accounts.Authenticate(c.UserContext(), token)
	if err != nil {
		if via == account.ViaCookie {
			c.ClearCookie(sessionCookie)
			return c.Next()
		}
		return err
	}
	c.Locals(localSession, sess)
	c.Locals(localVia, via)
	c.SetUserContext(mypos.NewContextWithActor(c.UserContext(), sess.Account.Actor()))
	return c.Next()
}

// credentials returns the request's token and how it came.
func credentials(c *fiber.Ctx) (token, via string) {
	if h := c.Get(fiber.HeaderAuthorization); h != "" {
		scheme, token, _ := strings.Cut(h, " ")
		if !strings.EqualFold(scheme, "Bearer") {
			return "-", account.ViaToken // present but unusable: refused as a bad token
		}
		return strings.TrimSpace(token), account.ViaToken
	}
	if token := c.Cookies(sessionCookie); token != "" {
		return token, account.ViaCookie
	}
	return "", ""
}

// checkOrigin refuses a cross-site API write riding on a browser's cookie.
// Bearer tokens are not sent by browsers on their own, so they need no check.
func (s *Server) checkOrigin(c *fiber.Ctx) error {
	if c.Locals(localVia) != account.ViaCookie || safeMethod(c.Method()) {
		return c.Next()
	}
	origin := c.Get(fiber.HeaderOrigin)
	if origin == "" {
		origin = c.Get(fiber.HeaderReferer)
	}
	if origin != c.BaseURL() && !strings.HasPrefix(origin, c.BaseURL()+"/") {
		return mypos.Errorf(mypos.EFORBIDDEN, "Cross-site request refused.")
	}
	return c.Next()
}

func safeMethod(m string) bool {
	return m == http.MethodGet || m == http.MethodHead || m == http.MethodOptions
}

// session returns the request's session, or nil when anonymous.
func session(c *fiber.Ctx) *account.Session {
	sess, _ := c.Locals(localSession).(*account.Session)
	return sess
}

// loginRequest is either credentials or a ticket with the account picked.
type loginRequest struct {
	Email    string `json:"email"`
	Password string `json:"password"`
	Ticket   string `json:"ticket"`
	Account  string `json:"account"`
}

type loginResponse struct {
	Token     string    `json:"token"`
	Kind      string    `json:"kind"`
	ID        string    `json:"id"`
	Name      string    `json:"name"`
	ExpiresAt time.Time `json:"expires_at"`
}

// choiceProblem answers a password that opens two cabinets.
type choiceProblem struct {
	problem
	Ticket  string           `json:"ticket"`
	Choices []account.Choice `json:"choices"`
}

func (s *Server) login(c *fiber.Ctx) error {
	var req loginRequest
	if err := decode(c, &req); err != nil {
		return err
	}
	ctx := c.UserContext()
	if req.Ticket != "" {
		if req.Account == "" {
			return mypos.Invalid("account", "Pick the cabinet to open: %q or %q.", mypos.KindCompany, mypos.KindPartner)
		}
		sess, err := s.cfg.Accounts.CompleteLogin(ctx, req.Ticket, req.Account, account.ViaToken)
		if err != nil {
			return err
		}
		return c.JSON(sessionResponse(sess))
	}
	if req.Email == "" || req.Password == "" {
		return mypos.Invalid("email", "Log in with an e-mail and a password, or a ticket and an account.")
	}
	creds := account.Credentials{Email: req.Email, Password: req.Password, Device: devicePresented(c)}
	l, err := s.cfg.Accounts.Login(ctx, creds, c.IP(), account.ViaToken)
	if err != nil {
		return err
	}
	s.keepDevice(c, l.Device)
	if l.Session == nil {
		p := choiceProblem{
			problem: newProblem(http.StatusConflict, "account_choice", "This password opens more than one cabinet: pick one."),
			Ticket:  l.Ticket, Choices: l.Choices,
		}
		return sendJSONAs(c, http.StatusConflict, "application/problem+json", p)
	}
	return c.JSON(sessionResponse(l.Session))
}

func sessionResponse(sess *account.Session) loginResponse {
	return loginResponse{Token: sess.Token, Kind: sess.Account.Kind, ID: sess.Account.ID, Name: sess.Account.Name, ExpiresAt: sess.ExpiresAt}
}

func (s *Server) logout(c *fiber.Ctx) error {
	token, via := credentials(c)
	if session(c) == nil {
		return mypos.Errorf(mypos.EUNAUTHORIZED, "Nobody is logged in.")
	}
	if err := s.cfg.Accounts.Logout(c.UserContext(), token); err != nil {
		return err
	}
	if via == account.ViaCookie {
		c.ClearCookie(sessionCookie)
	}
	return c.SendStatus(http.StatusNoContent)
}

func (s *Server) register(c *fiber.Ctx) error {
	var req account.Registration
	if err := decode(c, &req); err != nil {
		return err
	}
	a, err := s.cfg.Accounts.SignUp(c.UserContext(), req, c.IP())
	if err != nil {
		return err
	}
	return created(c, a)
}

func (s *Server) me(c *fiber.Ctx) error {
	a, err := s.cfg.Accounts.Me(c.UserContext())
	if err != nil {
		return err
	}
	return c.JSON(a)
}

// updateMe changes the company's own settings — name, INN, time zone —
// on the resource that shows them (GET /me), so a client reads and writes
// its account in one place. Company only.
func (s *Server) updateMe(c *fiber.Ctx) error {
	var req account.SettingsPatch
	if err := decode(c, &req); err != nil {
		return err
	}
	a, err := s.cfg.Accounts.UpdateSettings(c.UserContext(), req)
	if err != nil {
		return err
	}
	return c.JSON(a)
}
