package cabinet

import (
	"net/http"

	"github.com/gofiber/fiber/v2"

	"mypos/backoffice"
)

// Goods groups: a tree through parent_id; PATCH {"parent_id": null} moves
// a group to the top.

func (s *Server) listGroups(c *fiber.Ctx) error {
	return sendPage(c, s.cfg.Backoffice.ListGroups)
}

func (s *Server) createGroup(c *fiber.Ctx) error {
	var req backoffice.GroupInput
	if err := decode(c, &req); err != nil {
		return err
	}
	g, err := s.cfg.Backoffice.CreateGroup(c.UserContext(), req)
	if err != nil {
		return err
	}
	return created(c, g)
}

func (s *Server) getGroup(c *fiber.Ctx) error {
	g, err := s.cfg.Backoffice.GetGroup(c.UserContext(), c.Params("id"))
	if err != nil {
		return err
	}
	return c.JSON(g)
}

func (s *Server) updateGroup(c *fiber.Ctx) error {
	var req backoffice.GroupPatch
	if err := decode(c, &req); err != nil {
		return err
	}
	g, err := s.cfg.Backoffice.UpdateGroup(c.UserContext(), c.Params("id"), req)
	if err != nil {
		return err
	}
	return c.JSON(g)
}

func (s *Server) deleteGroup(c *fiber.Ctx) error {
	if err := s.cfg.Backoffice.DeleteGroup(c.UserContext(), c.Params("id")); err != nil {
		return err
	}
	return c.SendStatus(http.StatusNoContent)
}
