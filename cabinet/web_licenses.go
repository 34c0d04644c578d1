package cabinet

import (
	"context"
	"net/http"
	"net/url"
	"time"

	"github.com/gofiber/fiber/v2"

	"mypos"
	"mypos/account"
	"mypos/licensing"
)

// The license page, /licenses/:id, for the owner, a partner and a company
// alike: licensing.Get decides who sees which license (another's is 404)
// and whether its key shows; licensing.History gives its documents as the
// ledger replays them, a page at a time. The owner's and the partner's
// license lists and the partner's devices board link here.

func (s *Server) licensePages(r webRouter) {
	r.get("/licenses/:id", s.licensePage)
}

// licenseView is a license, named, with a page of its history.
type licenseView struct {
	License  *licensing.License
	Now      factsView // where it is now
	History  []historyRow
	FirstURL string
	NextURL  string
}

// historyRow is one document of the license's history: what it did to
// this license (From is nil where the document created it) and who did it.
type historyRow struct {
	Number int64
	At     time.Time
	Type   string // licensing.TypeSale…, said as doctype.<type>
	From   *factsView
	To     factsView
	Author party
}

// factsView is a license's facts with names: sealed or not, its holder,
// the till it is on.
type factsView struct {
	Sealed bool
	Holder party
	Device string // the till's name; "" when on none or not the viewer's to name
	OnTill bool
}

// party is an account or a till as the viewer may name it: its kind
// always, its name where the viewer may know it.
type party struct{ Kind, Name string }

func (s *Server) licensePage(c *fiber.Ctx) error {
	ctx, id := c.UserContext(), c.Params("id")
	l, err := s.cfg.Licensing.Get(ctx, id)
	if err != nil {
		return err
	}
	p, err := listParams(c)
	if err != nil {
		return err
	}
	docs, next, err := s.cfg.Licensing.History(ctx, id, p)
	if err != nil {
		return err
	}
	names, err := s.newNameBook(ctx, session(c).Account, partiesOf(l, docs))
	if err != nil {
		return err
	}
	v := licenseView{License: l}
	if v.Now, err = names.facts(licensing.Facts{Sealed: l.Sealed, PartnerID: l.PartnerID, CompanyID: l.CompanyID, DeviceID: l.DeviceID}); err != nil {
		return err
	}
	if v.History, err = names.history(docs); err != nil {
		return err
	}
	p.Query = "" // the history has no search
	v.FirstURL, v.NextURL = pagerURLs("/licenses/"+url.PathEscape(l.ID), p, next)
	return s.render(c, http.StatusOK, "license", page{Data: v})
}

// nameBook names the accounts and tills a license's history mentions, as
// far as the viewer may know them (account.Accounts, one query for the
// page's parties): the owner every one; a partner itself and its clients;
// a company itself and its partner. A till is named when the viewer may
// name its company (the owner: any). Anything else shows as its kind
// alone, so a license that passed through a stranger's hands tells
// nothing of the stranger.
type nameBook struct {
	s        *Server
	ctx      context.Context
	accounts map[string]string
	anyTill  bool            // the owner's: every company's tills
	tillsOf  map[string]bool // whose tills the viewer may name
	tills    map[string]string
}

func (s *Server) newNameBook(ctx context.Context, me *account.Account, ids []string) (*nameBook, error) {
	known, err := s.cfg.Accounts.Accounts(ctx, ids)
	if err != nil {
		return nil, err
	}
	b := &nameBook{s: s, ctx: ctx, accounts: map[string]string{}, anyTill: me.Kind == mypos.KindOwner,
		tillsOf: map[string]bool{}, tills: map[string]string{}}
	for id, a := range known {
		b.accounts[id] = a.Name
		b.tillsOf[id] = a.Kind == mypos.KindCompany
	}
	return b, nil
}

// partiesOf are the accounts a license's page may name: its holder now,
// its holders before and after each document of the page, and the
// documents' authors.
func partiesOf(l *licensing.License, docs []licensing.Document) []string {
	ids := appendSet(nil, l.PartnerID, l.CompanyID)
	for _, d := range docs {
		if d.Author.Kind == mypos.KindPartner || d.Author.Kind == mypos.KindCompany {
			ids = append(ids, d.Author.ID)
		}
		for _, line := range d.Lines {
			if line.From != nil {
				ids = appendSet(ids, line.From.PartnerID, line.From.CompanyID)
			}
			ids = appendSet(ids, line.To.PartnerID, line.To.CompanyID)
		}
	}
	return ids
}

// facts names a license's facts.
func (b *nameBook) facts(f licensing.Facts) (factsView, error) {
	v := factsView{Sealed: f.Sealed, OnTill: f.DeviceID != nil}
	switch {
	case f.CompanyID != nil:
		v.Holder = party{Kind: mypos.KindCompany, Name: b.accounts[*f.CompanyID]}
	case f.PartnerID != nil:
		v.Holder = party{Kind: mypos.KindPartner, Name: b.accounts[*f.PartnerID]}
	default:
		v.Holder = party{Kind: mypos.KindOwner}
	}
	if f.DeviceID != nil && f.CompanyID != nil {
		name, err := b.till(*f.CompanyID, *f.DeviceID)
		if err != nil {
			return v, err
		}
		v.Device = name
	}
	return v, nil
}

// till is a till's name, asked as its company once a page; a till deleted
// since, or another's, has none.
func (b *nameBook) till(companyID, deviceID string) (string, error) {
	if name, ok := b.tills[deviceID]; ok || !(b.anyTill || b.tillsOf[companyID]) {
		return name, nil
	}
	d, err := b.s.cfg.Devices.Get(asClient(b.ctx, companyID), deviceID)
	if err != nil && mypos.ErrorCode(err) != mypos.ENOTFOUND {
		return "", err
	}
	if d != nil {
		b.tills[deviceID] = d.Name
	}
	return b.tills[deviceID], nil
}

// history names each document's change of the license: History gives a
// document with this license's line only.
func (b *nameBook) history(docs []licensing.Document) ([]historyRow, error) {
	rows := make([]historyRow, 0, len(docs))
	for _, d := range docs {
		if len(d.Lines) == 0 {
			continue
		}
		line := d.Lines[0]
		row := historyRow{Number: d.Number, At: d.CreatedAt, Type: d.Type}
		var err error
		if line.From != nil {
			from, err := b.facts(*line.From)
			if err != nil {
				return nil, err
			}
			row.From = &from
		}
		if row.To, err = b.facts(line.To); err != nil {
			return nil, err
		}
		row.Author = b.author(d.Author)
		rows = append(rows, row)
	}
	return rows, nil
}

// author names who issued a document: an account by the book, a till by
// the name its line gave it, the owner — the platform — by its kind alone.
func (b *nameBook) author(a licensing.Author) party {
	switch a.Kind {
	case mypos.KindDevice:
		return party{Kind: a.Kind, Name: b.tills[a.ID]}
	case mypos.KindOwner:
		return party{Kind: a.Kind}
	}
	return party{Kind: a.Kind, Name: b.accounts[a.ID]}
}
