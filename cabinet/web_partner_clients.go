package cabinet

import (
	"net/http"

	"github.com/gofiber/fiber/v2"

	"mypos/account"
	"mypos/licensing"
)

// The partner's clients: the companies linked to it, and one client's page
// with its licenses.

// clientsView is a page of clients with its search.
type clientsView struct {
	Query             string
	Items             []account.Account
	FirstURL, NextURL string
}

func (s *Server) partnerClients(c *fiber.Ctx) error {
	p, err := listParams(c)
	if err != nil {
		return err
	}
	items, next, err := s.cfg.Accounts.LinkedCompanies(c.UserContext(), p)
	if err != nil {
		return err
	}
	v := clientsView{Query: p.Query, Items: items}
	v.FirstURL, v.NextURL = pagerURLs("/partner/clients", p, next)
	return s.render(c, http.StatusOK, "partner_clients", page{Data: v})
}

// clientView is a client's page: the company and a page of its licenses.
type clientView struct {
	Company           *account.Account
	Licenses          []licensing.License
	FirstURL, NextURL string
}

// partnerClient shows a client; another partner's client, or a company
// that is none, is 404 (the account service says so).
func (s *Server) partnerClient(c *fiber.Ctx) error {
	ctx := c.UserContext()
	company, err := s.cfg.Accounts.LinkedCompany(ctx, c.Params("id"))
	if err != nil {
		return err
	}
	p, err := listParams(c)
	if err != nil {
		return err
	}
	p.Query = "" // the client's page has no search
	lics, next, err := s.cfg.Licensing.ClientLicenses(ctx, company.ID, licensing.LicenseFilter{ListParams: p})
	if err != nil {
		return err
	}
	v := clientView{Company: company, Licenses: lics}
	v.FirstURL, v.NextURL = pagerURLs("/partner/clients/"+company.ID, p, next)
	return s.render(c, http.StatusOK, "partner_client", page{Data: v})
}
