package cabinet

import (
	"context"
	"net/http"
	"net/url"

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

// clientNames names the caller's client companies by ID, for lists that
// show a company by its ID (documents, licenses). A company that is a
// client no more is missing; the pages show it without a name.
func (s *Server) clientNames(ctx context.Context) (map[string]string, error) {
	names := map[string]string{}
	p := db.ListParams{Limit: db.MaxLimit}
	for {
		page, next, err := s.cfg.Accounts.LinkedCompanies(ctx, p)
		if err != nil {
			return nil, err
		}
		for _, a := range page {
			names[a.ID] = a.Name
		}
		if next == "" {
			return names, nil
		}
		p.Cursor = next
	}
}

// pageURLs sets a list's first and next page addresses: the first when
// this page is not it, the next when there is one. extra are the list's
// own parameters (a tab), kept on both.
func pageURLs(path string, p db.ListParams, next string, extra url.Values) (first, nextURL string) {
	if p.Cursor != "" {
		first = withParams(listURL(path, db.ListParams{Query: p.Query, Limit: p.Limit}), extra)
	}
	if next != "" {
		nextURL = withParams(listURL(path, db.ListParams{Query: p.Query, Limit: p.Limit, Cursor: next}), extra)
	}
	return first, nextURL
}

// withParams adds query parameters to an address built in Go.
func withParams(u string, extra url.Values) string {
	if len(extra) == 0 {
		return u
	}
	parsed, _ := url.Parse(u)
	q := parsed.Query()
	for k, vs := range extra {
		for _, v := range vs {
			q.Add(k, v)
		}
	}
	parsed.RawQuery = q.Encode()
	return parsed.String()
}
