package cabinet

import (
	"net/http"

	"github.com/gofiber/fiber/v2"

	"mypos/account"
	"mypos/db"
	"mypos/licensing"
)

// recentDocuments is how many of the newest documents the owner's home
// shows; the journal has the rest.
const recentDocuments = 5

// ownerHomeView is what needs the owner: partners awaiting approval, the
// platform in numbers, the newest documents.
type ownerHomeView struct {
	Census    *account.Census
	Licenses  licensing.Counts
	Documents []documentRow
}

// ownerHome is the owner's home page: a few grouped counts and one page of
// the journal, however large the platform.
func (s *Server) ownerHome(c *fiber.Ctx) error {
	ctx := c.UserContext()
	census, err := s.cfg.Accounts.Census(ctx)
	if err != nil {
		return err
	}
	sum, err := s.cfg.Licensing.Summary(ctx)
	if err != nil {
		return err
	}
	docs, err := s.journal(c, licensing.JournalFilter{DocumentFilter: licensing.DocumentFilter{ListParams: db.ListParams{Limit: recentDocuments}}})
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "owner_home", page{Data: ownerHomeView{Census: census, Licenses: sum.Counts, Documents: docs.rows}})
}
