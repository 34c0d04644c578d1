package sales

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"mypos"
	"mypos/sales/salestest"
)

// The summary adds up, per till-local day, store and cashier, exactly what
// protocol's arithmetic makes of each receipt: a receipt punched after
// midnight in Vladivostok counts on its own day, though it is the day
// before in UTC; days outside the period and other companies' receipts
// are left out.
func TestSummarySumsByDayStoreCashier(t *testing.T) {
	f := newFixture(t, IngestOptions{})
	companyID, ctx := company()
	storeA, storeB := mypos.NewID(), mypos.NewID()
	dev := mypos.NewID()
	var in []Incoming
	for i, at := range []string{
		"2026-03-07T10:00:00+03:00", "2026-03-07T11:00:00+03:00", "2026-03-07T23:59:59+03:00",
		"2026-03-08T01:30:00+10:00", "2026-03-08T12:00:00+03:00", "2026-03-08T13:00:00+03:00",
	} {
		st := []string{storeA, storeB, ""}[i%3]
		cashier := []string{"c1", "c2"}[i%2]
		in = append(in, incoming(companyID, dev, st, salestest.Sale(salestest.At(at), cashier, 5990, int64(1000+i*333), 12345)))
		in = append(in, incoming(companyID, dev, st, salestest.Sale(salestest.At(at).Add(time.Minute), cashier, int64(777*(i+1)))))
	}
	outside := incoming(companyID, dev, storeA, salestest.Sale(salestest.At("2026-03-09T00:00:01+03:00"), "c1", 100))
	other := incoming(mypos.NewID(), mypos.NewID(), storeA, salestest.Sale(salestest.At("2026-03-08T12:00:00+03:00"), "c1", 100))
	f.store(append(in, outside, other)...)

	got, err := f.svc.Summary(ctx, "2026-03-07", "2026-03-08")
	if err != nil {
		t.Fatal(err)
	}
	var rows []string
	var total Sums
	for _, r := range got.Items {
		rows = append(rows, rowText(r))
		total.add(r.Sums)
	}
	if want := expectedSummary(in); !slices.Equal(rows, want) {
		t.Fatalf("rows\n%s\nwant\n%s", strings.Join(rows, "\n"), strings.Join(want, "\n"))
	}
	if got.Totals != total || got.Totals.Receipts != int64(len(in)) || got.From != "2026-03-07" || got.To != "2026-03-08" {
		t.Fatalf("totals %+v over %s..%s, want %+v of %d receipts", got.Totals, got.From, got.To, total, len(in))
	}
	if empty, err := f.svc.Summary(ctx, "2025-01-01", "2025-12-31"); err != nil || len(empty.Items) != 0 || empty.Items == nil {
		t.Fatalf("a year without sales: %+v, %v", empty, err)
	}
}

// expectedSummary sums the receipts by protocol.Total, in the summary's
// order: day, store (none last), cashier.
func expectedSummary(in []Incoming) []string {
	byKey := map[[3]string]*SummaryRow{}
	var rows []*SummaryRow
	for _, x := range in {
		k := [3]string{x.Sale.Day(), x.StoreID, x.Sale.CashierID}
		r := byKey[k]
		if r == nil {
			r = &SummaryRow{Day: k[0], CashierID: k[2]}
			if k[1] != "" {
				r.StoreID = &k[1]
			}
			byKey[k] = r
			rows = append(rows, r)
		}
		tot := salestest.Totals(x.Sale)
		r.add(Sums{Receipts: 1, Total: tot.Total, Discount: tot.Discount, VAT: tot.VAT})
	}
	out := make([]string, len(rows))
	for i, r := range rows {
		out[i] = rowText(*r)
	}
	slices.Sort(out)
	return out
}

// rowText shows a row so that rows sort in the summary's order: "~" for
// no store sorts after every UUID.
func rowText(r SummaryRow) string {
	store := "~"
	if r.StoreID != nil {
		store = *r.StoreID
	}
	return fmt.Sprintf("%s %s %s %+v", r.Day, store, r.CashierID, r.Sums)
}

func TestSummaryRefusesBadPeriods(t *testing.T) {
	f := newFixture(t, IngestOptions{})
	_, ctx := company()
	tests := []struct {
		name, from, to, field string
	}{
		{"NoFrom", "", "2026-03-08", "from"},
		{"NoTo", "2026-03-08", "", "to"},
		{"BadFrom", "2026-02-30", "2026-03-08", "from"},
		{"BadTo", "2026-03-01", "8 March", "to"},
		{"Reversed", "2026-03-09", "2026-03-08", "from"},
		{"TooLong", "2025-01-01", "2026-01-02", "to"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := f.svc.Summary(ctx, tt.from, tt.to)
			wantCode(t, err, mypos.EINVALID, tt.field)
		})
	}
	// A leap year's 366 days is the longest period.
	if _, err := f.svc.Summary(ctx, "2028-01-01", "2028-12-31"); err != nil {
		t.Fatal(err)
	}
}
