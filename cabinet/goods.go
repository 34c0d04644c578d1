package cabinet

import (
	"net/http"

	"github.com/gofiber/fiber/v2"

	"mypos/backoffice"
)

// Goods: ?q= finds a name containing the text (any case), or a code or a
// barcode exactly.

func (s *Server) listGoods(c *fiber.Ctx) error {
	return sendPage(c, s.cfg.Backoffice.ListGoods)
}

func (s *Server) createGoods(c *fiber.Ctx) error {
	var req backoffice.GoodsInput
	if err := decode(c, &req); err != nil {
		return err
	}
	g, err := s.cfg.Backoffice.CreateGoods(c.UserContext(), req)
	if err != nil {
		return err
	}
	return created(c, g)
}

func (s *Server) getGoods(c *fiber.Ctx) error {
	g, err := s.cfg.Backoffice.GetGoods(c.UserContext(), c.Params("id"))
	if err != nil {
		return err
	}
	return c.JSON(g)
}

func (s *Server) updateGoods(c *fiber.Ctx) error {
	var req backoffice.GoodsPatch
	if err := decode(c, &req); err != nil {
		return err
	}
	g, err := s.cfg.Backoffice.UpdateGoods(c.UserContext(), c.Params("id"), req)
	if err != nil {
		return err
	}
	return c.JSON(g)
}

func (s *Server) deleteGoods(c *fiber.Ctx) error {
	if err := s.cfg.Backoffice.DeleteGoods(c.UserContext(), c.Params("id")); err != nil {
		return err
	}
	return c.SendStatus(http.StatusNoContent)
}
