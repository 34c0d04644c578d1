package cabinet

import (
	"net/http"

	"github.com/gofiber/fiber/v2"

	"mypos/backoffice"
)

// Discounts: kind "percent" (value in hundredths of a percent) or
// "amount" (kopecks); target "all", "group" (group_id) or "goods"
// (goods_ids); all_stores true or store_ids.

func (s *Server) listDiscounts(c *fiber.Ctx) error {
	return sendPage(c, s.cfg.Backoffice.ListDiscounts)
}

func (s *Server) createDiscount(c *fiber.Ctx) error {
	var req backoffice.DiscountInput
	if err := decode(c, &req); err != nil {
		return err
	}
	d, err := s.cfg.Backoffice.CreateDiscount(c.UserContext(), req)
	if err != nil {
		return err
	}
	return created(c, d)
}

func (s *Server) getDiscount(c *fiber.Ctx) error {
	d, err := s.cfg.Backoffice.GetDiscount(c.UserContext(), c.Params("id"))
	if err != nil {
		return err
	}
	return c.JSON(d)
}

func (s *Server) updateDiscount(c *fiber.Ctx) error {
	var req backoffice.DiscountPatch
	if err := decode(c, &req); err != nil {
		return err
	}
	d, err := s.cfg.Backoffice.UpdateDiscount(c.UserContext(), c.Params("id"), req)
	if err != nil {
		return err
	}
	return c.JSON(d)
}

func (s *Server) deleteDiscount(c *fiber.Ctx) error {
	if err := s.cfg.Backoffice.DeleteDiscount(c.UserContext(), c.Params("id")); err != nil {
		return err
	}
	return c.SendStatus(http.StatusNoContent)
}
