package cabinet

import (
	"net/http"

	"github.com/gofiber/fiber/v2"

	"mypos/account"
	"mypos/db"
	"mypos/licensing"
)

// newPartnerView is the form of a new partner as typed, password left out.
type newPartnerView struct{ Name, INN, City, Email string }

// ownerNewPartner is the form the owner creates an active partner with.
func (s *Server) ownerNewPartner(c *fiber.Ctx) error {
	if err := requireOwner(c); err != nil {
		return err // no service is asked yet: the page refuses anyone else itself
	}
	return s.render(c, http.StatusOK, "owner_partner_new", page{Data: newPartnerView{}})
}

// ownerCreatePartner creates the partner and opens its page, saying so; a
// mistake comes back at its field, without the password.
func (s *Server) ownerCreatePartner(c *fiber.Ctx) error {
	r := account.Registration{Name: c.FormValue("name"), INN: c.FormValue("inn"), City: c.FormValue("city"),
		Email: c.FormValue("email"), Password: c.FormValue("password")}
	a, err := s.cfg.Accounts.CreatePartner(c.UserContext(), r)
	if formMistake(err) {
		v := newPartnerView{Name: r.Name, INN: r.INN, City: r.City, Email: r.Email}
		return s.render(c, statusForError(err), "owner_partner_new", page{Err: err, Data: v})
	} else if err != nil {
		return err
	}
	s.setFlash(c, "owner.partner.created", "Name", a.Name)
	return c.Redirect("/owner/partners/"+a.ID, http.StatusSeeOther)
}

// partnerClients is how many clients a partner's page lists at a time.
const partnerClients = 20

// ownerPartnerView is a partner's page: its account, its licenses and its
// clients' counted by state, a page of its clients, its newest documents.
type ownerPartnerView struct {
	Partner           *account.Account
	Held, AtClients   licensing.Counts
	Clients           []account.Account
	Documents         []documentRow
	FirstURL, NextURL string // of the clients
}

// ownerPartner is a partner's page. Another kind's ID, or none, is 404.
func (s *Server) ownerPartner(c *fiber.Ctx) error {
	ctx := c.UserContext()
	p, err := s.cfg.Accounts.Partner(ctx, c.Params("id"))
	if err != nil {
		return err
	}
	lp, err := listParams(c)
	if err != nil {
		return err
	}
	if lp.Limit == 0 {
		lp.Limit = partnerClients
	}
	v := ownerPartnerView{Partner: p}
	if v.Held, v.AtClients, err = s.partnerCounts(c, p.ID); err != nil {
		return err
	}
	clients, next, err := s.cfg.Accounts.ClientsOf(ctx, p.ID, lp)
	if err != nil {
		return err
	}
	v.Clients = clients
	v.FirstURL, v.NextURL = pagerURLs("/owner/partners/"+p.ID, lp, next)
	docs, err := s.journal(c, licensing.JournalFilter{Party: p.ID, DocumentFilter: licensing.DocumentFilter{ListParams: db.ListParams{Limit: recentDocuments}}})
	if err != nil {
		return err
	}
	v.Documents = docs.rows
	return s.render(c, http.StatusOK, "owner_partner", page{Data: v})
}

// partnerCounts counts the licenses a partner holds and those its clients
// hold, by state: two grouped queries and the list of its clients.
func (s *Server) partnerCounts(c *fiber.Ctx, partnerID string) (held, atClients licensing.Counts, err error) {
	ctx := c.UserContext()
	own, err := s.cfg.Licensing.CountsBy(ctx, licensing.HolderPartner, []string{partnerID})
	if err != nil {
		return held, atClients, err
	}
	clients, err := s.cfg.Accounts.ClientIDsOf(ctx, partnerID)
	if err != nil {
		return held, atClients, err
	}
	theirs, err := s.cfg.Licensing.CountsBy(ctx, licensing.HolderCompany, clients)
	for _, n := range theirs {
		atClients = atClients.Plus(n)
	}
	return own[partnerID], atClients, err
}
