package cabinet

import (
	"cmp"
	"context"
	"net/http"

	"github.com/gofiber/fiber/v2"

	"mypos"
	"mypos/db"
	"mypos/device"
)

// companyPages are the company's cabinet: its back office (stores, devices,
// cashiers, licenses, partner, settings), its catalog (goods, groups,
// prices, discounts) and its sales.
func (s *Server) companyPages(r webRouter) {
	r.get("/receipts", s.companyReceipts)
	s.companySalesPages(r)
	s.companyOfficePages(r)
	s.companyCatalogPages(r)
}

// homeView is the company's home: what to do next, in the order the work
// goes (a partner, a store, a device, its enrollment, a cashier, licenses),
// and how many of each it has.
type homeView struct {
	Steps                     []homeStep
	Stores, Devices, Cashiers int
	Licenses, FreeLicenses    int
	Unenrolled, Unlicensed    int
	Partner, PendingPartner   string // the linked partner's name; the one asked
	Online                    int
	StoresMore, CashiersMore  bool // the count stopped at homeCountLimit
	DevicesMore, LicensesMore bool
	FirstUnenrolled           string // a device to show the code of
}

// homeStep is a thing to do next: a message ID saying what, and a link to
// the page that does it with its button's message ID.
type homeStep struct{ Text, Href, Action string }

// companyHome is the company's home page.
func (s *Server) companyHome(c *fiber.Ctx) error {
	ctx := c.UserContext()
	me := session(c).Account
	v := homeView{}
	if err := s.homePartner(ctx, me.ID, &v); err != nil {
		return err
	}
	stores, more, err := countUpTo(ctx, s.cfg.Backoffice.ListStores)
	if err != nil {
		return err
	}
	v.Stores, v.StoresMore = len(stores), more
	devices, more, err := countUpTo(ctx, s.cfg.Devices.List)
	if err != nil {
		return err
	}
	v.Devices, v.DevicesMore = len(devices), more
	cashiers, more, err := countUpTo(ctx, s.cfg.Backoffice.ListCashiers)
	if err != nil {
		return err
	}
	v.Cashiers, v.CashiersMore = len(cashiers), more
	if err := s.homeDevices(ctx, devices, &v); err != nil {
		return err
	}
	v.Steps = v.steps()
	return s.render(c, http.StatusOK, "company_home", page{Data: v})
}

// homePartner says whom the company works with, or whom it asked.
func (s *Server) homePartner(ctx context.Context, companyID string, v *homeView) error {
	st, err := s.partnerState(ctx, companyID)
	if err != nil {
		return err
	}
	if st.Partner != nil {
		v.Partner = st.Partner.Name
	}
	if st.Pending != nil {
		v.PendingPartner = st.Pending.PartnerName
	}
	return nil
}

// homeDevices counts the devices online, never enrolled and without a
// license, and the licenses, free ones too.
func (s *Server) homeDevices(ctx context.Context, devices []device.Device, v *homeView) error {
	live, err := s.withLiveState(ctx, devices)
	if err != nil {
		return err
	}
	ids := make([]string, len(devices))
	for i, d := range live {
		ids[i] = d.ID
		if d.Online {
			v.Online++
		}
		if d.EnrolledAt == nil {
			v.Unenrolled++
			v.FirstUnenrolled = cmp.Or(v.FirstUnenrolled, d.ID)
		}
	}
	held, err := s.cfg.Licensing.OnDevices(ctx, ids)
	if err != nil {
		return err
	}
	v.Unlicensed = len(devices) - len(held)
	licenses, more, err := s.companyLicenses(ctx)
	if err != nil {
		return err
	}
	v.Licenses, v.LicensesMore = len(licenses), more
	for _, l := range licenses {
		if l.DeviceID == nil {
			v.FreeLicenses++
		}
	}
	return nil
}

// steps are what the company should do next, in the forum's order: a
// partner, a store, a device, its enrollment, a cashier, then licenses.
func (v homeView) steps() []homeStep {
	var out []homeStep
	add := func(when bool, text, href, action string) {
		if when {
			out = append(out, homeStep{Text: text, Href: href, Action: action})
		}
	}
	add(v.Partner == "" && v.PendingPartner == "", "home.step.partner", "/partner", "home.step.partner_action")
	add(v.Partner == "" && v.PendingPartner != "", "home.step.partner_wait", "/partner", "home.step.partner_wait_action")
	add(v.Stores == 0, "home.step.store", "/stores/new", "home.step.store_action")
	add(v.Devices == 0, "home.step.device", "/devices/new", "home.step.device_action")
	add(v.Unenrolled > 0, "home.step.enroll", "/devices/"+v.FirstUnenrolled+"/code", "home.step.enroll_action")
	add(v.Cashiers == 0, "home.step.cashier", "/cashiers/new", "home.step.cashier_action")
	add(v.Devices > 0 && v.Unlicensed > 0, "home.step.license", "/devices", "home.step.license_action")
	return out
}

// homeCountLimit bounds what the home page counts: a merchant has tens of
// stores, tills and cashiers; past this the page says "more than".
const homeCountLimit = 5 * db.MaxLimit

// countUpTo lists up to homeCountLimit items, page by page, and says
// whether there are more.
func countUpTo[T any](ctx context.Context, list lister[T]) ([]T, bool, error) {
	var all []T
	p := db.ListParams{Limit: db.MaxLimit}
	for {
		items, next, err := list(ctx, p)
		if err != nil {
			return nil, false, err
		}
		all = append(all, items...)
		if next == "" {
			return all, false, nil
		}
		if len(all) >= homeCountLimit {
			return all, true, nil
		}
		p.Cursor = next
	}
}

// officeList is one page of a company's list with its search: the items,
// the query, and the links to the first and the next page.
type officeList[T any] struct {
	Query, Cursor     string
	Items             []T
	FirstURL, NextURL string
}

// listOffice reads the list parameters and a page of the list at path.
func listOffice[T any](c *fiber.Ctx, path string, list lister[T]) (officeList[T], error) {
	p, err := listParams(c)
	if err != nil {
		return officeList[T]{}, err
	}
	items, next, err := list(c.UserContext(), p)
	if err != nil {
		return officeList[T]{}, err
	}
	return newOfficeList(path, p, items, next), nil
}

func newOfficeList[T any](path string, p db.ListParams, items []T, next string) officeList[T] {
	v := officeList[T]{Query: p.Query, Cursor: p.Cursor, Items: items}
	if p.Cursor != "" {
		v.FirstURL = listURL(path, db.ListParams{Query: p.Query, Limit: p.Limit})
	}
	if next != "" {
		v.NextURL = listURL(path, db.ListParams{Query: p.Query, Limit: p.Limit, Cursor: next})
	}
	return v
}

// onForm says whether a service's error belongs on the form that was
// sent — at its field, or atop — rather than on the error page: a refusal
// of what was typed, not of who asks or of the row the address names.
func onForm(err error) bool {
	switch mypos.ErrorCode(err) {
	case mypos.EINVALID, mypos.ECONFLICT:
		return true
	case mypos.ENOTFOUND:
		return mypos.ErrorField(err) != ""
	}
	return false
}
