package cabinet

import (
	"context"
	"net/http"
	"time"

	"github.com/gofiber/fiber/v2"
)

// healthz says the process is alive: it answers while it can answer at all.
func (s *Server) healthz(c *fiber.Ctx) error {
	return c.JSON(fiber.Map{"status": "ok"})
}

// readyz says whether the process can serve: the database answers at the
// binary's schema versions and the broker is up. Not ready is a 503
// problem saying why; it is the probe's answer, not an error to log.
func (s *Server) readyz(c *fiber.Ctx) error {
	if s.cfg.Ready != nil {
		ctx, cancel := context.WithTimeout(c.UserContext(), 2*time.Second)
		defer cancel()
		if err := s.cfg.Ready(ctx); err != nil {
			return sendProblem(c, newProblem(http.StatusServiceUnavailable, codeNotReady, "Not ready: "+err.Error()+"."))
		}
	}
	return c.JSON(fiber.Map{"status": "ready"})
}
