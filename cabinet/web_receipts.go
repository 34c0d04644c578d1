package cabinet

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"time"

	"github.com/gofiber/fiber/v2"

	"mypos/i18n"
	"mypos/sales"
)

// receiptsPageSize is how many receipts the page lists at a time.
const receiptsPageSize = 50

// receiptsView is the receipts page: one day of the company's sales, its
// sums by store and cashier, and its receipts a page at a time. Amounts
// and times are written in the page's language here; names are data.
type receiptsView struct {
	Day      string
	Summary  []sumLine
	Totals   sumLine
	Receipts []receiptLine
	// SumsTooLarge is why the day has no sums: its receipts add up past
	// what a report holds (sales.ErrSumTooLarge); the receipts still show.
	SumsTooLarge error
	// Unlicensed says some receipt of the page was sold without a license.
	Unlicensed        bool
	FirstURL, NextURL string
}

// sumLine is a summary row as shown: names (Store "" for sales outside any
// store), and amounts in roubles.
type sumLine struct {
	Store, Cashier       string
	Receipts             int64
	Total, Discount, VAT string
}

type receiptLine struct {
	Time, Device, Store, Cashier, Total string
	Payment                             string // protocol.PaymentCash or PaymentCard
	Number                              int64
	Lines                               int
	Unlicensed                          bool
}

// companyReceipts shows a day of receipts: ?day=YYYY-MM-DD, by default the
// day of the newest receipt — the tills' local days, as the summary counts
// them —, those sold without a license marked. A day whose sums a report
// cannot hold shows its receipts and says so. The services refuse anyone
// but a company.
func (s *Server) companyReceipts(c *fiber.Ctx) error {
	ctx := c.UserContext()
	day, err := s.receiptsDay(ctx, c.Query("day"))
	if err != nil {
		return err
	}
	items, next, err := s.cfg.Sales.List(ctx, sales.Filter{From: day, To: day, Cursor: c.Query("cursor"), Limit: receiptsPageSize})
	if err != nil {
		return err
	}
	sum, err := s.cfg.Sales.Summary(ctx, day, day)
	n := s.newNames(ctx)
	l := loc(c)
	v := receiptsView{Day: day}
	if err := v.sums(l, n, sum, err); err != nil {
		return err
	}
	for _, r := range items {
		v.Receipts = append(v.Receipts, receiptLine{Time: l.Clock(r.Local()), Number: r.Number, Lines: r.Lines,
			Device: n.device(r.DeviceID), Store: n.store(r.StoreID), Cashier: n.cashier(r.CashierID),
			Payment: r.Payment, Total: l.Money(r.Total), Unlicensed: r.Unlicensed})
		v.Unlicensed = v.Unlicensed || r.Unlicensed
	}
	if c.Query("cursor") != "" {
		v.FirstURL = receiptsURL(day, "")
	}
	if next != "" {
		v.NextURL = receiptsURL(day, next)
	}
	return s.render(c, http.StatusOK, "company_receipts", page{Data: v})
}

// sums shows a day's summary — or, for a day whose receipts sum past what
// a report holds, says why it has none.
func (v *receiptsView) sums(l *i18n.Locale, n *names, sum *sales.Summary, err error) error {
	switch {
	case errors.Is(err, sales.ErrSumTooLarge):
		v.SumsTooLarge = err
		return nil
	case err != nil:
		return err
	}
	v.Totals = sumLine{Receipts: sum.Totals.Receipts, Total: l.Money(sum.Totals.Total),
		Discount: l.Money(sum.Totals.Discount), VAT: l.Money(sum.Totals.VAT)}
	for _, r := range sum.Items {
		v.Summary = append(v.Summary, sumLine{Store: n.store(r.StoreID), Cashier: n.cashier(r.CashierID),
			Receipts: r.Receipts, Total: l.Money(r.Total), Discount: l.Money(r.Discount), VAT: l.Money(r.VAT)})
	}
	return nil
}

// receiptsDay is the day asked for, else the newest receipt's, else today.
func (s *Server) receiptsDay(ctx context.Context, day string) (string, error) {
	if day != "" {
		return day, nil // sales validates it
	}
	newest, _, err := s.cfg.Sales.List(ctx, sales.Filter{Limit: 1})
	if err != nil || len(newest) == 0 {
		return time.Now().UTC().Format(time.DateOnly), err
	}
	return newest[0].Day, nil
}

func receiptsURL(day, cursor string) string {
	v := url.Values{"day": {day}}
	if cursor != "" {
		v.Set("cursor", cursor)
	}
	return "/receipts?" + v.Encode()
}

// names shows stores, cashiers and devices by name, asking each once a
// page; one it cannot find — deleted, or an ID the till made up — shows as
// its ID.
type names struct {
	s     *Server
	ctx   context.Context
	known map[string]string
}

func (s *Server) newNames(ctx context.Context) *names {
	return &names{s: s, ctx: ctx, known: map[string]string{}}
}

func (n *names) lookup(kind, id string, find func() (string, error)) string {
	if name, ok := n.known[kind+id]; ok {
		return name
	}
	name, err := find()
	if err != nil || name == "" {
		name = id
	}
	n.known[kind+id] = name
	return name
}

// store is "" for sales outside any store; the page says so in words.
func (n *names) store(id *string) string {
	if id == nil {
		return ""
	}
	return n.lookup("store:", *id, func() (string, error) {
		st, err := n.s.cfg.Backoffice.GetStore(n.ctx, *id)
		if err != nil {
			return "", err
		}
		return st.Name, nil
	})
}

func (n *names) cashier(id string) string {
	return n.lookup("cashier:", id, func() (string, error) {
		c, err := n.s.cfg.Backoffice.GetCashier(n.ctx, id)
		if err != nil {
			return "", err
		}
		return c.Name, nil
	})
}

func (n *names) device(id string) string {
	return n.lookup("device:", id, func() (string, error) {
		d, err := n.s.cfg.Devices.Get(n.ctx, id)
		if err != nil {
			return "", err
		}
		return d.Name, nil
	})
}
