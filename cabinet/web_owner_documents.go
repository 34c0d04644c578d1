package cabinet

import (
	"net/http"
	"time"

	"github.com/gofiber/fiber/v2"

	"mypos"
	"mypos/i18n"
	"mypos/licensing"
)

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
	var j journalPage
	err = documentPeriod(&f.DocumentFilter, v.From, v.To)
	if err == nil {
		j, err = s.journal(c, f)
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

// documentPeriod reads a period of whole days in Moscow, both ends included, into f.
func documentPeriod(f *licensing.DocumentFilter, from, to string) error {
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

// ownerDocument is a document with every line: a sale has at most
// licensing.MaxSale, which one page shows.
func (s *Server) ownerDocument(c *fiber.Ctx) error {
	return s.documentPage(c, mypos.KindOwner, "owner_document")
}
