package cabinet

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/gofiber/fiber/v2"

	"mypos"
	"mypos/device"
	"mypos/licensing"
)

// createdDevice is a new device with the code that enrolls it. The code is
// shown once: the database keeps only its hash.
type createdDevice struct {
	*device.Device
	EnrollmentCode      string    `json:"enrollment_code"`
	EnrollmentExpiresAt time.Time `json:"enrollment_expires_at"`
}

type enrollmentCode struct {
	EnrollmentCode string    `json:"enrollment_code"`
	ExpiresAt      time.Time `json:"expires_at"`
}

func (s *Server) listDevices(c *fiber.Ctx) error {
	return sendPage(c, s.listLiveDevices)
}

func (s *Server) createDevice(c *fiber.Ctx) error {
	var req device.NewDevice
	if err := decode(c, &req); err != nil {
		return err
	}
	d, code, err := s.cfg.Backoffice.CreateDevice(c.UserContext(), req)
	if err != nil {
		return err
	}
	noStore(c)
	return created(c, createdDevice{Device: d, EnrollmentCode: code, EnrollmentExpiresAt: d.CreatedAt.Add(device.CodeLifetime)})
}

func (s *Server) getDevice(c *fiber.Ctx) error {
	d, err := s.cfg.Devices.Get(c.UserContext(), c.Params("id"))
	if err != nil {
		return err
	}
	views, err := s.withLiveState(c.UserContext(), []device.Device{*d})
	if err != nil {
		return err
	}
	return c.JSON(views[0])
}

// revokeDevice deletes a device: its license is released, it is revoked
// and its cashiers forget it, in one transaction, so no license or cashier
// stays on a dead device. The license goes first: licensing locks licenses
// and its document counter before anything else, and a revocation that
// held the device first would wait in a circle with a key typed on it.
func (s *Server) revokeDevice(c *fiber.Ctx) error {
	if err := s.revoke(c.UserContext(), c.Params("id")); err != nil {
		return err
	}
	return c.SendStatus(http.StatusNoContent)
}

// revoke is revokeDevice's work, for the API and the company's pages alike.
func (s *Server) revoke(ctx context.Context, id string) error {
	err := s.cfg.DB.InTx(ctx, func(ctx context.Context) error {
		_, err := s.cfg.Licensing.ReleaseDevice(ctx, id)
		if err != nil && !errors.Is(err, licensing.ErrNoLicense) {
			return err
		}
		if err := s.cfg.Devices.Revoke(ctx, id); err != nil {
			return err
		}
		actor, _ := mypos.ActorFromContext(ctx) // Revoke checked it is a company
		return s.cfg.Backoffice.ForgetDevice(ctx, actor.CompanyID, id)
	})
	if err != nil {
		return err
	}
	s.disconnect(id)
	return nil
}

func (s *Server) newEnrollmentCode(c *fiber.Ctx) error {
	code, expires, err := s.cfg.Devices.NewEnrollmentCode(c.UserContext(), c.Params("id"))
	if err != nil {
		return err
	}
	s.disconnect(c.Params("id")) // its old secret is void: so is its connection
	noStore(c)
	return created(c, enrollmentCode{EnrollmentCode: code, ExpiresAt: expires})
}

// disconnect ends a device's live connection once its credentials are void.
func (s *Server) disconnect(deviceID string) {
	s.cfg.Fleet.Disconnect(deviceID)
}

// noStore keeps a one-time code or a secret out of every cache.
func noStore(c *fiber.Ctx) {
	c.Set(fiber.HeaderCacheControl, "no-store")
}
