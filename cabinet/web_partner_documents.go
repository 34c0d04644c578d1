package cabinet

import (
	"net/http"

	"github.com/gofiber/fiber/v2"

	"mypos"
	"mypos/licensing"
)

// The partner's documents: the journal of every document it is party to —
// the owner's sales to it, its transfers and unseals, the activations of
// keys it held — newest first, and a document's page with its lines.

// documentsView is a page of the journal.
type documentsView struct {
	Rows              []documentRow
	FirstURL, NextURL string
}

func (s *Server) partnerDocuments(c *fiber.Ctx) error {
	if err := requireKind(c, mypos.KindPartner); err != nil {
		return err
	}
	p, err := listParams(c)
	if err != nil {
		return err
	}
	p.Query = "" // the journal has no search
	j, err := s.journal(c, licensing.JournalFilter{DocumentFilter: licensing.DocumentFilter{ListParams: p}})
	if err != nil {
		return err
	}
	v := documentsView{Rows: j.rows}
	v.FirstURL, v.NextURL = pagerURLs("/partner/documents", p, j.next)
	return s.render(c, http.StatusOK, "partner_documents", page{Data: v})
}

// partnerDocument shows one of the partner's documents; anyone else's is
// 404 (licensing says so). A line links its license where the partner may
// open it now: its own, or its current client's.
func (s *Server) partnerDocument(c *fiber.Ctx) error {
	return s.documentPage(c, mypos.KindPartner, "partner_document")
}
