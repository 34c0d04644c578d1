package backoffice_test

import (
	"context"
	"fmt"
	"runtime"
	"strings"
	"testing"

	"mypos/backoffice"
	"mypos/changelog"
	"mypos/db"
)

// Benchmarks run only with -bench; they use the database dbtest picks
// (SQLite, or Postgres with MYPOS_TEST_DATABASE_URL), e.g.
//
//	go test -run '^$' -bench . -benchmem -benchtime 1x ./backoffice/

const benchRows = 100_000

// BenchmarkImport100k imports a 100,000-goods catalog into a new company
// per iteration, in one transaction.
func BenchmarkImport100k(b *testing.B) {
	f := newFixture(b)
	file := catalogCSV(benchRows)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		ctx := f.company(b, fmt.Sprintf("bench%d@shop.test", i))
		b.StartTimer()
		res, err := f.office.ImportGoods(ctx, strings.NewReader(file))
		if err != nil || res.Created != benchRows {
			b.Fatalf("import: %+v, %v", res, err)
		}
	}
	b.ReportMetric(float64(benchRows*b.N)/b.Elapsed().Seconds(), "rows/s")
}

// BenchmarkSnapshot reads the whole snapshot of one device of a company
// with 10,000 and with 100,000 goods (goods, groups, and its store's prices
// beside another store's), page by page as a sync reply does. max-live-B
// is the most heap in use above the start, sampled every 20 pages: it
// stays at a few pages' worth whatever the catalog's size, while B/op
// (everything allocated and freed on the way) grows with it.
func BenchmarkSnapshot(b *testing.B) {
	for _, rows := range []int{10_000, benchRows} {
		b.Run(fmt.Sprintf("goods=%d", rows), func(b *testing.B) { benchSnapshot(b, rows) })
	}
}

func benchSnapshot(b *testing.B, rows int) {
	f := newFixture(b)
	ctx := f.company(b, "bench@shop.test")
	if _, err := f.office.ImportGoods(ctx, strings.NewReader(catalogCSV(rows))); err != nil {
		b.Fatal(err)
	}
	view := f.benchPrices(b, ctx)
	const pageSize = 500
	b.ReportAllocs()
	b.ResetTimer()
	var items int
	var maxLive uint64
	for i := 0; i < b.N; i++ {
		n, live := readSnapshot(b, f, ctx, view, pageSize)
		items, maxLive = items+n, max(maxLive, live)
	}
	b.ReportMetric(float64(items)/b.Elapsed().Seconds(), "rows/s")
	b.ReportMetric(float64(items/b.N), "rows/op")
	b.ReportMetric(float64(maxLive), "max-live-B")
}

// readSnapshot pages through a device's snapshot, keeping nothing, and
// returns the items read and the most live heap above the start.
func readSnapshot(b *testing.B, f *fixture, ctx context.Context, v changelog.View, pageSize int) (int, uint64) {
	var ms runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&ms)
	base, maxLive := ms.HeapAlloc, uint64(0)
	n, cursor := 0, ""
	for pages := 0; ; pages++ {
		page, err := f.changes.Snapshot(context.Background(), companyID(ctx), v, cursor, pageSize)
		if err != nil {
			b.Fatal(err)
		}
		n += len(page.Items)
		if pages%20 == 0 { // sampling stops the world: not on every page
			b.StopTimer()
			runtime.ReadMemStats(&ms)
			if ms.HeapAlloc > base && ms.HeapAlloc-base > maxLive {
				maxLive = ms.HeapAlloc - base
			}
			b.StartTimer()
		}
		if page.Next == "" {
			return n, maxLive
		}
		cursor = page.Next
	}
}

// benchPrices gives 1,000 goods a price in each of two stores and returns
// the view of a device in the first.
func (f *fixture) benchPrices(b *testing.B, ctx context.Context) changelog.View {
	a, other := f.store(b, ctx, "A"), f.store(b, ctx, "B")
	d := f.placed(b, ctx, &a.ID)
	goods, _, err := f.office.ListGoods(ctx, db.ListParams{Limit: 500})
	if err != nil {
		b.Fatal(err)
	}
	for _, g := range goods {
		for _, st := range []string{a.ID, other.ID} {
			if _, err := f.office.SetStorePrice(ctx, st, backoffice.StorePriceInput{GoodsID: g.ID, Price: ptr(int64(100))}); err != nil {
				b.Fatal(err)
			}
		}
	}
	return changelog.View{DeviceID: d, StoreID: a.ID}
}
