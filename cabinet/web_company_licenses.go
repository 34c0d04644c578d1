package cabinet

import (
	"net/http"

	"github.com/gofiber/fiber/v2"

	"mypos/licensing"
)

// companyLicense is a license of the company as its list shows it, with the
// name of the till it is on ("" when free).
type companyLicense struct {
	licensing.License
	Device string
}

// companyLicensesPage lists the company's licenses and which till holds
// each; each links to its history (/licenses/:id). Licensing lists a
// partner's licenses too: companyOnly keeps a partner out.
func (s *Server) companyLicensesPage(c *fiber.Ctx) error {
	list, err := listOffice(c, "/licenses", licensesOf(s.cfg.Licensing, ""))
	if err != nil {
		return err
	}
	n := s.newNames(c.UserContext())
	v := officeList[companyLicense]{Query: list.Query, Cursor: list.Cursor, FirstURL: list.FirstURL, NextURL: list.NextURL}
	for _, l := range list.Items {
		line := companyLicense{License: l}
		if l.DeviceID != nil {
			line.Device = n.device(*l.DeviceID)
		}
		v.Items = append(v.Items, line)
	}
	return s.render(c, http.StatusOK, "company_licenses", page{Data: v})
}
