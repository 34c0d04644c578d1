package cabinet

import (
	"context"
	"net/http"

	"github.com/gofiber/fiber/v2"

	"mypos/account"
	"mypos/licensing"
)

// The journal of documents and a document's page, as the owner's and the
// partner's cabinets show them: the same rows and lines, named as far as
// the reader may know the parties.

// documentRow is a row of a journal: a document's head with its parties'
// accounts (nil where it names none), which the page links by ID.
type documentRow struct {
	licensing.DocumentHead
	Partner, Company *account.Account
}

// journalPage is one page of documents said with names.
type journalPage struct {
	rows []documentRow
	next string
}

// journal is a page of the journal with the names of its parties as the
// reader may know them (account.Accounts): two queries for the documents
// and their counts, one for every name on it. The owner's and the
// partner's journals are this one question.
func (s *Server) journal(c *fiber.Ctx, f licensing.JournalFilter) (journalPage, error) {
	ctx := c.UserContext()
	heads, next, err := s.cfg.Licensing.Journal(ctx, f)
	if err != nil {
		return journalPage{}, err
	}
	var ids []string
	for _, h := range heads {
		ids = appendSet(ids, h.PartnerID, h.CompanyID)
	}
	names, err := s.cfg.Accounts.Accounts(ctx, ids)
	if err != nil {
		return journalPage{}, err
	}
	rows := make([]documentRow, len(heads))
	for i, h := range heads {
		rows[i] = documentRow{DocumentHead: h, Partner: lookup(names, h.PartnerID), Company: lookup(names, h.CompanyID)}
	}
	return journalPage{rows: rows, next: next}, nil
}

// documentView is one document with its parties and lines.
type documentView struct {
	documentRow
	Lines []lineView
}

// lineView is a line of a document: the license, its key where the reader
// may read it, its state before (none for a new license) and after, and
// whether the reader may open the license's page.
type lineView struct {
	N              int
	LicenseID, Key string
	From, To       string
	Open           bool
}

// documentPage renders a document of the reader's, a cabinet's page of
// kind; another's is 404 (licensing says so).
func (s *Server) documentPage(c *fiber.Ctx, kind, view string) error {
	if err := requireKind(c, kind); err != nil {
		return err
	}
	ctx := c.UserContext()
	d, err := s.cfg.Licensing.GetDocument(ctx, c.Params("id"))
	if err != nil {
		return err
	}
	v, err := s.documentView(ctx, d)
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, view, page{Data: v})
}

func (s *Server) documentView(ctx context.Context, d *licensing.DocumentDetail) (documentView, error) {
	names, err := s.cfg.Accounts.Accounts(ctx, appendSet(nil, d.PartnerID, d.CompanyID))
	if err != nil {
		return documentView{}, err
	}
	head := licensing.DocumentHead{Document: d.Document, Licenses: int64(len(d.Lines))}
	v := documentView{documentRow: documentRow{DocumentHead: head, Partner: lookup(names, d.PartnerID), Company: lookup(names, d.CompanyID)}}
	for i, l := range d.Lines {
		lv := lineView{N: i + 1, LicenseID: l.LicenseID, Key: d.Keys[l.LicenseID], To: l.To.State(), Open: d.Open[l.LicenseID]}
		if l.From != nil {
			lv.From = l.From.State()
		}
		v.Lines = append(v.Lines, lv)
	}
	return v, nil
}
