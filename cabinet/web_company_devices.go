package cabinet

import (
	"cmp"
	"context"
	"net/http"
	"time"

	"github.com/gofiber/fiber/v2"

	"mypos"
	"mypos/backoffice"
	"mypos/db"
	"mypos/device"
	"mypos/licensing"
)

// The company's devices (tills): a live list, adding one — which shows its
// enrollment code once —, editing, a new code, a license put on or taken
// off, and revoking; what cannot be undone is confirmed first.

// deviceLine is a device as the list shows it: its live state (fleet),
// its store's name, and the license on it, if any.
type deviceLine struct {
	deviceView
	Store   string
	License *licensing.License
}

// devicesView is the devices page; Self is its address, which the live
// table polls.
type devicesView struct {
	officeList[deviceLine]
	Self string
}

func (s *Server) companyDevices(c *fiber.Ctx) error {
	list, err := listOffice(c, "/devices", s.listLiveDevices)
	if err != nil {
		return err
	}
	lines, err := s.deviceLines(c.UserContext(), list.Items)
	if err != nil {
		return err
	}
	v := devicesView{Self: listURL("/devices", db.ListParams{Query: list.Query, Cursor: list.Cursor})}
	v.Query, v.Cursor, v.FirstURL, v.NextURL, v.Items = list.Query, list.Cursor, list.FirstURL, list.NextURL, lines
	return s.render(c, http.StatusOK, "company_devices", page{Data: v})
}

// deviceLines names each device's store and finds its license.
func (s *Server) deviceLines(ctx context.Context, devices []deviceView) ([]deviceLine, error) {
	ids := make([]string, len(devices))
	for i := range devices {
		ids[i] = devices[i].ID
	}
	held, err := s.cfg.Licensing.OnDevices(ctx, ids)
	if err != nil {
		return nil, err
	}
	n := s.newNames(ctx)
	out := make([]deviceLine, len(devices))
	for i, d := range devices {
		out[i] = deviceLine{deviceView: d, Store: n.store(d.StoreID)}
		if l, ok := held[d.ID]; ok {
			out[i].License = &l
		}
	}
	return out, nil
}

// deviceForm is the form of a new or an edited device, with the stores it
// may stand in; an edited one shows its license and the free ones.
type deviceForm struct {
	ID, Name, Serial, StoreID string
	Stores                    []backoffice.Store
	License                   *licensing.License
	Free                      []licensing.License
	Enrolled                  bool
}

func (s *Server) companyDeviceNew(c *fiber.Ctx) error {
	return s.renderDeviceForm(c, http.StatusOK, deviceForm{StoreID: c.Query("store")}, nil)
}

// renderDeviceForm fills in the stores, and for an edited device its
// license and the free ones, and renders the form.
func (s *Server) renderDeviceForm(c *fiber.Ctx, status int, f deviceForm, failed error) error {
	ctx := c.UserContext()
	var err error
	if f.Stores, _, err = countUpTo(ctx, s.cfg.Backoffice.ListStores); err != nil {
		return err
	}
	if f.ID != "" {
		if err := s.deviceLicenses(ctx, &f); err != nil {
			return err
		}
	}
	return s.render(c, status, "company_device", page{Err: failed, Data: f})
}

// deviceLicenses finds the license on the device and the company's free ones.
func (s *Server) deviceLicenses(ctx context.Context, f *deviceForm) error {
	all, _, err := s.companyLicenses(ctx)
	if err != nil {
		return err
	}
	for i, l := range all {
		switch {
		case l.DeviceID == nil:
			f.Free = append(f.Free, l)
		case *l.DeviceID == f.ID:
			f.License = &all[i]
		}
	}
	return nil
}

// companyLicenses are all the company's licenses (a merchant's are few).
func (s *Server) companyLicenses(ctx context.Context) ([]licensing.License, bool, error) {
	return countUpTo(ctx, licensesOf(s.cfg.Licensing, ""))
}

// deviceCodeView is the page that shows an enrollment code, once, and the
// command that enrolls the till with it.
type deviceCodeView struct {
	ID, Name, Code, Command string
	Expires                 time.Time
}

// agentDataDir is where mypos-agent keeps its state on a till.
const agentDataDir = "/var/lib/mypos-agent"

// enrollCommand is what a person types on the till to enroll it.
func enrollCommand(server, code string) string {
	return "mypos-agent enroll --server " + server + " --code " + code + " --data " + agentDataDir
}

