package cabinet

import (
	"net/http"

	"github.com/gofiber/fiber/v2"
)

// partnerPages are the partner's cabinet.
func (s *Server) partnerPages(r webRouter) {
	s.partnerBoardPages(r)
}

// partnerHome is the partner's home page.
func (s *Server) partnerHome(c *fiber.Ctx) error {
	return s.render(c, http.StatusOK, "partner_home", page{})
}
