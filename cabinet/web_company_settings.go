package cabinet

import (
	"cmp"
	"net/http"

	"github.com/gofiber/fiber/v2"

	"mypos/account"
)

// settingsForm is the company's settings as typed, and the zones offered.
type settingsForm struct {
	Name, INN, TimeZone string
	Zones               []string
}

// companySettings shows the company's name, INN and time zone (Moscow
// until it picks one).
func (s *Server) companySettings(c *fiber.Ctx) error {
	me := session(c).Account
	f := settingsForm{Name: me.Name, INN: me.INN, TimeZone: cmp.Or(me.TimeZone, account.DefaultTimeZone)}
	return s.renderSettings(c, http.StatusOK, f, nil)
}

func (s *Server) renderSettings(c *fiber.Ctx, status int, f settingsForm, failed error) error {
	f.Zones = account.TimeZones
	return s.render(c, status, "company_settings", page{Err: failed, Data: f})
}

// companySettingsSave saves them; the service checks the INN and the zone.
func (s *Server) companySettingsSave(c *fiber.Ctx) error {
	f := settingsForm{Name: c.FormValue("name"), INN: c.FormValue("inn"), TimeZone: c.FormValue("time_zone")}
	_, err := s.cfg.Accounts.UpdateSettings(c.UserContext(), account.SettingsPatch{Name: &f.Name, INN: &f.INN, TimeZone: &f.TimeZone})
	if err != nil {
		if !onForm(err) {
			return err
		}
		return s.renderSettings(c, statusForError(err), f, err)
	}
	s.setFlash(c, "settings.saved")
	return c.Redirect("/settings", http.StatusSeeOther)
}
