package sales

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"mypos"
	"mypos/protocol"
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
	var in []upload
	for i, at := range []string{
		"2026-03-07T10:00:00+03:00", "2026-03-07T11:00:00+03:00", "2026-03-07T23:59:59+03:00",
		"2026-03-08T01:30:00+10:00", "2026-03-08T12:00:00+03:00", "2026-03-08T13:00:00+03:00",
	} {
		st := []string{storeA, storeB, ""}[i%3]
		cashier := []string{cashierA, cashierB}[i%2]
		in = append(in, incoming(companyID, dev, st, salestest.Sale(salestest.At(at), cashier, 5990, int64(1000+i*333), 12345)))
		in = append(in, incoming(companyID, dev, st, salestest.Sale(salestest.At(at).Add(time.Minute), cashier, int64(777*(i+1)))))
	}
	outside := incoming(companyID, dev, storeA, salestest.Sale(salestest.At("2026-03-09T00:00:01+03:00"), cashierA, 100))
	other := incoming(mypos.NewID(), mypos.NewID(), storeA, salestest.Sale(salestest.At("2026-03-08T12:00:00+03:00"), cashierA, 100))
	f.store(append(in, outside, other)...)

	got, err := f.svc.Summary(ctx, "2026-03-07", "2026-03-08")
	if err != nil {
		t.Fatal(err)
	}
	var rows []string
	var total Sums
	for _, r := range got.Items {
		rows = append(rows, rowText(r))
		if err := total.add(r.Sums); err != nil {
			t.Fatal(err)
		}
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
func expectedSummary(in []upload) []string {
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
		if err := r.add(Sums{Receipts: 1, Total: tot.Total, Discount: tot.Discount, VAT: tot.VAT}); err != nil {
			panic(err)
		}
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

// A summary sums receipts at the limits exactly: twelve of the largest a
// till may sell — each past 2^32 kopecks, so both parts of the split sums
// count — on one cashier's day, beside smaller ones.
func TestSummaryAtTheLimits(t *testing.T) {
	f := newFixture(t, IngestOptions{})
	companyID, ctx := company()
	dev := mypos.NewID()
	at := salestest.At("2026-03-08T12:00:00+03:00")
	var in []upload
	for range 12 {
		in = append(in, incoming(companyID, dev, "", salestest.Seller{CashierID: cashierA}.AtLimit(at)))
	}
	small := salestest.Sale(at, cashierB, 5990, 12000)
	f.store(append(in, incoming(companyID, dev, "", small))...)

	got, err := f.svc.Summary(ctx, "2026-03-08", "2026-03-08")
	if err != nil {
		t.Fatal(err)
	}
	largest := salestest.Totals(in[0].Sale)
	want := Sums{Receipts: 12, Total: 12 * protocol.MaxReceiptAmount, VAT: 12 * largest.VAT}
	if len(got.Items) != 2 || got.Items[0].CashierID != cashierA || got.Items[0].Sums != want {
		t.Fatalf("rows %+v, want %s's first with %+v", got.Items, cashierA, want)
	}
	tot := salestest.Totals(small)
	if err := want.add(Sums{Receipts: 1, Total: tot.Total, Discount: tot.Discount, VAT: tot.VAT}); err != nil {
		t.Fatal(err)
	}
	if got.Totals != want {
		t.Fatalf("totals %+v, want %+v", got.Totals, want)
	}
}

// Whatever is stored, a summary answers: receipts an older version let in
// beyond today's limits sum exactly up to int64, and past it — in one row,
// or only across rows — the summary is refused with ErrSumTooLarge, never
// an overflow in SQL (SQLite's "integer overflow", Postgres's "bigint out
// of range": a 500).
func TestSummaryBeyondInt64(t *testing.T) {
	f := newFixture(t, IngestOptions{})
	companyID, ctx := company()
	day := func(d int) string { return fmt.Sprintf("2026-03-%02d", d) }
	at := func(d int) time.Time { return salestest.At(day(d) + "T12:00:00+03:00") }
	f.storeLegacy(companyID, at(1), cashierA, math.MaxInt64-1e10, 1e10) // exactly int64's largest
	f.storeLegacy(companyID, at(2), cashierA, math.MaxInt64, 1)         // a kopeck past it, in one row
	f.storeLegacy(companyID, at(3), cashierA, 1<<62)                    // past it across two rows
	f.storeLegacy(companyID, at(3), cashierB, 1<<62)

	got, err := f.svc.Summary(ctx, day(1), day(1))
	if err != nil || got.Totals.Total != math.MaxInt64 || got.Items[0].Total != math.MaxInt64 {
		t.Fatalf("int64's largest: %+v, %v", got, err)
	}
	for _, d := range []int{2, 3} {
		_, err := f.svc.Summary(ctx, day(d), day(d))
		if !errors.Is(err, ErrSumTooLarge) {
			t.Fatalf("day %d: %v, want ErrSumTooLarge", d, err)
		}
		wantCode(t, err, mypos.EINVALID, "to")
	}
	if rows, _, err := f.svc.List(ctx, Filter{From: day(2), To: day(2)}); err != nil || len(rows) != 2 {
		t.Fatalf("the list still shows the receipts: %+v, %v", rows, err)
	}
}

// storeLegacy writes receipts of the given totals as a version before the
// limits could have: prepare's checks are bypassed, the table's kept.
func (f *fixture) storeLegacy(companyID string, at time.Time, cashierID string, totals ...int64) {
	f.t.Helper()
	dev := mypos.NewID()
	err := f.db.InTx(context.Background(), func(ctx context.Context) error {
		for _, total := range totals {
			r, err := prepare(incoming(companyID, dev, "", salestest.Sale(at, cashierID, 100)), testNow)
			if err != nil {
				return err
			}
			r.Total, r.Discount, r.VAT, r.ReceivedAt = total, 0, 0, testNow
			if _, err := f.svc.insert(ctx, []*row{r}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		f.t.Fatal(err)
	}
}
