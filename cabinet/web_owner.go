package cabinet

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"mypos/account"
	"mypos/db"
)

// ownerListView is one page of partners or companies with its search.
type ownerListView struct {
	Query    string
	Cursor   string // of this page, so an approval returns to it
	Items    []account.Account
	FirstURL string // set past the first page
	NextURL  string // set when there is a next page
}

type listFunc = lister[account.Account]

// The service refuses anyone but the owner: a partner or a company gets the
// 403 page, an anonymous visitor the login form.
func (s *Server) ownerPartners(c *fiber.Ctx) error {
	return s.ownerList(c, "owner_partners", "/owner/partners", s.cfg.Accounts.ListPartners)
}

func (s *Server) ownerCompanies(c *fiber.Ctx) error {
	return s.ownerList(c, "owner_companies", "/owner/companies", s.cfg.Accounts.ListCompanies)
}

func (s *Server) ownerList(c *fiber.Ctx, view, path string, list listFunc) error {
	p, err := listParams(c)
	if err != nil {
		return err
	}
	items, next, err := list(c.UserContext(), p)
	if err != nil {
		return err
	}
	v := ownerListView{Query: p.Query, Cursor: p.Cursor, Items: items}
	if p.Cursor != "" {
		v.FirstURL = listURL(path, db.ListParams{Query: p.Query, Limit: p.Limit})
	}
	if next != "" {
		v.NextURL = listURL(path, db.ListParams{Query: p.Query, Limit: p.Limit, Cursor: next})
	}
	return s.render(c, http.StatusOK, view, page{Data: v})
}

// ownerApprove approves a pending partner and returns to the list page the
// button was on.
func (s *Server) ownerApprove(c *fiber.Ctx) error {
	if _, err := s.cfg.Accounts.ApprovePartner(c.UserContext(), c.Params("id")); err != nil {
		return err
	}
	back := db.ListParams{Query: c.FormValue("q"), Cursor: c.FormValue("cursor")}
	return c.Redirect(listURL("/owner/partners", back), http.StatusSeeOther)
}

// listURL is a list page's address; it is built here, from a fixed path, so
// a form field cannot redirect the browser elsewhere.
func listURL(path string, p db.ListParams) string {
	v := url.Values{}
	if p.Query != "" {
		v.Set("q", p.Query)
	}
	if p.Cursor != "" {
		v.Set("cursor", p.Cursor)
	}
	if p.Limit != 0 {
		v.Set("limit", strconv.Itoa(p.Limit))
	}
	if len(v) == 0 {
		return path
	}
	return path + "?" + v.Encode()
}
