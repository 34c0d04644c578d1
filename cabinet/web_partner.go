package cabinet

import (
	"net/http"

	"github.com/gofiber/fiber/v2"

	"mypos/account"
	"mypos/db"
)

// partnerPages are the partner's cabinet: its link requests, its clients,
// its licenses and the documents that move them. The device board
// (/partner/devices) and a license's history (/licenses/:id) are pages of
// their own files.
func (s *Server) partnerPages(r webRouter) {
	r.get("/partner/requests", s.partnerRequests)
	r.post("/partner/requests/:id/accept", s.partnerAccept)
	r.get("/partner/requests/:id/decline", s.partnerDeclineConfirm)
	r.post("/partner/requests/:id/decline", s.partnerDecline)
	r.get("/partner/clients", s.partnerClients)
	r.get("/partner/clients/:id", s.partnerClient)
	r.get("/partner/licenses", s.partnerLicenses)
	r.get("/partner/documents", s.partnerDocuments)
	r.get("/partner/documents/new", s.partnerNewDocument)
	r.get("/partner/documents/new/:action", s.partnerDocumentForm)
	r.post("/partner/documents/new/:action", s.partnerDocumentSubmit)
	r.get("/partner/documents/:id", s.partnerDocument)
	s.partnerBoardPages(r)
}

// homeRequests is how many pending requests the home page shows.
const homeRequests = 3

// partnerHomeView is what needs doing: requests waiting for an answer,
// licenses by state, clients.
type partnerHomeView struct {
	Pending  int
	Requests []account.LinkRequest // the oldest pending ones
	// The partner's own sealed and unsealed licenses, and those working on
	// its clients' tills (a key typed on a till is the company's then).
	Sealed, Unsealed, Active int
	Clients                  int
}

// partnerHome is the partner's home page. The services refuse anyone but
// a partner.
func (s *Server) partnerHome(c *fiber.Ctx) error {
	ctx := c.UserContext()
	pending, err := s.cfg.Accounts.PendingLinkCount(ctx)
	if err != nil {
		return err
	}
	reqs, _, err := s.cfg.Accounts.PartnerLinkRequests(ctx, true, db.ListParams{Limit: homeRequests})
	if err != nil {
		return err
	}
	sum, err := s.cfg.Licensing.Summary(ctx)
	if err != nil {
		return err
	}
	clients, err := s.cfg.Accounts.ClientIDs(ctx)
	if err != nil {
		return err
	}
	v := partnerHomeView{Pending: int(pending), Requests: reqs, Clients: len(clients),
		Sealed: int(sum.Sealed), Unsealed: int(sum.Unsealed)}
	if sum.Clients != nil {
		v.Active = int(sum.Clients.Active)
	}
	return s.render(c, http.StatusOK, "partner_home", page{Data: v})
}
