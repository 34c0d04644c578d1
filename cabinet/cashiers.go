package cabinet

import (
	"net/http"

	"github.com/gofiber/fiber/v2"

	"mypos/backoffice"
)

// The cashier's JSON (backoffice.Cashier) never carries the PIN or its
// hash: only the cashier's devices get the hash, through the changelog.

func (s *Server) listCashiers(c *fiber.Ctx) error {
	return sendPage(c, s.cfg.Backoffice.ListCashiers)
}

func (s *Server) createCashier(c *fiber.Ctx) error {
	var req backoffice.CashierInput
	if err := decode(c, &req); err != nil {
		return err
	}
	cashier, err := s.cfg.Backoffice.CreateCashier(c.UserContext(), req)
	if err != nil {
		return err
	}
	return created(c, cashier)
}

func (s *Server) getCashier(c *fiber.Ctx) error {
	cashier, err := s.cfg.Backoffice.GetCashier(c.UserContext(), c.Params("id"))
	if err != nil {
		return err
	}
	return c.JSON(cashier)
}

func (s *Server) updateCashier(c *fiber.Ctx) error {
	var req backoffice.CashierPatch
	if err := decode(c, &req); err != nil {
		return err
	}
	cashier, err := s.cfg.Backoffice.UpdateCashier(c.UserContext(), c.Params("id"), req)
	if err != nil {
		return err
	}
	return c.JSON(cashier)
}

func (s *Server) deleteCashier(c *fiber.Ctx) error {
	if err := s.cfg.Backoffice.DeleteCashier(c.UserContext(), c.Params("id")); err != nil {
		return err
	}
	return c.SendStatus(http.StatusNoContent)
}
