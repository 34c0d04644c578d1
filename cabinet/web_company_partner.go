package cabinet

import (
	"context"
	"net/http"

	"github.com/gofiber/fiber/v2"

	"mypos"
	"mypos/account"
)

// The company's partner (dealer): whom it works with, the request it sent,
// and the directory it finds a partner in. /partner is this page for a
// company only; the partner's own cabinet lives under /partner/….

// partnerState is where the company stands with partners.
type partnerState struct {
	Partner  *account.Account     // the linked partner, or nil
	Pending  *account.LinkRequest // the request awaiting an answer, or nil
	Declined *account.LinkRequest // the latest request, when it was declined
}

// partnerView is the partner page: the state, the code typed, and a page
// of the directory.
type partnerView struct {
	partnerState
	Code      string
	Directory officeList[account.DirectoryEntry]
}

// partnerState reads the company's link and its requests. A company has
// a handful of requests; they are read whole.
func (s *Server) partnerState(ctx context.Context, companyID string) (partnerState, error) {
	var st partnerState
	reqs, _, err := countUpTo(ctx, s.cfg.Accounts.LinkRequests)
	if err != nil {
		return st, err
	}
	for i := range reqs {
		switch reqs[i].Status {
		case account.LinkPending:
			st.Pending = &reqs[i]
		case account.LinkDeclined:
			st.Declined = &reqs[i]
		case account.LinkAccepted:
			st.Declined = nil // an answer older than the link says nothing now
		}
	}
	id, err := s.cfg.Accounts.LinkedPartner(ctx, companyID)
	if mypos.ErrorCode(err) == mypos.ENOTFOUND {
		return st, nil
	} else if err != nil {
		return st, err
	}
	st.Partner, err = s.cfg.Accounts.ActivePartner(ctx, id)
	return st, err
}

// companyPartner shows the partner page. A partner's or the owner's
// session gets the 403 page: /partner is the company's.
func (s *Server) companyPartner(c *fiber.Ctx) error {
	return s.renderPartner(c, http.StatusOK, "", nil)
}

// renderPartner renders the page with what was typed and the error of a
// request, if any.
func (s *Server) renderPartner(c *fiber.Ctx, status int, code string, failed error) error {
	actor, err := mypos.RequireActor(c.UserContext(), mypos.KindCompany)
	if err != nil {
		return err
	}
	st, err := s.partnerState(c.UserContext(), actor.ID)
	if err != nil {
		return err
	}
	v := partnerView{partnerState: st, Code: code}
	if v.Directory, err = listOffice(c, "/partner", s.cfg.Accounts.Directory); err != nil {
		return err
	}
	return s.render(c, status, "company_partner", page{Err: failed, Data: v})
}

// companyRequestLink sends a link request to the partner named by the code
// typed or the directory's button (partner_id), or — its button sends
// cancel — withdraws the pending one. Both post to /partner itself: the
// paths under /partner/ are the partner's cabinet.
func (s *Server) companyRequestLink(c *fiber.Ctx) error {
	if id := c.FormValue("cancel"); id != "" {
		return s.companyCancelLink(c, id)
	}
	in := account.LinkRequestInput{PartnerCode: c.FormValue("partner_code"), PartnerID: c.FormValue("partner_id")}
	r, err := s.cfg.Accounts.RequestLink(c.UserContext(), in)
	if err != nil {
		if !onForm(err) {
			return err
		}
		return s.renderPartner(c, statusForError(err), in.PartnerCode, err)
	}
	s.setFlash(c, "link.requested", "Name", r.PartnerName)
	return c.Redirect("/partner", http.StatusSeeOther)
}

// companyCancelLink withdraws the pending request.
func (s *Server) companyCancelLink(c *fiber.Ctx, id string) error {
	r, err := s.cfg.Accounts.CancelLink(c.UserContext(), id)
	if err != nil {
		return err
	}
	s.setFlash(c, "link.cancelled", "Name", r.PartnerName)
	return c.Redirect("/partner", http.StatusSeeOther)
}
