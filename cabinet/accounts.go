package cabinet

import (
	"github.com/gofiber/fiber/v2"

	"mypos/account"
)

func (s *Server) listPartners(c *fiber.Ctx) error {
	return sendPage(c, s.cfg.Accounts.ListPartners)
}

func (s *Server) listCompanies(c *fiber.Ctx) error {
	return sendPage(c, s.cfg.Accounts.ListCompanies)
}

func (s *Server) createPartner(c *fiber.Ctx) error {
	var req account.Registration
	if err := decode(c, &req); err != nil {
		return err
	}
	a, err := s.cfg.Accounts.CreatePartner(c.UserContext(), req)
	if err != nil {
		return err
	}
	return created(c, a)
}

func (s *Server) approvePartner(c *fiber.Ctx) error {
	a, err := s.cfg.Accounts.ApprovePartner(c.UserContext(), c.Params("id"))
	if err != nil {
		return err
	}
	return c.JSON(a)
}
