package backoffice_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"mypos/backoffice"
	"mypos/changelog"
)

// ean13 completes 12 digits with their EAN-13 check digit.
func ean13(first12 string) string {
	sum := 0
	for i := 0; i < 12; i++ {
		d := int(first12[i] - '0')
		if i%2 == 1 {
			d *= 3
		}
		sum += d
	}
	return first12 + fmt.Sprint((10-sum%10)%10)
}

// eanN is the n-th of a run of valid, distinct EAN-13 barcodes.
func eanN(n int) string { return ean13(fmt.Sprintf("46%010d", n)) }

func (f *fixture) goods(t testing.TB, ctx context.Context, code, name string, barcodes ...string) *backoffice.Goods {
	t.Helper()
	g, err := f.office.CreateGoods(ctx, backoffice.GoodsInput{Code: code, Name: name, Barcodes: barcodes,
		Price: ptr(int64(19990)), Unit: "piece", VAT: "22"})
	if err != nil {
		t.Fatalf("create goods %s: %v", code, err)
	}
	return g
}

func (f *fixture) group(t testing.TB, ctx context.Context, name string, parent *string) *backoffice.Group {
	t.Helper()
	g, err := f.office.CreateGroup(ctx, backoffice.GroupInput{Name: name, ParentID: parent})
	if err != nil {
		t.Fatalf("create group %s: %v", name, err)
	}
	return g
}

// snapshot reads a device's whole snapshot, page by page, keyed kind/entity.
func (f *fixture) snapshot(t testing.TB, ctx context.Context, v changelog.View) map[string]string {
	t.Helper()
	out := map[string]string{}
	cursor := ""
	for {
		page, err := f.changes.Snapshot(context.Background(), companyID(ctx), v, cursor, 7)
		if err != nil {
			t.Fatal(err)
		}
		for _, it := range page.Items {
			out[it.Kind+"/"+it.Entity] = string(it.Body)
		}
		if page.Next == "" {
			return out
		}
		cursor = page.Next
	}
}

// catalogCSV is a valid import file of n goods, code G<i>, in two groups.
func catalogCSV(n int) string {
	var b strings.Builder
	b.WriteString("code,name,barcode,price,unit,vat,group\n")
	for i := 0; i < n; i++ {
		unit, group := "piece", "Бакалея"
		if i%2 == 1 {
			unit, group = "weight", "Молочные продукты/Молоко"
		}
		fmt.Fprintf(&b, "G%d,Молоко %d,%s,%d.%02d,%s,%s,%s\n", i, i, eanN(i), 10+i%900, i%100, unit, []string{"none", "0", "10", "20", "22"}[i%5], group)
	}
	return b.String()
}

// wantJSON compares JSON by value: Postgres's jsonb reorders keys.
func wantJSON(t testing.TB, got []byte, want string) {
	t.Helper()
	var g, w any
	if err := json.Unmarshal(got, &g); err != nil {
		t.Fatalf("%s: %v", got, err)
	}
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		t.Fatalf("want %s: %v", want, err)
	}
	if mustJSON(g) != mustJSON(w) {
		t.Fatalf("JSON %s\nwant %s", got, want)
	}
}
