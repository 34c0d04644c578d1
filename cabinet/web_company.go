package cabinet

import (
	"net/http"

	"github.com/gofiber/fiber/v2"
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

// companyHome is the company's home page.
func (s *Server) companyHome(c *fiber.Ctx) error {
	return s.render(c, http.StatusOK, "company_home", page{})
}
