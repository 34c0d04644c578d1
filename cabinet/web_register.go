package cabinet

import (
	"net/http"

	"github.com/gofiber/fiber/v2"

	"mypos"
	"mypos/account"
)

// registerView is what the form shows back: everything typed but the
// password, which never travels back to the browser.
type registerView struct {
	Kind, Name, INN, City, Email string
}

type pendingView struct{ Name, Email string }

func (s *Server) registerPage(c *fiber.Ctx) error {
	kind := mypos.KindCompany
	if c.Query("kind") == mypos.KindPartner {
		kind = mypos.KindPartner
	}
	return s.render(c, http.StatusOK, "register", page{Data: registerView{Kind: kind}})
}

// registerSubmit signs up a company, which opens its cabinet at once, or a
// partner, who is told to wait for the owner's approval.
func (s *Server) registerSubmit(c *fiber.Ctx) error {
	r := account.Registration{
		Kind: c.FormValue("kind"), Name: c.FormValue("name"), INN: c.FormValue("inn"),
		City: c.FormValue("city"), Email: c.FormValue("email"), Password: c.FormValue("password"),
	}
	ctx := c.UserContext()
	a, err := s.cfg.Accounts.SignUp(ctx, r, c.IP())
	if err != nil {
		return s.registerFailed(c, r, err)
	}
	if a.Kind == mypos.KindPartner {
		return s.render(c, http.StatusOK, "pending", page{Data: pendingView{Name: a.Name, Email: a.Email}})
	}
	// The login rule decides, not a shortcut: a partner account with the
	// same e-mail and password makes this a choice like any other login.
	creds := account.Credentials{Email: r.Email, Password: r.Password, Device: devicePresented(c)}
	l, err := s.cfg.Accounts.Login(ctx, creds, c.IP(), account.ViaCookie)
	if err != nil {
		return err
	}
	return s.loggedIn(c, l)
}

func (s *Server) registerFailed(c *fiber.Ctx, r account.Registration, err error) error {
	if mypos.ErrorCode(err) == mypos.EINTERNAL {
		return err
	}
	setRetryAfter(c, err)
	v := registerView{Kind: r.Kind, Name: r.Name, INN: r.INN, City: r.City, Email: r.Email}
	p := page{Err: err, Data: v}
	return s.render(c, statusForError(err), "register", p)
}
