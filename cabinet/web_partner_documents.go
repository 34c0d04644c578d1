package cabinet

import (
	"net/http"

	"github.com/gofiber/fiber/v2"

	"mypos"
	"mypos/licensing"
)

// The partner's documents: the journal of every document it is party to —
// the owner's sales to it, its transfers and unseals, the activations of
// keys it held — and a document's page with its lines.

// documentsView is a page of the journal.
type documentsView struct {
	Items             []documentLine
	FirstURL, NextURL string
}

// documentLine is a document as the journal shows it: Company names the
// client a transfer went to (empty for a company that is no client now).
type documentLine struct {
	licensing.Document
	Company string
}

func (s *Server) partnerDocuments(c *fiber.Ctx) error {
	p, err := listParams(c)
	if err != nil {
		return err
	}
	p.Query = "" // the journal has no search
	ctx := c.UserContext()
	docs, next, err := s.cfg.Licensing.Documents(ctx, licensing.DocumentFilter{ListParams: p})
	if err != nil {
		return err
	}
	names, err := s.clientNames(ctx)
	if err != nil {
		return err
	}
	v := documentsView{}
	for _, d := range docs {
		v.Items = append(v.Items, documentLine{Document: d, Company: names[deref(d.CompanyID)]})
	}
	v.FirstURL, v.NextURL = pageURLs("/partner/documents", p, next, nil)
	return s.render(c, http.StatusOK, "partner_documents", page{Data: v})
}

// documentView is a document's page: the document, its counterpart and
// its lines.
type documentView struct {
	documentLine
	Lines []docLineView
}

// docLineView is one license's change: its state before and after, and
// its key when the partner may read it now (an unsealed key it holds).
type docLineView struct {
	N              int
	LicenseID, Key string
	From, To       string // states; From is empty where the document made it
	Mine           bool   // the partner holds it: its history is the partner's to see
}

// partnerDocument shows one of the partner's documents; anyone else's is
// 404 (licensing says so).
func (s *Server) partnerDocument(c *fiber.Ctx) error {
	ctx := c.UserContext()
	d, err := s.cfg.Licensing.PartnerDocument(ctx, c.Params("id"))
	if err != nil {
		return err
	}
	names, err := s.clientNames(ctx)
	if err != nil {
		return err
	}
	v := documentView{documentLine: documentLine{Document: *d, Company: names[deref(d.CompanyID)]}}
	for i, l := range d.Lines {
		line := docLineView{N: i + 1, LicenseID: l.LicenseID, To: stateOf(l.To)}
		if l.From != nil {
			line.From = stateOf(*l.From)
		}
		// The key shows as the license's own view decides, once it is the
		// partner's: unsealed to it, still not typed on a till.
		lic, err := s.cfg.Licensing.Get(ctx, l.LicenseID)
		switch {
		case err == nil:
			line.Key, line.Mine = lic.Key, true
		case mypos.ErrorCode(err) != mypos.ENOTFOUND:
			return err
		}
		v.Lines = append(v.Lines, line)
	}
	return s.render(c, http.StatusOK, "partner_document", page{Data: v})
}

// stateOf is the state a license had with these facts, as licensing
// derives it.
func stateOf(f licensing.Facts) string {
	switch {
	case f.DeviceID != nil:
		return licensing.StateActive
	case f.Sealed:
		return licensing.StateSealed
	}
	return licensing.StateUnsealed
}
