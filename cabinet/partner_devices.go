package cabinet

import (
	"context"
	"slices"
	"strings"

	"github.com/gofiber/fiber/v2"

	"mypos"
	"mypos/db"
	"mypos/device"
	"mypos/sales"
)

// devicesByKind serves GET /devices to both who may call it: a company
// lists its devices, a partner its client companies' devices with their
// license. Anyone else is refused by the company's list.
func (s *Server) devicesByKind(c *fiber.Ctx) error {
	if !isKind(c.UserContext(), mypos.KindPartner) {
		return s.listDevices(c)
	}
	companyID := c.Query("company_id")
	return sendPage(c, func(ctx context.Context, p db.ListParams) ([]partnerDevice, string, error) {
		return s.partnerDevices(ctx, companyID, p)
	})
}

// partnerDevice is a client's device as its partner sees it: online or
// not, the license it carries (no key: the partner holds it no more), and
// what it sold without a license — a till selling without one is the
// dealer's business — or null when it never did.
type partnerDevice struct {
	deviceView
	License    *deviceLicenseView `json:"license"`
	Unlicensed *sales.Unlicensed  `json:"unlicensed_receipts"`
}

type deviceLicenseView struct {
	ID     string `json:"id"`
	Sealed bool   `json:"sealed"`
	State  string `json:"state"`
}

// partnerDevices is a page of the devices of the caller's clients — all of
// them, or one (?company_id=) — in ID order. The device service lists a
// company's devices to that company; this view, where the cabinet decides
// roles (DESIGN §3), asks it as each client the caller is linked to, and
// merges the pages.
func (s *Server) partnerDevices(ctx context.Context, companyID string, p db.ListParams) ([]partnerDevice, string, error) {
	clients, err := s.cfg.Accounts.ClientScope(ctx, companyID)
	if err != nil {
		return nil, "", err
	}
	devices, next, err := s.clientDevices(ctx, clients, p)
	if err != nil {
		return nil, "", err
	}
	views, err := s.withLiveState(ctx, devices)
	if err != nil {
		return nil, "", err
	}
	out, err := s.withLicenses(ctx, views)
	if err != nil {
		return nil, "", err
	}
	if err := s.withUnlicensed(ctx, out); err != nil {
		return nil, "", err
	}
	return out, next, nil
}

// clientDevices merges one page of each client's devices into one page.
func (s *Server) clientDevices(ctx context.Context, clients []string, p db.ListParams) ([]device.Device, string, error) {
	limit := p.Limit
	if limit == 0 {
		limit = db.DefaultLimit
	}
	var all []device.Device
	more := false
	for _, id := range clients {
		page, next, err := s.cfg.Devices.List(asClient(ctx, id), p)
		if err != nil {
			return nil, "", err
		}
		all, more = append(all, page...), more || next != ""
	}
	slices.SortFunc(all, func(a, b device.Device) int { return strings.Compare(a.ID, b.ID) })
	if len(all) > limit {
		all, more = all[:limit], true
	}
	if !more || len(all) == 0 {
		return all, "", nil
	}
	return all, all[len(all)-1].ID, nil
}

// withLicenses adds to each device the license it carries.
func (s *Server) withLicenses(ctx context.Context, views []deviceView) ([]partnerDevice, error) {
	ids := make([]string, len(views))
	for i := range views {
		ids[i] = views[i].ID
	}
	on, err := s.cfg.Licensing.OnDevices(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make([]partnerDevice, len(views))
	for i, v := range views {
		out[i].deviceView = v
		if l, ok := on[v.ID]; ok {
			out[i].License = &deviceLicenseView{ID: l.ID, Sealed: l.Sealed, State: l.State}
		}
	}
	return out, nil
}

// withUnlicensed adds to each device what it sold without a license.
func (s *Server) withUnlicensed(ctx context.Context, devices []partnerDevice) error {
	if len(devices) == 0 {
		return nil
	}
	ids := make([]string, len(devices))
	for i := range devices {
		ids[i] = devices[i].ID
	}
	sold, err := s.cfg.Sales.UnlicensedOn(ctx, ids)
	if err != nil {
		return err
	}
	for i := range devices {
		if u, ok := sold[devices[i].ID]; ok {
			devices[i].Unlicensed = &u
		}
	}
	return nil
}
