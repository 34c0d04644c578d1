package cabinet

import (
	"net/http"

	"github.com/gofiber/fiber/v2"

	"mypos"
	"mypos/account"
	"mypos/db"
)

// ownerPages are the owner's cabinet.
// "new" is registered before ":id", which would take it for an ID.
func (s *Server) ownerPages(r webRouter) {
	r.get("/owner/partners", s.ownerPartners)
	r.get("/owner/partners/new", s.ownerNewPartner)
	r.post("/owner/partners/new", s.ownerCreatePartner)
	r.get("/owner/partners/:id", s.ownerPartner)
	r.get("/owner/partners/:id/approve", s.ownerApproveConfirm)
	r.post("/owner/partners/:id/approve", s.ownerApprove)
	r.get("/owner/companies", s.ownerCompanies)
	r.get("/owner/sales/new", s.ownerSaleForm)
	r.post("/owner/sales/new", s.ownerSaleConfirm)
	r.post("/owner/sales", s.ownerSell)
	r.get("/owner/documents", s.ownerDocuments)
	r.get("/owner/documents/:id", s.ownerDocument)
	r.get("/owner/licenses", s.ownerLicenses)
}

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
	v.FirstURL, v.NextURL = pagerURLs(path, p, next)
	return s.render(c, http.StatusOK, view, page{Data: v})
}

// ownerApproveConfirm asks the owner to confirm an approval, which cannot
// be undone: the partner logs in and sells from then on. The list links it
// with the partner's code, which finds the partner through the owner's own
// search; a code that is not this partner's finds nothing, and the page
// is 404, so a crafted link cannot show one partner's name over another's
// approval.
func (s *Server) ownerApproveConfirm(c *fiber.Ctx) error {
	id, code := c.Params("id"), c.Query("code")
	if code == "" {
		return mypos.Errorf(mypos.ENOTFOUND, "No such partner.")
	}
	found, _, err := s.cfg.Accounts.ListPartners(c.UserContext(), db.ListParams{Query: code, Limit: db.MaxLimit})
	if err != nil {
		return err
	}
	for _, a := range found {
		if a.ID != id || a.Status != account.StatusPending {
			continue
		}
		l := loc(c)
		back := listURL("/owner/partners", db.ListParams{Query: c.Query("q"), Cursor: c.Query("cursor")})
		return s.render(c, http.StatusOK, "confirm", page{Data: confirmView{
			Title:    l.T("partners.approve.title"),
			Question: l.T("partners.approve.question", "Name", a.Name, "INN", a.INN),
			Note:     l.T("partners.approve.note"),
			Button:   l.T("partners.approve.button"),
			Action:   "/owner/partners/" + a.ID + "/approve",
			Back:     back,
			Hidden:   []hiddenField{{"q", c.Query("q")}, {"cursor", c.Query("cursor")}},
		}})
	}
	return mypos.Errorf(mypos.ENOTFOUND, "No such partner.")
}

// ownerApprove approves a pending partner and returns to the list page the
// button was on, saying so.
func (s *Server) ownerApprove(c *fiber.Ctx) error {
	a, err := s.cfg.Accounts.ApprovePartner(c.UserContext(), c.Params("id"))
	if err != nil {
		return err
	}
	s.setFlash(c, "partners.approved", "Name", a.Name)
	back := db.ListParams{Query: c.FormValue("q"), Cursor: c.FormValue("cursor")}
	return c.Redirect(listURL("/owner/partners", back), http.StatusSeeOther)
}

// formMistake reports whether an error is the user's to correct on the
// form that made it — a bad or taken value, something it names that is not
// there — rather than a refusal of the page (403, a 404 of the URL) or a
// fault: the form comes back with the error at its field.
func formMistake(err error) bool {
	switch mypos.ErrorCode(err) {
	case mypos.EINVALID, mypos.ECONFLICT:
		return true
	case mypos.ENOTFOUND:
		return mypos.ErrorField(err) != ""
	}
	return false
}

// requireOwner refuses a page to anyone but the owner before it asks a
// service that would answer a partner or a company too (their own
// licenses, documents) or anybody (the directory of partners).
func requireOwner(c *fiber.Ctx) error { return requireKind(c, mypos.KindOwner) }

// requireKind refuses a cabinet's page to the other kinds of account.
func requireKind(c *fiber.Ctx, kind string) error {
	_, err := mypos.RequireActor(c.UserContext(), kind)
	return err
}
