package cabinet

import (
	"context"
	"net/http"
	"slices"
	"strings"

	"github.com/gofiber/fiber/v2"

	"mypos/backoffice"
	"mypos/db"
)

// The company's cashiers: "Новый кассир" atop the list, a form with the
// name, a PIN never shown back, a role and the devices the cashier may
// work on, grouped by store; switching one off and on; a confirmed delete.

// cashierRoles are the roles, in the order the form offers them.
var cashierRoles = []string{backoffice.RoleCashier, backoffice.RoleSeniorCashier, backoffice.RoleAdministrator}

// cashierLine is a cashier as the list shows it, with its devices' names.
type cashierLine struct {
	backoffice.Cashier
	Devices []string
}

// cashiersView is a page of cashiers, each with its devices named.
type cashiersView = officeList[cashierLine]

func (s *Server) companyCashiers(c *fiber.Ctx) error {
	list, err := listOffice(c, "/cashiers", s.cfg.Backoffice.ListCashiers)
	if err != nil {
		return err
	}
	n := s.newNames(c.UserContext())
	v := cashiersView{Query: list.Query, Cursor: list.Cursor, FirstURL: list.FirstURL, NextURL: list.NextURL}
	for _, ch := range list.Items {
		line := cashierLine{Cashier: ch}
		for _, id := range ch.DeviceIDs {
			line.Devices = append(line.Devices, n.device(id))
		}
		v.Items = append(v.Items, line)
	}
	return s.render(c, http.StatusOK, "company_cashiers", page{Data: v})
}

// cashierForm is the cashier form: what was typed (never the PIN), the
// roles, and the company's devices by store, those allowed ticked.
type cashierForm struct {
	ID, Name, Role string
	Roles          []string
	Groups         []deviceGroup
	HasDevices     bool
}

// deviceGroup is a store's devices on the form ("" for those in no store).
type deviceGroup struct {
	Store   string
	Devices []deviceChoice
}

type deviceChoice struct {
	ID, Name string
	Checked  bool
}

func (s *Server) companyCashierNew(c *fiber.Ctx) error {
	return s.renderCashierForm(c, http.StatusOK, cashierForm{Role: backoffice.RoleCashier}, nil, nil)
}

func (s *Server) companyCashierEdit(c *fiber.Ctx) error {
	ch, err := s.cfg.Backoffice.GetCashier(c.UserContext(), c.Params("id"))
	if err != nil {
		return err
	}
	return s.renderCashierForm(c, http.StatusOK, cashierForm{ID: ch.ID, Name: ch.Name, Role: ch.Role}, ch.DeviceIDs, nil)
}

// renderCashierForm fills in the roles and the devices, allowed ones
// ticked, and renders the form.
func (s *Server) renderCashierForm(c *fiber.Ctx, status int, f cashierForm, allowed []string, failed error) error {
	groups, err := s.deviceGroups(c.UserContext(), allowed)
	if err != nil {
		return err
	}
	f.Roles, f.Groups, f.HasDevices = cashierRoles, groups, len(groups) > 0
	return s.render(c, status, "company_cashier", page{Err: failed, Data: f})
}

// deviceGroups are the company's live devices grouped by store, stores by
// name and the devices in no store last.
func (s *Server) deviceGroups(ctx context.Context, allowed []string) ([]deviceGroup, error) {
	devices, _, err := countUpTo(ctx, s.cfg.Devices.List)
	if err != nil {
		return nil, err
	}
	n := s.newNames(ctx)
	byStore := map[string]*deviceGroup{}
	var groups []*deviceGroup
	for _, d := range devices {
		store := n.store(d.StoreID)
		g, ok := byStore[store]
		if !ok {
			g = &deviceGroup{Store: store}
			byStore[store] = g
			groups = append(groups, g)
		}
		g.Devices = append(g.Devices, deviceChoice{ID: d.ID, Name: d.Name, Checked: slices.Contains(allowed, d.ID)})
	}
	slices.SortStableFunc(groups, func(a, b *deviceGroup) int {
		if (a.Store == "") != (b.Store == "") {
			return strings.Compare(b.Store, a.Store) // "" last
		}
		return strings.Compare(a.Store, b.Store)
	})
	out := make([]deviceGroup, len(groups))
	for i, g := range groups {
		out[i] = *g
	}
	return out, nil
}