// companyDeviceCreate adds the device and shows its code: the only time it
// is shown, so the page is the answer to the post itself.
func (s *Server) companyDeviceCreate(c *fiber.Ctx) error {
	f := deviceForm{Name: c.FormValue("name"), Serial: c.FormValue("serial"), StoreID: c.FormValue("store_id")}
	nd := device.NewDevice{Name: f.Name, Serial: f.Serial}
	if f.StoreID != "" {
		nd.StoreID = &f.StoreID
	}
	d, code, err := s.cfg.Backoffice.CreateDevice(c.UserContext(), nd)
	if err != nil {
		if !onForm(err) {
			return err
		}
		return s.renderDeviceForm(c, statusForError(err), f, err)
	}
	return s.renderCode(c, d, code, d.CreatedAt.Add(device.CodeLifetime))
}

func (s *Server) renderCode(c *fiber.Ctx, d *device.Device, code string, expires time.Time) error {
	server := cmp.Or(s.cfg.PublicURL, c.BaseURL())
	v := deviceCodeView{ID: d.ID, Name: d.Name, Code: code, Expires: expires, Command: enrollCommand(server, code)}
	return s.render(c, http.StatusOK, "company_device_code", page{Data: v})
}

func (s *Server) companyDeviceEdit(c *fiber.Ctx) error {
	d, err := s.liveDevice(c)
	if err != nil {
		return err
	}
	f := deviceForm{ID: d.ID, Name: d.Name, Serial: d.Serial, StoreID: orEmpty(d.StoreID), Enrolled: d.EnrolledAt != nil}
	return s.renderDeviceForm(c, http.StatusOK, f, nil)
}

// liveDevice is the device the address names, 404 when it is not the
// company's or is revoked.
func (s *Server) liveDevice(c *fiber.Ctx) (*device.Device, error) {
	d, err := s.cfg.Devices.Get(c.UserContext(), c.Params("id"))
	if err != nil {
		return nil, err
	}
	if d.RevokedAt != nil {
		return nil, errNoDevice
	}
	return d, nil
}

// companyDeviceUpdate renames the device or moves it to another store.
func (s *Server) companyDeviceUpdate(c *fiber.Ctx) error {
	d, err := s.liveDevice(c)
	if err != nil {
		return err
	}
	f := deviceForm{ID: d.ID, Name: c.FormValue("name"), Serial: c.FormValue("serial"), StoreID: c.FormValue("store_id"), Enrolled: d.EnrolledAt != nil}
	p := device.DevicePatch{Name: &f.Name, Serial: &f.Serial, Store: device.NoStore()}
	if f.StoreID != "" {
		p.Store = device.PlaceIn(f.StoreID)
	}
	if _, err := s.cfg.Backoffice.UpdateDevice(c.UserContext(), d.ID, p); err != nil {
		if !onForm(err) {
			return err
		}
		return s.renderDeviceForm(c, statusForError(err), f, err)
	}
	s.setFlash(c, "tills.saved", "Name", f.Name)
	return c.Redirect("/devices", http.StatusSeeOther)
}

// companyDeviceLicense puts a free license of the company on the device.
func (s *Server) companyDeviceLicense(c *fiber.Ctx) error {
	d, err := s.liveDevice(c)
	if err != nil {
		return err
	}
	if _, err := s.cfg.Licensing.Assign(c.UserContext(), c.FormValue("license_id"), d.ID); err != nil {
		if !onForm(err) {
			return err
		}
		f := deviceForm{ID: d.ID, Name: d.Name, Serial: d.Serial, StoreID: orEmpty(d.StoreID), Enrolled: d.EnrolledAt != nil}
		return s.renderDeviceForm(c, statusForError(err), f, err)
	}
	s.setFlash(c, "tills.assigned", "Name", d.Name)
	return c.Redirect("/devices/"+d.ID, http.StatusSeeOther)
}

// errNoDevice is the 404 of a revoked device's pages.
var errNoDevice = mypos.Errorf(mypos.ENOTFOUND, "No such device.")

func orEmpty(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// licensesOf lists the caller's licenses of a state ("" for any).
func licensesOf(svc *licensing.Service, state string) lister[licensing.License] {
	return func(ctx context.Context, p db.ListParams) ([]licensing.License, string, error) {
		return svc.Licenses(ctx, licensing.LicenseFilter{ListParams: p, State: state})
	}
}
