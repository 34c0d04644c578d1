package backoffice_test

import (
	"context"
	"strings"
	"testing"

	"mypos/db"
)

// BenchmarkListGoods100k lists and searches a 100,000-goods catalog as the
// cabinet's goods page does (a page of 50): the first and a deep page, a
// group, and searches by a name that many goods share, by a name only one
// has or none has (a scan of every name), by code and by barcode.
//
//	go test -run '^$' -bench ListGoods -benchtime 20x ./backoffice/
func BenchmarkListGoods100k(b *testing.B) {
	f := newFixture(b)
	ctx := f.company(b, "bench@shop.test")
	if _, err := f.office.ImportGoods(ctx, strings.NewReader(catalogCSV(benchRows))); err != nil {
		b.Fatal(err)
	}
	all, _, err := f.office.ListGoods(ctx, db.ListParams{Limit: 1})
	if err != nil {
		b.Fatal(err)
	}
	deep := deepCursor(b, f)
	groups, _, _ := f.office.ListGroups(ctx, db.ListParams{Query: "Молоко"})
	for _, c := range []struct {
		name   string
		groups []string
		p      db.ListParams
		found  bool
	}{
		{"first-page", nil, db.ListParams{}, true},
		{"deep-page", nil, db.ListParams{Cursor: deep}, true},
		{"group", []string{groups[0].ID}, db.ListParams{}, true},
		{"name-common", nil, db.ListParams{Query: "молоко 5"}, true},
		{"name-one", nil, db.ListParams{Query: "Молоко 99999"}, true},
		{"name-none", nil, db.ListParams{Query: "кефир"}, false},
		{"code", nil, db.ListParams{Query: "G77777"}, true},
		{"barcode", nil, db.ListParams{Query: all[0].Barcodes[0]}, true},
	} {
		c.p.Limit = 50
		b.Run(c.name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				gs, _, err := f.office.ListGoodsIn(ctx, c.groups, c.p)
				if err != nil || (len(gs) > 0) != c.found {
					b.Fatalf("%d goods, %v", len(gs), err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N)/1000, "ms/op")
		})
	}
}

// deepCursor is the cursor of the last page but one of the catalog.
func deepCursor(b *testing.B, f *fixture) string {
	b.Helper()
	var id string
	err := f.db.Conn(context.Background()).Raw("SELECT id FROM goods ORDER BY id DESC LIMIT 1 OFFSET 100").Scan(&id).Error
	if err != nil {
		b.Fatal(err)
	}
	return id
}