// cashierTyped is what the form sent: the fields and the devices ticked.
func cashierTyped(c *fiber.Ctx) (cashierForm, string, []string) {
	f := cashierForm{ID: c.Params("id"), Name: c.FormValue("name"), Role: c.FormValue("role")}
	var ids []string
	for _, v := range c.Request().PostArgs().PeekMulti("device_ids") {
		ids = append(ids, string(v))
	}
	return f, c.FormValue("pin"), ids
}

func (s *Server) companyCashierCreate(c *fiber.Ctx) error {
	f, pin, ids := cashierTyped(c)
	in := backoffice.CashierInput{Name: f.Name, PIN: pin, Role: f.Role, DeviceIDs: ids}
	ch, err := s.cfg.Backoffice.CreateCashier(c.UserContext(), in)
	return s.cashierSaved(c, f, ids, ch, err, "cashiers.created")
}

// companyCashierUpdate saves the form; a blank PIN keeps the old one.
func (s *Server) companyCashierUpdate(c *fiber.Ctx) error {
	f, pin, ids := cashierTyped(c)
	if ids == nil {
		ids = []string{} // none ticked: the cashier works on no device
	}
	p := backoffice.CashierPatch{Name: &f.Name, Role: &f.Role, DeviceIDs: &ids}
	if pin != "" {
		p.PIN = &pin
	}
	ch, err := s.cfg.Backoffice.UpdateCashier(c.UserContext(), f.ID, p)
	return s.cashierSaved(c, f, ids, ch, err, "cashiers.saved")
}

func (s *Server) cashierSaved(c *fiber.Ctx, f cashierForm, ids []string, ch *backoffice.Cashier, err error, flash string) error {
	if err != nil {
		if !onForm(err) {
			return err
		}
		return s.renderCashierForm(c, statusForError(err), f, ids, err)
	}
	s.setFlash(c, flash, "Name", ch.Name)
	return c.Redirect("/cashiers", http.StatusSeeOther)
}

// companyCashierActive switches a cashier off (the tills stop letting it
// in) or on again, and returns to the list page the button was on.
func (s *Server) companyCashierActive(c *fiber.Ctx) error {
	active := c.FormValue("active") == "1"
	ch, err := s.cfg.Backoffice.UpdateCashier(c.UserContext(), c.Params("id"), backoffice.CashierPatch{Active: &active})
	if err != nil {
		return err
	}
	flash := "cashiers.switched_off"
	if active {
		flash = "cashiers.switched_on"
	}
	s.setFlash(c, flash, "Name", ch.Name)
	return c.Redirect(listURL("/cashiers", db.ListParams{Query: c.FormValue("q"), Cursor: c.FormValue("cursor")}), http.StatusSeeOther)
}

func (s *Server) companyCashierDeleteConfirm(c *fiber.Ctx) error {
	ch, err := s.cfg.Backoffice.GetCashier(c.UserContext(), c.Params("id"))
	if err != nil {
		return err
	}
	v := askFirst(c, "cashiers.delete.", ch.Name, "/cashiers/"+ch.ID+"/delete", "/cashiers", true)
	return s.render(c, http.StatusOK, "confirm", page{Data: v})
}

func (s *Server) companyCashierDelete(c *fiber.Ctx) error {
	ctx := c.UserContext()
	ch, err := s.cfg.Backoffice.GetCashier(ctx, c.Params("id"))
	if err != nil {
		return err
	}
	if err := s.cfg.Backoffice.DeleteCashier(ctx, ch.ID); err != nil {
		return err
	}
	s.setFlash(c, "cashiers.deleted", "Name", ch.Name)
	return c.Redirect("/cashiers", http.StatusSeeOther)
}
