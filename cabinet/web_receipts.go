package cabinet

import (
	"context"
	"net/http"
	"net/url"

	"github.com/gofiber/fiber/v2"

	"mypos"
	"mypos/sales"
)

// companySalesPages are the company's receipts — the list, one receipt —
// and the sales summary, each with its CSV. The summary is a tab of the
// receipts, not a section of its own: both show one period, the tabs carry
// it from one to the other, and the cabinet's sections stay as they are.
// Fixed paths come before /receipts/:id.
func (s *Server) companySalesPages(r webRouter) {
	r.get("/receipts.csv", s.receiptsCSV)
	r.get("/receipts/summary", s.salesSummaryPage)
	r.get("/receipts/summary.csv", s.summaryCSV)
	r.get("/receipts/:id", s.receiptPage)
}

// receiptsPageSize is how many receipts the page lists at a time.
const receiptsPageSize = 50

// receiptsView is the receipts page: a period's receipts, filtered by
// store, till and cashier, a page at a time. Names are data; amounts are
// written by the template.
type receiptsView struct {
	period
	receiptsQuery
	filterOptions
	Picks    []quickPick
	Receipts []receiptLine
	// Unlicensed says some receipt of the page was sold without a license.
	Unlicensed bool
	// Filtered says a store, till or cashier narrows the list.
	Filtered                              bool
	FirstURL, NextURL, CSVURL, SummaryURL string
}

// receiptsQuery is what the filters chose: IDs, or "" for all.
type receiptsQuery struct{ StoreID, DeviceID, CashierID string }

// receiptsQueryOf reads the filters.
func receiptsQueryOf(c *fiber.Ctx) receiptsQuery {
	return receiptsQuery{StoreID: c.Query("store_id"), DeviceID: c.Query("device_id"), CashierID: c.Query("cashier_id")}
}

func (q receiptsQuery) values() url.Values {
	return url.Values{"store_id": {q.StoreID}, "device_id": {q.DeviceID}, "cashier_id": {q.CashierID}}
}

// receiptLine is a receipt as the list shows it: Day its till's local day
// and Clock the time on the till's clock.
type receiptLine struct {
	ID, Day, Clock, Device, Store, Cashier string
	Payment                                string // protocol.PaymentCash or PaymentCard
	Number, Total                          int64
	Lines                                  int
	Unlicensed                             bool
}

// companyReceipts lists a period's receipts — today by default —, newest
// first, filtered by store, till and cashier; the filters and the period
// survive paging. A bad period comes back as the form with the error next
// to its field. The services refuse anyone but a company.
func (s *Server) companyReceipts(c *fiber.Ctx) error {
	ctx := c.UserContext()
	n := s.newNames(ctx)
	v := receiptsView{period: periodOf(c), receiptsQuery: receiptsQueryOf(c)}
	opts, err := s.options(ctx, n)
	if err != nil {
		return err
	}
	v.filterOptions = opts
	v.Filtered = v.StoreID != "" || v.DeviceID != "" || v.CashierID != ""
	v.Picks = quickPicks(c, "/receipts", v.receiptsQuery.values(), v.period)
	v.SummaryURL = withQuery("/receipts/summary", v.period.values())
	cursor := c.Query("cursor")
	items, next, err := s.pageOfReceipts(ctx, v, cursor)
	if err != nil {
		return s.formError(c, "company_receipts", err, v)
	}
	for _, r := range items {
		v.Receipts = append(v.Receipts, receiptLine{ID: r.ID, Day: r.Day, Clock: loc(c).Clock(r.Local()), Number: r.Number,
			Lines: r.Lines, Device: n.device(r.DeviceID), Store: n.store(r.StoreID), Cashier: n.cashier(r.CashierID),
			Payment: r.Payment, Total: r.Total, Unlicensed: r.Unlicensed})
		v.Unlicensed = v.Unlicensed || r.Unlicensed
	}
	v.links(cursor, next)
	return s.render(c, http.StatusOK, "company_receipts", page{Data: v})
}

// links are the addresses of the export and the pages, each with the
// period and the filters: only the cursor changes from page to page.
func (v *receiptsView) links(cursor, next string) {
	keep := merge(v.period.values(), v.receiptsQuery.values())
	v.CSVURL = withQuery("/receipts.csv", keep)
	if cursor != "" {
		v.FirstURL = withQuery("/receipts", keep)
	}
	if next != "" {
		v.NextURL = withQuery("/receipts", merge(keep, url.Values{"cursor": {next}}))
	}
}

// pageOfReceipts is a page of the receipts the view chose.
func (s *Server) pageOfReceipts(ctx context.Context, v receiptsView, cursor string) ([]sales.Receipt, string, error) {
	f, err := v.filter(cursor, receiptsPageSize)
	if err != nil {
		return nil, "", err
	}
	return s.cfg.Sales.List(ctx, f)
}

// filter is the view's choice as the service's filter. The cashier is
// what the till said, not always an ID: text by the text rule, so that a
// NUL cannot reach the database; sales checks the rest.
func (v receiptsView) filter(cursor string, limit int) (sales.Filter, error) {
	cashier, err := mypos.Text("cashier_id", v.CashierID, 0, 64)
	return sales.Filter{From: v.From, To: v.To, StoreID: v.StoreID, DeviceID: v.DeviceID, CashierID: cashier,
		Cursor: cursor, Limit: limit}, err
}

// formError shows a page's form again with a service's refusal next to the
// field it names (page.Err); anything but a refusal is the error page. An
// htmx request that asked for a part of the page gets the whole of <main>
// instead, since the field with the error is outside that part.
func (s *Server) formError(c *fiber.Ctx, view string, err error, data any) error {
	if mypos.ErrorCode(err) != mypos.EINVALID {
		return err
	}
	if fragment(c) != "" {
		c.Request().Header.Del("HX-Target")
		c.Set("HX-Retarget", "main")
		c.Set("HX-Reselect", "main")
		c.Set("HX-Reswap", "outerHTML")
	}
	return s.render(c, http.StatusOK, view, page{Err: err, Data: data})
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

// discount names a discount a receipt's line took; one since deleted shows
// as its ID.
func (n *names) discount(id string) string {
	return n.lookup("discount:", id, func() (string, error) {
		d, err := n.s.cfg.Backoffice.GetDiscount(n.ctx, id)
		if err != nil {
			return "", err
		}
		return d.Name, nil
	})
}
