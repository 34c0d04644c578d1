package cabinet

import (
	"github.com/gofiber/fiber/v2"

	"mypos"
)

// companyOfficePages are the company's stores, devices, cashiers,
// licenses, partner and settings. /licenses/:id (a license's history) is
// another page's; the list links to it. Each page is the company's alone:
// a partner or the owner gets the 403 page even where a service would
// serve them (licensing lists a partner's licenses) or none is called (an
// empty form).
func (s *Server) companyOfficePages(web webRouter) {
	r := webRouter{
		get:  func(path string, h fiber.Handler) { web.get(path, companyOnly(h)) },
		post: func(path string, h fiber.Handler) { web.post(path, companyOnly(h)) },
	}
	r.get("/partner", s.companyPartner)
	r.post("/partner", s.companyRequestLink)

	r.get("/stores", s.companyStores)
	r.get("/stores/new", s.companyStoreNew)
	r.post("/stores", s.companyStoreCreate)
	r.get("/stores/:id", s.companyStoreEdit)
	r.post("/stores/:id", s.companyStoreUpdate)
	r.get("/stores/:id/delete", s.companyStoreDeleteConfirm)
	r.post("/stores/:id/delete", s.companyStoreDelete)

	r.get("/devices", s.companyDevices)
	r.get("/devices/new", s.companyDeviceNew)
	r.post("/devices", s.companyDeviceCreate)
	r.get("/devices/:id", s.companyDeviceEdit)
	r.post("/devices/:id", s.companyDeviceUpdate)
	r.post("/devices/:id/license", s.companyDeviceLicense)
	s.deviceActionPages(r)

	r.get("/cashiers", s.companyCashiers)
	r.get("/cashiers/new", s.companyCashierNew)
	r.post("/cashiers", s.companyCashierCreate)
	r.get("/cashiers/:id", s.companyCashierEdit)
	r.post("/cashiers/:id", s.companyCashierUpdate)
	r.post("/cashiers/:id/active", s.companyCashierActive)
	r.get("/cashiers/:id/delete", s.companyCashierDeleteConfirm)
	r.post("/cashiers/:id/delete", s.companyCashierDelete)

	r.get("/licenses", s.companyLicensesPage)

	r.get("/settings", s.companySettings)
	r.post("/settings", s.companySettingsSave)
}

// companyOnly serves a company's session; anyone else gets the error page
// of their kind (403, or the login form when anonymous).
func companyOnly(h fiber.Handler) fiber.Handler {
	return func(c *fiber.Ctx) error {
		if _, err := mypos.RequireActor(c.UserContext(), mypos.KindCompany); err != nil {
			return err
		}
		return h(c)
	}
}
