package cabinet

import (
	"context"

	"github.com/gofiber/fiber/v2"

	"mypos"
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
	return sendPage(c, s.cfg.Accounts.ListCompanies)
}

// isKind reports whether the request's actor is of a kind.
func isKind(ctx context.Context, kind string) bool {
	a, ok := mypos.ActorFromContext(ctx)
	return ok && a.Kind == kind
}
