package sales

import (
	"slices"
	"testing"

	"mypos"
	"mypos/sales/salestest"
)

// A day's list holds the receipts of that local day whatever the till's
// offset — the first minute in Kiribati (+14:00) and the last on Baker
// Island (−12:00), 38 hours apart in UTC — on the first page and past it,
// and none of the days around it.
func TestListDayAtFarOffsets(t *testing.T) {
	f := newFixture(t, IngestOptions{})
	companyID, ctx := company()
	dev := mypos.NewID()
	east := incoming(companyID, dev, "", salestest.Sale(salestest.At("2026-03-07T00:00:30+14:00"), cashierA, 100))
	west := incoming(companyID, dev, "", salestest.Sale(salestest.At("2026-03-07T23:59:00-12:00"), cashierA, 200))
	before := incoming(companyID, dev, "", salestest.Sale(salestest.At("2026-03-06T23:59:00-12:00"), cashierA, 300))
	after := incoming(companyID, dev, "", salestest.Sale(salestest.At("2026-03-08T00:00:30+14:00"), cashierA, 400))
	f.store(east, west, before, after)

	want := []string{west.Sale.ID, east.Sale.ID}
	for _, limit := range []int{1, 10} {
		if got := walk(t, f.svc, ctx, Filter{From: "2026-03-07", To: "2026-03-07", Limit: limit}); !slices.Equal(got, want) {
			t.Fatalf("limit %d: %v, want %v", limit, got, want)
		}
	}
}
