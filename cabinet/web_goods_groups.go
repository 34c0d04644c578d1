package cabinet

import (
	"net/http"

	"github.com/gofiber/fiber/v2"

	"mypos/backoffice"
)

// groupFormView is a group's form: its name and parent ("" at the top),
// and the tree to choose the parent from. Every group is offered: a move
// under the group itself or its subgroup is the service's to refuse, and
// the form says why.
type groupFormView struct {
	ID, Name, ParentID string
	Groups             []*groupNode
}

// renderGroupForm shows a group's form, with the error next to its field
// or, for a refused delete, atop.
func (s *Server) renderGroupForm(c *fiber.Ctx, f groupFormView, err error) error {
	status, ok := formStatus(err, f.ID != "")
	if !ok {
		return err
	}
	tree, lerr := s.loadGroups(c.UserContext())
	if lerr != nil {
		return lerr
	}
	f.Groups = tree.Flat
	return s.render(c, status, "goods_group", page{Err: err, Data: f})
}

func (s *Server) groupNew(c *fiber.Ctx) error {
	return s.renderGroupForm(c, groupFormView{ParentID: c.Query("parent")}, nil)
}

func (s *Server) groupCreate(c *fiber.Ctx) error {
	f := groupFormView{Name: c.FormValue("name"), ParentID: c.FormValue("parent_id")}
	g, err := s.cfg.Backoffice.CreateGroup(c.UserContext(), backoffice.GroupInput{Name: f.Name, ParentID: optional(f.ParentID)})
	if err != nil {
		return s.renderGroupForm(c, f, err)
	}
	s.setFlash(c, "groups.created", "Name", g.Name)
	return c.Redirect(goodsURL("", g.ID, ""), http.StatusSeeOther)
}

func (s *Server) groupEdit(c *fiber.Ctx) error {
	g, err := s.cfg.Backoffice.GetGroup(c.UserContext(), c.Params("id"))
	if err != nil {
		return err
	}
	return s.renderGroupForm(c, groupFormView{ID: g.ID, Name: g.Name, ParentID: deref(g.ParentID)}, nil)
}

// groupUpdate renames a group and moves it under the parent chosen.
func (s *Server) groupUpdate(c *fiber.Ctx) error {
	f := groupFormView{ID: c.Params("id"), Name: c.FormValue("name"), ParentID: c.FormValue("parent_id")}
	parent := backoffice.Clear[string]()
	if f.ParentID != "" {
		parent = backoffice.SetTo(f.ParentID)
	}
	g, err := s.cfg.Backoffice.UpdateGroup(c.UserContext(), f.ID, backoffice.GroupPatch{Name: &f.Name, ParentID: parent})
	if err != nil {
		return s.renderGroupForm(c, f, err)
	}
	s.setFlash(c, "groups.saved", "Name", g.Name)
	return c.Redirect(goodsURL("", g.ID, ""), http.StatusSeeOther)
}

func (s *Server) groupDeleteConfirm(c *fiber.Ctx) error {
	g, err := s.cfg.Backoffice.GetGroup(c.UserContext(), c.Params("id"))
	if err != nil {
		return err
	}
	l := loc(c)
	return s.render(c, http.StatusOK, "confirm", page{Data: confirmView{
		Title: l.T("groups.delete.title"), Question: l.T("groups.delete.question", "Name", g.Name),
		Note: l.T("groups.delete.note"), Button: l.T("groups.delete.button"), Danger: true,
		Action: "/goods/groups/" + g.ID + "/delete", Back: "/goods/groups/" + g.ID,
	}})
}

// groupDelete deletes an empty group; a group with subgroups, goods or a
// discount on it stays, and its form says what holds it.
func (s *Server) groupDelete(c *fiber.Ctx) error {
	ctx := c.UserContext()
	g, err := s.cfg.Backoffice.GetGroup(ctx, c.Params("id"))
	if err != nil {
		return err
	}
	if err := s.cfg.Backoffice.DeleteGroup(ctx, g.ID); err != nil {
		return s.renderGroupForm(c, groupFormView{ID: g.ID, Name: g.Name, ParentID: deref(g.ParentID)}, err)
	}
	s.setFlash(c, "groups.deleted", "Name", g.Name)
	return c.Redirect(goodsURL("", deref(g.ParentID), ""), http.StatusSeeOther)
}
