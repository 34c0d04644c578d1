package cabinet

import (
	"context"
	"net/http"

	"github.com/gofiber/fiber/v2"

	"mypos"
	"mypos/account"
	"mypos/db"
)

// The partner's link requests: companies ask to become its clients by its
// code; it accepts or declines. The list shows the pending requests first,
// then the answered ones, paged as one list: ?part=answered marks the
// pages past the pending ones, and cursor is a request's ID within its part.

const answeredPart = "answered"

// requestsView is a page of the partner's link requests.
type requestsView struct {
	Items             []account.LinkRequest
	FirstURL, NextURL string
}

func (s *Server) partnerRequests(c *fiber.Ctx) error {
	p, err := listParams(c)
	if err != nil {
		return err
	}
	if p.Limit == 0 {
		p.Limit = db.DefaultLimit
	}
	v, err := s.requestsPage(c.UserContext(), p, c.Query("part") == answeredPart)
	if err != nil {
		return err
	}
	if p.Cursor != "" || c.Query("part") == answeredPart {
		v.FirstURL = requestsURL(db.ListParams{Limit: p.Limit}, false)
	}
	return s.render(c, http.StatusOK, "partner_requests", page{Data: v})
}

// requestsPage reads a page: pending requests, and once they run out the
// answered ones fill the rest of it.
func (s *Server) requestsPage(ctx context.Context, p db.ListParams, answered bool) (requestsView, error) {
	acc, limit := s.cfg.Accounts, p.Limit
	var v requestsView
	if !answered {
		pending, next, err := acc.PartnerLinkRequests(ctx, true, p)
		if err != nil || next != "" {
			v.Items, v.NextURL = pending, requestsURL(db.ListParams{Limit: limit, Cursor: next}, false)
			return v, err
		}
		v.Items, p = pending, db.ListParams{Limit: limit - len(pending)}
		if p.Limit == 0 {
			// The pending ones filled the page: the answered ones start the next.
			more, _, err := acc.PartnerLinkRequests(ctx, false, db.ListParams{Limit: 1})
			if len(more) > 0 {
				v.NextURL = requestsURL(db.ListParams{Limit: limit}, true)
			}
			return v, err
		}
	}
	rest, next, err := acc.PartnerLinkRequests(ctx, false, p)
	if err != nil {
		return v, err
	}
	v.Items = append(v.Items, rest...)
	if next != "" {
		v.NextURL = requestsURL(db.ListParams{Limit: limit, Cursor: next}, true)
	}
	return v, nil
}

func requestsURL(p db.ListParams, answered bool) string {
	if p.Limit == db.DefaultLimit {
		p.Limit = 0
	}
	part := ""
	if answered {
		part = answeredPart
	}
	return listURL("/partner/requests", p, "part", part)
}

// partnerAccept accepts a request: the company becomes a client. It can be
// undone by neither side but is what the company asked for, so it posts
// at once; it returns to the page the button was on.
func (s *Server) partnerAccept(c *fiber.Ctx) error {
	r, err := s.cfg.Accounts.AcceptLink(c.UserContext(), c.Params("id"))
	if err != nil {
		return err
	}
	s.setFlash(c, "requests.accepted", "Name", r.CompanyName)
	return c.Redirect(requestsBack(c), http.StatusSeeOther)
}

// requestsBack is where an answer returns: home when the button was there.
func requestsBack(c *fiber.Ctx) string {
	if c.FormValue("from") == "home" {
		return "/"
	}
	return "/partner/requests"
}

// partnerDeclineConfirm asks before declining: the company has to send a
// new request to ask again.
func (s *Server) partnerDeclineConfirm(c *fiber.Ctx) error {
	r, err := s.pendingRequest(c.UserContext(), c.Params("id"))
	if err != nil {
		return err
	}
	l := loc(c)
	from := c.Query("from")
	back := "/partner/requests"
	if from == "home" {
		back = "/"
	}
	return s.render(c, http.StatusOK, "confirm", page{Data: confirmView{
		Title:    l.T("requests.decline.title"),
		Question: l.T("requests.decline.question", "Name", r.CompanyName),
		Note:     l.T("requests.decline.note"),
		Button:   l.T("requests.decline.button"),
		Action:   "/partner/requests/" + r.ID + "/decline",
		Back:     back,
		Danger:   true,
		Hidden:   []hiddenField{{"from", from}},
	}})
}

func (s *Server) partnerDecline(c *fiber.Ctx) error {
	r, err := s.cfg.Accounts.DeclineLink(c.UserContext(), c.Params("id"))
	if err != nil {
		return err
	}
	s.setFlash(c, "requests.declined", "Name", r.CompanyName)
	return c.Redirect(requestsBack(c), http.StatusSeeOther)
}

// pendingRequest finds a pending request to the caller among the pending
// ones, which are few: they leave the list once answered.
// Returns ENOTFOUND when there is none of that ID.
func (s *Server) pendingRequest(ctx context.Context, id string) (*account.LinkRequest, error) {
	p := db.ListParams{Limit: db.MaxLimit}
	for {
		page, next, err := s.cfg.Accounts.PartnerLinkRequests(ctx, true, p)
		if err != nil {
			return nil, err
		}
		for i := range page {
			if page[i].ID == id {
				return &page[i], nil
			}
		}
		if next == "" {
			return nil, mypos.Errorf(mypos.ENOTFOUND, "No such link request.")
		}
		p.Cursor = next
	}
}
