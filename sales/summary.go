package sales

import (
	"context"
	"math"

	"mypos"
)

// maxSummaryDays bounds a summary's period: a year, a leap one included.
const maxSummaryDays = 366

// Sums are the figures a summary adds up, in kopecks.
type Sums struct {
	Receipts int64 `json:"receipts"`
	Total    int64 `json:"total"`
	Discount int64 `json:"discount"`
	VAT      int64 `json:"vat"`
}

// add adds o's figures to s, or refuses with ErrSumTooLarge when one
// leaves int64; s is unchanged then.
func (s *Sums) add(o Sums) error {
	sum := Sums{Receipts: s.Receipts + o.Receipts} // at most the table's rows
	var ok [3]bool
	sum.Total, ok[0] = addKopecks(s.Total, o.Total)
	sum.Discount, ok[1] = addKopecks(s.Discount, o.Discount)
	sum.VAT, ok[2] = addKopecks(s.VAT, o.VAT)
	if ok != [3]bool{true, true, true} {
		return ErrSumTooLarge
	}
	*s = sum
	return nil
}

// addKopecks adds two non-negative amounts; false when the sum leaves int64.
func addKopecks(a, b int64) (int64, bool) {
	if a > math.MaxInt64-b {
		return 0, false
	}
	return a + b, true
}

// ErrSumTooLarge refuses a summary whose sums leave int64 kopecks — 92
// quadrillion ₽, more than any business sells (see protocol's limits):
// only receipts a till could not have sold within the limits, or a
// tampered till's, get there. The list still shows them.
var ErrSumTooLarge = mypos.Invalid("to", "The receipts of this period add up to more than 92 233 720 368 547 758 ₽: "+
	"some of them cannot be real. Find them in the list of receipts, or ask for a shorter period.")

// A summary sums each amount in two parts — its quotient and remainder by
// 2^32 — so neither database overflows whatever is stored: SQLite's SUM
// fails with "integer overflow" past int64, and Postgres's, cast back to
// BIGINT, with "bigint out of range". Each part sums within int64 up to
// 2^31 receipts in one row of the summary (a cashier's day in a store),
// far beyond what any store holds; Go puts the parts together (split.join)
// and refuses a sum beyond int64 with ErrSumTooLarge.
const splitAt = 1 << 32

// splitSum is the SQL of one amount's parts, as columns name_hi and name_lo.
func splitSum(column string) string {
	return "CAST(SUM(" + column + " / 4294967296) AS BIGINT) AS " + column + "_hi, CAST(SUM(" + column + " % 4294967296) AS BIGINT) AS " + column + "_lo"
}

// split is an amount summed in parts: hi × 2^32 + lo.
type split struct{ hi, lo int64 }

// join is the amount, false when it leaves int64.
func (p split) join() (int64, bool) {
	if p.hi > (math.MaxInt64-p.lo)/splitAt {
		return 0, false
	}
	return p.hi*splitAt + p.lo, true
}

// summaryScan is a summary row as the query returns it, its sums in parts.
type summaryScan struct {
	Day                    string
	StoreID                *string
	CashierID              string
	Receipts               int64
	TotalHi, TotalLo       int64
	DiscountHi, DiscountLo int64
	VATHi, VATLo           int64
}

// row joins the parts; ErrSumTooLarge when a sum leaves int64.
func (r *summaryScan) row() (SummaryRow, error) {
	out := SummaryRow{Day: r.Day, StoreID: r.StoreID, CashierID: r.CashierID, Sums: Sums{Receipts: r.Receipts}}
	var ok [3]bool
	out.Total, ok[0] = split{r.TotalHi, r.TotalLo}.join()
	out.Discount, ok[1] = split{r.DiscountHi, r.DiscountLo}.join()
	out.VAT, ok[2] = split{r.VATHi, r.VATLo}.join()
	if ok != [3]bool{true, true, true} {
		return out, ErrSumTooLarge
	}
	return out, nil
}

// SummaryRow sums one cashier's receipts of one day in one store (StoreID
// nil: on devices that stood in no store).
type SummaryRow struct {
	Day       string  `json:"day"`
	StoreID   *string `json:"store_id"`
	CashierID string  `json:"cashier_id"`
	Sums
}

// Summary is a period's rows, by day, then store (no store last), then
// cashier, and their sums.
type Summary struct {
	From   string       `json:"from"`
	To     string       `json:"to"`
	Items  []SummaryRow `json:"items"`
	Totals Sums         `json:"totals"`
}

// Summary sums the caller's company's receipts from one day to another,
// both included, by the tills' local days. Company only.
// Returns EUNAUTHORIZED, EFORBIDDEN for another kind, EINVALID for a
// missing or malformed day, a period that ends before it starts or is
// longer than 366 days, and ErrSumTooLarge (EINVALID) when the period's
// receipts sum beyond int64 kopecks.
func (s *Service) Summary(ctx context.Context, from, to string) (*Summary, error) {
	companyID, err := companyOf(ctx)
	if err != nil {
		return nil, err
	}
	if err := checkPeriod(from, to); err != nil {
		return nil, err
	}
	var scanned []summaryScan
	err = s.db.Conn(ctx).Raw(`SELECT day, store_id, cashier_id, COUNT(*) AS receipts, `+
		splitSum("total")+", "+splitSum("discount")+", "+splitSum("vat")+`
		FROM receipts WHERE company_id = ? AND day >= ? AND day <= ?
		GROUP BY day, store_id, cashier_id
		ORDER BY day, store_id IS NULL, store_id, cashier_id`, companyID, from, to).Scan(&scanned).Error
	if err != nil {
		return nil, err
	}
	sum := &Summary{From: from, To: to, Items: make([]SummaryRow, len(scanned))}
	for i := range scanned {
		if sum.Items[i], err = scanned[i].row(); err != nil {
			return nil, err
		}
		if err := sum.Totals.add(sum.Items[i].Sums); err != nil {
			return nil, err
		}
	}
	return sum, nil
}

func checkPeriod(from, to string) error {
	for _, d := range []struct{ field, v string }{{"from", from}, {"to", to}} {
		if d.v == "" {
			return mypos.Invalid(d.field, "A summary needs a period: from and to, YYYY-MM-DD.")
		}
	}
	f, err := parseDay("from", from)
	if err != nil {
		return err
	}
	t, err := parseDay("to", to)
	if err != nil {
		return err
	}
	switch days := int(t.Sub(f).Hours()/24) + 1; {
	case days < 1:
		return mypos.Invalid("from", "The period starts after it ends.")
	case days > maxSummaryDays:
		return mypos.Invalid("to", "A summary covers at most %d days.", maxSummaryDays)
	}
	return nil
}
