package cabinet

import (
	"context"
	"net/http"
	"time"

	"github.com/gofiber/fiber/v2"

	"mypos/account"
	"mypos/i18n"
	"mypos/licensing"
)

// documentRow is a row of a journal: a document's head with its parties'
// accounts (nil where it names none), which the page links by ID.
type documentRow struct {
	licensing.DocumentHead
	Partner, Company *account.Account
}

// journal is one page of documents said with names.
type journal struct {
	rows []documentRow
	next string
}

// ownerJournal is a page of the journal with the names of its parties: two
// queries for the documents and their counts, one for every name on it.
func (s *Server) ownerJournal(c *fiber.Ctx, f licensing.JournalFilter) (journal, error) {
	ctx := c.UserContext()
	heads, next, err := s.cfg.Licensing.Journal(ctx, f)
	if err != nil {
		return journal{}, err
	}
	var ids []string
	for _, h := range heads {
		ids = appendSet(ids, h.PartnerID, h.CompanyID)
	}
	names, err := s.cfg.Accounts.Accounts(ctx, ids)
	if err != nil {
		return journal{}, err
	}
	rows := make([]documentRow, len(heads))
	for i, h := range heads {
		rows[i] = documentRow{DocumentHead: h, Partner: lookup(names, h.PartnerID), Company: lookup(names, h.CompanyID)}
	}
	return journal{rows: rows, next: next}, nil
}

// appendSet appends the IDs that are set.
func appendSet(ids []string, ps ...*string) []string {
	for _, p := range ps {
		if p != nil {
			ids = append(ids, *p)
		}
	}
	return ids
}

// lookup is the account of an ID from a page's names, nil for none.
func lookup(names map[string]account.Account, id *string) *account.Account {
	if id == nil {
		return nil
	}
	if a, ok := names[*id]; ok {
		return &a
	}
	return nil
}

// documentTypes are the types the journal filters by, in the order its
// select lists them.
var documentTypes = []string{
	licensing.TypeSale, licensing.TypeTransfer, licensing.TypeUnseal, licensing.TypeActivate,
	licensing.TypeAssign, licensing.TypeMove, licensing.TypeRelease,
}

// ownerDocumentsView is the journal with its filter as typed.
type ownerDocumentsView struct {
	Type, From, To, Party string
	Types                 []string
	Filtered              bool
	Rows                  []documentRow
	FirstURL, NextURL     string
}

// ownerDocuments is the journal of every document, newest first, filtered
// by type, by a period of days in Moscow, and by a party (a partner's page
// links its own documents here). A bad filter comes back with its error at
// its input.
func (s *Server) ownerDocuments(c *fiber.Ctx) error {
	if err := requireOwner(c); err != nil {
		return err
	}
	p, err := listParams(c)
	if err != nil {
		return err
	}
	v := ownerDocumentsView{Type: c.Query("type"), From: c.Query("from"), To: c.Query("to"), Party: c.Query("party"), Types: documentTypes}
	v.Filtered = v.Type != "" || v.From != "" || v.To != "" || v.Party != ""
	f := licensing.JournalFilter{DocumentFilter: licensing.DocumentFilter{ListParams: p, Type: v.Type}, Party: v.Party}
	var j journal
	err = period(&f.DocumentFilter, v.From, v.To)
	if err == nil {
		j, err = s.ownerJournal(c, f)
	}
	if formMistake(err) {
		return s.render(c, statusForError(err), "owner_documents", page{Err: err, Data: v})
	} else if err != nil {
		return err
	}
	v.Rows = j.rows
	v.FirstURL, v.NextURL = pagerURLs("/owner/documents", p, j.next, "type", v.Type, "from", v.From, "to", v.To, "party", v.Party)
	return s.render(c, http.StatusOK, "owner_documents", page{Data: v})
}

// period reads a period of whole days in Moscow, both ends included, into f.
func period(f *licensing.DocumentFilter, from, to string) error {
	var err error
	if f.From, err = moscowDay(from, "from"); err != nil {
		return err
	}
	if f.To, err = moscowDay(to, "to"); err != nil || f.To.IsZero() {
		return err
	}
	f.To = f.To.AddDate(0, 0, 1) // through the end of that day
	return nil
}

// moscowDay reads a YYYY-MM-DD day as its midnight in Moscow, where the
// owner's days are; empty is the zero time.
func moscowDay(text, field string) (time.Time, error) {
	t, err := day(text, field)
	if err != nil || t.IsZero() {
		return t, err
	}
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, i18n.Moscow()), nil
}

// lineView is a line of a document: the license, its key where the reader
// may read it, and its state before (none for a new license) and after.
type lineView struct {
	N              int
	LicenseID, Key string
	From, To       string
}

// ownerDocumentView is one document with its parties and lines.
type ownerDocumentView struct {
	Doc              *licensing.DocumentDetail
	Partner, Company *account.Account
	Lines            []lineView
}

// ownerDocument is a document with every line: a sale has at most
// licensing.MaxSale, which one page shows.
func (s *Server) ownerDocument(c *fiber.Ctx) error {
	if err := requireOwner(c); err != nil {
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
	return s.render(c, http.StatusOK, "owner_document", page{Data: v})
}

func (s *Server) documentView(ctx context.Context, d *licensing.DocumentDetail) (ownerDocumentView, error) {
	names, err := s.cfg.Accounts.Accounts(ctx, appendSet(nil, d.PartnerID, d.CompanyID))
	if err != nil {
		return ownerDocumentView{}, err
	}
	v := ownerDocumentView{Doc: d, Partner: lookup(names, d.PartnerID), Company: lookup(names, d.CompanyID)}
	for i, l := range d.Lines {
		lv := lineView{N: i + 1, LicenseID: l.LicenseID, Key: d.Keys[l.LicenseID], To: l.To.State()}
		if l.From != nil {
			lv.From = l.From.State()
		}
		v.Lines = append(v.Lines, lv)
	}
	return v, nil
}
