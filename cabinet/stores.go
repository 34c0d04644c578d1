package cabinet

import (
	"net/http"

	"github.com/gofiber/fiber/v2"

	"mypos/backoffice"
)

func (s *Server) listStores(c *fiber.Ctx) error {
	return sendPage(c, s.cfg.Backoffice.ListStores)
}

func (s *Server) createStore(c *fiber.Ctx) error {
	var req backoffice.StoreInput
	if err := decode(c, &req); err != nil {
		return err
	}
	st, err := s.cfg.Backoffice.CreateStore(c.UserContext(), req)
	if err != nil {
		return err
	}
	return created(c, st)
}

func (s *Server) getStore(c *fiber.Ctx) error {
	st, err := s.cfg.Backoffice.GetStore(c.UserContext(), c.Params("id"))
	if err != nil {
		return err
	}
	return c.JSON(st)
}

func (s *Server) updateStore(c *fiber.Ctx) error {
	var req backoffice.StorePatch
	if err := decode(c, &req); err != nil {
		return err
	}
	st, err := s.cfg.Backoffice.UpdateStore(c.UserContext(), c.Params("id"), req)
	if err != nil {
		return err
	}
	return c.JSON(st)
}

func (s *Server) deleteStore(c *fiber.Ctx) error {
	if err := s.cfg.Backoffice.DeleteStore(c.UserContext(), c.Params("id")); err != nil {
		return err
	}
	return c.SendStatus(http.StatusNoContent)
}
