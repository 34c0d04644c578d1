package cabinet

import (
	"net/http"

	"github.com/gofiber/fiber/v2"

	"mypos/device"
)

// A device's actions that cannot be undone, each asked first on a page of
// its own: a new enrollment code (the old secret stops working), taking
// the license off, revoking the device.

// deviceAction is one of them: its path under /devices/:id/ — which is
// also its messages' key, devices.<name>.title… — and what it does once
// confirmed, answering the post.
type deviceAction struct {
	name   string
	danger bool
	run    func(s *Server, c *fiber.Ctx, d *device.Device) error
}

var deviceActions = []deviceAction{
	{name: "code", run: (*Server).deviceNewCode},
	{name: "release", danger: true, run: (*Server).deviceRelease},
	{name: "revoke", danger: true, run: (*Server).deviceRevoke},
}

// deviceActionPages registers each action's confirmation and its post.
func (s *Server) deviceActionPages(r webRouter) {
	for _, a := range deviceActions {
		r.get("/devices/:id/"+a.name, func(c *fiber.Ctx) error {
			d, err := s.liveDevice(c)
			if err != nil {
				return err
			}
			return s.render(c, http.StatusOK, "confirm", page{Data: a.confirm(c, d)})
		})
		r.post("/devices/:id/"+a.name, func(c *fiber.Ctx) error {
			d, err := s.liveDevice(c)
			if err != nil {
				return err
			}
			return a.run(s, c, d)
		})
	}
}

func (a deviceAction) confirm(c *fiber.Ctx, d *device.Device) confirmView {
	return askFirst(c, "tills."+a.name+".", d.Name, "/devices/"+d.ID+"/"+a.name, "/devices/"+d.ID, a.danger)
}

// deviceNewCode voids the device's secret and codes, disconnects it, and
// shows the new code once.
func (s *Server) deviceNewCode(c *fiber.Ctx, d *device.Device) error {
	code, expires, err := s.cfg.Devices.NewEnrollmentCode(c.UserContext(), d.ID)
	if err != nil {
		return err
	}
	s.disconnect(d.ID)
	return s.renderCode(c, d, code, expires)
}

// deviceRelease takes the license off the device; it stays the company's.
func (s *Server) deviceRelease(c *fiber.Ctx, d *device.Device) error {
	if _, err := s.cfg.Licensing.ReleaseDevice(c.UserContext(), d.ID); err != nil {
		return err
	}
	s.setFlash(c, "tills.release.done", "Name", d.Name)
	return c.Redirect("/devices/"+d.ID, http.StatusSeeOther)
}

// deviceRevoke takes the device out of service for good (see revoke).
func (s *Server) deviceRevoke(c *fiber.Ctx, d *device.Device) error {
	if err := s.revoke(c.UserContext(), d.ID); err != nil {
		return err
	}
	s.setFlash(c, "tills.revoke.done", "Name", d.Name)
	return c.Redirect("/devices", http.StatusSeeOther)
}
