package cabinet

import (
	"context"
	"net/http"

	"github.com/gofiber/fiber/v2"

	"mypos/db"
	"mypos/licensing"
)

// listLicenses answers GET /licenses?state=sealed|unsealed|active&q=KEY:
// the owner's, a partner's or a company's own licenses.
func (s *Server) listLicenses(c *fiber.Ctx) error {
	state := c.Query("state")
	return sendPage(c, func(ctx context.Context, p db.ListParams) ([]licensing.License, string, error) {
		return s.cfg.Licensing.Licenses(ctx, licensing.LicenseFilter{ListParams: p, State: state})
	})
}

func (s *Server) licenseSummary(c *fiber.Ctx) error {
	sum, err := s.cfg.Licensing.Summary(c.UserContext())
	if err != nil {
		return err
	}
	return c.JSON(sum)
}

func (s *Server) getLicense(c *fiber.Ctx) error {
	l, err := s.cfg.Licensing.Get(c.UserContext(), c.Params("id"))
	if err != nil {
		return err
	}
	return c.JSON(l)
}

func (s *Server) licenseHistory(c *fiber.Ctx) error {
	id := c.Params("id")
	return sendPage(c, func(ctx context.Context, p db.ListParams) ([]licensing.Document, string, error) {
		return s.cfg.Licensing.History(ctx, id, p)
	})
}

// deviceLicense is the body of POST /devices/{id}/license.
type deviceLicense struct {
	LicenseID string `json:"license_id"`
}

// putDeviceLicense puts a license of the company on the device: an assign
// document, or a move when it was on another device. It answers with the
// document.
func (s *Server) putDeviceLicense(c *fiber.Ctx) error {
	var req deviceLicense
	if err := decode(c, &req); err != nil {
		return err
	}
	doc, err := s.cfg.Licensing.Assign(c.UserContext(), req.LicenseID, c.Params("id"))
	if err != nil {
		return err
	}
	return created(c, doc)
}

// deleteDeviceLicense takes the device's license off it (a release); it
// stays the company's. A device without a license answers 404.
func (s *Server) deleteDeviceLicense(c *fiber.Ctx) error {
	if _, err := s.cfg.Licensing.ReleaseDevice(c.UserContext(), c.Params("id")); err != nil {
		return err
	}
	return c.SendStatus(http.StatusNoContent)
}
