package cabinet

import (
	"cmp"
	"net/http"
	"slices"
	"time"

	"github.com/gofiber/fiber/v2"

	"mypos/sales"
)

// The sales summary, a tab of the receipts: a period's sums by day — a
// chart and a table, every day of the period, days without sales at zero —
// and by store and cashier, with the period's totals.

// salesView is the summary page. Shown is false when the period was
// refused: the form shows why, next to its field.
type salesView struct {
	period
	Picks           []quickPick
	Shown           bool
	Days            []daySums
	Rows            []sumLine
	Totals          sales.Sums
	Chart           chart
	ListURL, CSVURL string
}

// daySums are a day's sums, Day YYYY-MM-DD.
type daySums struct {
	Day string
	sales.Sums
}

// sumLine sums a cashier's receipts in a store over the period; Store ""
// is sales on tills that stood in no store.
type sumLine struct {
	Store, Cashier string
	sales.Sums
}

// salesSummaryPage shows a period's summary, today by default. A period
// longer than 366 days, reversed or malformed — or whose sums a report
// cannot hold — comes back as the form with the reason next to its field.
func (s *Server) salesSummaryPage(c *fiber.Ctx) error {
	ctx := c.UserContext()
	v := salesView{period: periodOf(c)}
	v.Picks = quickPicks(c, "/receipts/summary", nil, v.period)
	v.ListURL = withQuery("/receipts", v.period.values())
	sum, err := s.cfg.Sales.Summary(ctx, v.From, v.To)
	if err != nil {
		return s.formError(c, "sales", err, v)
	}
	v.Shown = true
	v.CSVURL = withQuery("/receipts/summary.csv", v.period.values())
	v.Totals = sum.Totals
	v.Days = everyDay(sum)
	v.Chart = newChart(v.Days)
	v.Rows = byStoreAndCashier(s.newNames(ctx), sum.Items)
	return s.render(c, http.StatusOK, "sales", page{Data: v})
}

// everyDay sums a summary by day, each day of its period, the days
// without sales at zero. The period is at most 366 days: sales checked it.
func everyDay(sum *sales.Summary) []daySums {
	byDay := map[string]sales.Sums{}
	for _, r := range sum.Items {
		d := byDay[r.Day]
		addSums(&d, r.Sums)
		byDay[r.Day] = d
	}
	from, _ := time.Parse(time.DateOnly, sum.From)
	to, _ := time.Parse(time.DateOnly, sum.To)
	var out []daySums
	for d := from; !d.After(to); d = d.AddDate(0, 0, 1) {
		day := d.Format(time.DateOnly)
		out = append(out, daySums{Day: day, Sums: byDay[day]})
	}
	return out
}

// byStoreAndCashier sums the summary's rows over its days, by store name
// (no store last), then cashier name.
func byStoreAndCashier(n *names, items []sales.SummaryRow) []sumLine {
	type key struct{ store, cashier string }
	at := map[key]int{}
	var out []sumLine
	for _, r := range items {
		k := key{cashier: r.CashierID}
		if r.StoreID != nil {
			k.store = *r.StoreID
		}
		i, ok := at[k]
		if !ok {
			i = len(out)
			at[k] = i
			out = append(out, sumLine{Store: n.store(r.StoreID), Cashier: n.cashier(r.CashierID)})
		}
		addSums(&out[i].Sums, r.Sums)
	}
	slices.SortFunc(out, func(a, b sumLine) int {
		if (a.Store == "") != (b.Store == "") {
			return cmp.Compare(b.Store, a.Store) // "" last
		}
		return cmp.Or(cmp.Compare(a.Store, b.Store), cmp.Compare(a.Cashier, b.Cashier))
	})
	return out
}

// addSums adds a row of a summary to a part of it: no part overflows,
// since the whole — the summary's totals — did not.
func addSums(to *sales.Sums, s sales.Sums) {
	to.Receipts += s.Receipts
	to.Total += s.Total
	to.Discount += s.Discount
	to.VAT += s.VAT
}
