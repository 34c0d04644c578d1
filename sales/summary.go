package sales

import (
	"context"

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

func (s *Sums) add(o Sums) {
	s.Receipts += o.Receipts
	s.Total += o.Total
	s.Discount += o.Discount
	s.VAT += o.VAT
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
// longer than 366 days.
func (s *Service) Summary(ctx context.Context, from, to string) (*Summary, error) {
	companyID, err := companyOf(ctx)
	if err != nil {
		return nil, err
	}
	if err := checkPeriod(from, to); err != nil {
		return nil, err
	}
	sum := &Summary{From: from, To: to, Items: []SummaryRow{}}
	err = s.db.Conn(ctx).Raw(`SELECT day, store_id, cashier_id, COUNT(*) AS receipts,
		CAST(SUM(total) AS BIGINT) AS total, CAST(SUM(discount) AS BIGINT) AS discount, CAST(SUM(vat) AS BIGINT) AS vat
		FROM receipts WHERE company_id = ? AND day >= ? AND day <= ?
		GROUP BY day, store_id, cashier_id
		ORDER BY day, store_id IS NULL, store_id, cashier_id`, companyID, from, to).Scan(&sum.Items).Error
	if err != nil {
		return nil, err
	}
	for _, r := range sum.Items {
		sum.Totals.add(r.Sums)
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
