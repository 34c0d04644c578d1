package cabinet

import (
	"context"

	"github.com/gofiber/fiber/v2"

	"mypos"
	"mypos/account"
)

// partnerDirectory answers anyone, logged in or not: a company looks for
// its partner before, or right after, it registers, and the directory shows
// only what partners show the public (name, city, INN, code).
func (s *Server) partnerDirectory(c *fiber.Ctx) error {
	return sendPage(c, s.cfg.Accounts.Directory)
}

// companiesByKind serves GET /companies to both who may call it: the owner
// lists every company, a partner its client companies. Anyone else is
// refused by the owner's list (401 or 403).
func (s *Server) companiesByKind(c *fiber.Ctx) error {
	if isKind(c.UserContext(), mypos.KindPartner) {
		return sendPage(c, s.cfg.Accounts.LinkedCompanies)
	}
	return s.listCompanies(c)
}

func (s *Server) listLinkRequests(c *fiber.Ctx) error {
	return sendPage(c, s.cfg.Accounts.LinkRequests)
}

// createLinkRequest takes {partner_code} or {partner_id}.
func (s *Server) createLinkRequest(c *fiber.Ctx) error {
	var req account.LinkRequestInput
	if err := decode(c, &req); err != nil {
		return err
	}
	r, err := s.cfg.Accounts.RequestLink(c.UserContext(), req)
	if err != nil {
		return err
	}
	return created(c, r)
}

func (s *Server) acceptLinkRequest(c *fiber.Ctx) error {
	return s.decideLink(c, s.cfg.Accounts.AcceptLink)
}

func (s *Server) declineLinkRequest(c *fiber.Ctx) error {
	return s.decideLink(c, s.cfg.Accounts.DeclineLink)
}

func (s *Server) cancelLinkRequest(c *fiber.Ctx) error {
	return s.decideLink(c, s.cfg.Accounts.CancelLink)
}

func (s *Server) decideLink(c *fiber.Ctx, decide func(context.Context, string) (*account.LinkRequest, error)) error {
	r, err := decide(c.UserContext(), c.Params("id"))
	if err != nil {
		return err
	}
	return c.JSON(r)
}

// isKind reports whether the request's actor is of a kind.
func isKind(ctx context.Context, kind string) bool {
	a, ok := mypos.ActorFromContext(ctx)
	return ok && a.Kind == kind
}
