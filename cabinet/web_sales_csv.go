package cabinet

import (
	"bufio"
	"encoding/csv"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"mypos/i18n"
	"mypos/sales"
)

// CSV exports of the receipts and the summary, for a spreadsheet. Russian
// Excel opens a .csv by double click with the system's list separator,
// which is ";" where the decimal separator is a comma — a "," would split
// every amount in two —, and reads it as UTF-8 only after a byte-order
// mark. So: UTF-8 with a BOM, ";" between fields, CRLF lines, amounts as
// plain numbers with the language's decimal separator (1234,50 in Russian,
// 1234.50 in English) so the spreadsheet sums them, and the column names
// in the page's language. The file is streamed: a year of receipts is never
// held in memory.

// csvBOM is the byte-order mark that tells Excel the file is UTF-8.
const csvBOM = "\ufeff"

// csvPageSize is how many receipts the export reads at a time.
const csvPageSize = 500

// csvSheet writes one export: its words, and rows escaped for spreadsheets.
type csvSheet struct {
	l       *i18n.Locale
	w       *csv.Writer
	decimal string
	stamp   string // the layout of a till's local time
}

// streamCSV answers with a CSV file named name, written by fill as the
// client reads it. What fill fails with after the first byte cannot be an
// error page any more: it ends the file short and is logged.
func (s *Server) streamCSV(c *fiber.Ctx, name string, fill func(*csvSheet) error) error {
	l := loc(c)
	c.Set(fiber.HeaderContentType, "text/csv; charset=utf-8")
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="`+name+`"`)
	c.Set(fiber.HeaderCacheControl, "no-store")
	c.Set(fiber.HeaderXContentTypeOptions, "nosniff")
	path := c.Path()
	c.Context().SetBodyStreamWriter(func(bw *bufio.Writer) {
		bw.WriteString(csvBOM)
		w := csv.NewWriter(bw)
		w.Comma, w.UseCRLF = ';', true
		err := fill(&csvSheet{l: l, w: w, decimal: l.T("csv.decimal"), stamp: l.T("csv.datetime")})
		w.Flush()
		if err == nil {
			err = w.Error()
		}
		if err != nil {
			s.log.Error("csv export cut short", "path", path, "error", err)
		}
		bw.Flush()
	})
	return nil
}

// row writes a row: words (message IDs) are said, cells are escaped.
func (cs *csvSheet) row(cells ...string) error {
	for i, v := range cells {
		cells[i] = csvCell(v)
	}
	return cs.w.Write(cells)
}

// header writes the column names, each a message ID.
func (cs *csvSheet) header(ids ...string) error {
	for i, id := range ids {
		ids[i] = cs.l.T(id)
	}
	return cs.w.Write(ids)
}

// flush sends what is written so far to the client.
func (cs *csvSheet) flush() error {
	cs.w.Flush()
	return cs.w.Error()
}

// money writes kopecks as a plain number of roubles: 1234,50.
func (cs *csvSheet) money(kopecks int64) string {
	return strconv.FormatInt(kopecks/100, 10) + cs.decimal + strconv.FormatInt(100+kopecks%100, 10)[1:]
}

// csvCell keeps a name a till or a person typed from being run as a
// spreadsheet formula: one that starts like a formula gets a leading
// apostrophe, which a spreadsheet shows as text.
func csvCell(v string) string {
	if v != "" && strings.ContainsRune("=+-@\t\r", rune(v[0])) {
		return "'" + v
	}
	return v
}

// receiptsCSV exports the receipts the list's period and filters choose,
// every page of them. The first page is read before the answer starts, so
// a bad filter is the error page, not a short file.
func (s *Server) receiptsCSV(c *fiber.Ctx) error {
	ctx := c.UserContext()
	v := receiptsView{period: periodOf(c), receiptsQuery: receiptsQueryOf(c)}
	f, err := v.filter("", csvPageSize)
	if err != nil {
		return err
	}
	items, next, err := s.cfg.Sales.List(ctx, f)
	if err != nil {
		return err
	}
	n := s.newNames(ctx)
	if _, err := s.options(ctx, n); err != nil {
		return err
	}
	return s.streamCSV(c, "receipts-"+v.From+"-"+v.To+".csv", func(cs *csvSheet) error {
		err := cs.header("receipts.col.day", "receipts.col.time", "receipts.col.number", "receipts.col.till", "receipts.col.store",
			"receipts.col.cashier", "receipts.col.payment", "receipts.col.lines", "receipts.col.sum", "receipts.col.discount",
			"receipts.col.vat", "receipts.unlicensed", "receipts.col.receipt_id")
		for err == nil {
			if err = cs.receipts(n, items); err != nil || next == "" {
				return err
			}
			f.Cursor = next
			items, next, err = s.cfg.Sales.List(ctx, f)
		}
		return err
	})
}

// receipts writes a page of receipts and sends it.
func (cs *csvSheet) receipts(n *names, items []sales.Receipt) error {
	for _, r := range items {
		unlicensed := ""
		if r.Unlicensed {
			unlicensed = cs.l.T("csv.marked")
		}
		err := cs.row(cs.l.Day(r.Day), r.Local().Format(cs.stamp), strconv.FormatInt(r.Number, 10), n.device(r.DeviceID),
			cs.store(n.store(r.StoreID)), n.cashier(r.CashierID), cs.l.T("payment."+r.Payment), strconv.Itoa(r.Lines),
			cs.money(r.Total), cs.money(r.Discount), cs.money(r.VAT), unlicensed, r.ID)
		if err != nil {
			return err
		}
	}
	return cs.flush()
}

// store is a store's name, or the words for sales outside any store.
func (cs *csvSheet) store(name string) string {
	if name == "" {
		return cs.l.T("receipts.no_store")
	}
	return name
}

// summaryCSV exports a period's summary: a row per day, store and cashier,
// and the totals. A period the summary refuses is the error page.
func (s *Server) summaryCSV(c *fiber.Ctx) error {
	ctx := c.UserContext()
	p := periodOf(c)
	sum, err := s.cfg.Sales.Summary(ctx, p.From, p.To)
	if err != nil {
		return err
	}
	return s.streamCSV(c, "sales-"+p.From+"-"+p.To+".csv", func(cs *csvSheet) error {
		return cs.summary(s.newNames(ctx), sum)
	})
}

func (cs *csvSheet) summary(n *names, sum *sales.Summary) error {
	err := cs.header("receipts.col.day", "receipts.col.store", "receipts.col.cashier", "receipts.col.count",
		"receipts.col.total", "receipts.col.discount", "receipts.col.vat")
	for _, r := range sum.Items {
		if err != nil {
			return err
		}
		err = cs.sums([]string{cs.l.Day(r.Day), cs.store(n.store(r.StoreID)), n.cashier(r.CashierID)}, r.Sums)
	}
	if err == nil {
		err = cs.sums([]string{cs.l.T("receipts.all"), "", ""}, sum.Totals)
	}
	return err
}

// sums writes a row of the summary: its names, then its figures.
func (cs *csvSheet) sums(names []string, s sales.Sums) error {
	return cs.row(append(names, strconv.FormatInt(s.Receipts, 10), cs.money(s.Total), cs.money(s.Discount), cs.money(s.VAT))...)
}
