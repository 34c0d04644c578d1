package backoffice_test

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"mypos"
	"mypos/backoffice"
	"mypos/changelog"
	"mypos/db"
)

// 10,000 goods load in one call: every row a goods with its barcode and
// group, every goods a change for the devices, in one transaction.
func TestImport10000Rows(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := f.company(t, "shop@shop.test")
	start := time.Now()
	res, err := f.office.ImportGoods(ctx, strings.NewReader(catalogCSV(10_000)))
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("10,000 rows imported in %v", time.Since(start))
	if *res != (backoffice.ImportResult{Rows: 10_000, Created: 10_000, GroupsCreated: 3}) {
		t.Fatalf("result %+v", res)
	}
	if n, b := f.count(t, "goods"), f.count(t, "goods_barcodes"); n != 10_000 || b != 10_000 {
		t.Fatalf("%d goods, %d barcodes", n, b)
	}
	if head := f.head(t, ctx); head != 10_003 {
		t.Fatalf("head %d, want a revision per goods and group", head)
	}
	items, _, err := f.office.ListGoods(ctx, db.ListParams{Query: eanN(9_999)})
	if err != nil || len(items) != 1 || items[0].Code != "G9999" || items[0].Price != 109_99 || items[0].Unit != "weight" || items[0].VAT != "22" {
		t.Fatalf("the last row: %+v, %v", items, err)
	}
	milk, _, err := f.office.ListGroups(ctx, db.ListParams{Query: "молоко"})
	if err != nil || len(milk) != 1 || *items[0].GroupID != milk[0].ID || milk[0].ParentID == nil {
		t.Fatalf("the last row's group %+v, groups %+v, %v", items[0].GroupID, milk, err)
	}
}

// A file with one bad row writes nothing — no goods, no group, no
// revision — and the report names the row and the column.
func TestImportOneBadRowWritesNothing(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := f.company(t, "shop@shop.test")
	lines := strings.Split(catalogCSV(50), "\n")
	lines[38] = "G37,Молоко 37,4600051000057,12.345,piece,22,Бакалея" // row 39 of the file: three decimals
	_, err := f.office.ImportGoods(ctx, strings.NewReader(strings.Join(lines, "\n")))
	var bad *backoffice.ImportError
	if !errors.As(err, &bad) || bad.Total != 1 || bad.Rows[0].Row != 39 || bad.Rows[0].Field != "price" {
		t.Fatalf("err %v (%+v), want row 39 price", err, bad)
	}
	wantCode(t, err, mypos.EINVALID, "price")
	if !strings.Contains(mypos.ErrorMessage(err), "Row 39") {
		t.Fatalf("message %q does not name the row", mypos.ErrorMessage(err))
	}
	if f.count(t, "goods") != 0 || f.count(t, "goods_groups") != 0 || f.head(t, ctx) != 0 {
		t.Fatal("a refused file wrote")
	}
}

// Every problem of a file is reported with its row and column; nothing is
// written while any remains.
func TestImportReport(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := f.company(t, "shop@shop.test")
	f.goods(t, ctx, "OUT", "Чужой штрихкод", eanN(900))
	const header = "code,name,barcode,price,unit,vat,group\n"
	tests := []struct {
		name, file string
		want       []backoffice.RowError // Message left out: only row and field compared
	}{
		{"Empty", "", []backoffice.RowError{{Row: 1}}},
		{"HeaderOnly", header, []backoffice.RowError{{Row: 1}}},
		{"UnknownColumn", "code,name,barcode,price,unit,vat,group,colour\nA,B,,1,piece,none,,red\n", []backoffice.RowError{{Row: 1, Field: "colour"}}},
		{"MissingColumn", "code,name,barcode,price,unit,vat\nA,B,,1,piece,none\n", []backoffice.RowError{{Row: 1, Field: "group"}}},
		{"RepeatedColumn", "code,name,barcode,price,unit,vat,group,code\n", []backoffice.RowError{{Row: 1, Field: "code"}}},
		{"EveryField", header + "A,Хлеб,,1,piece,none,\n ,,4600051000058,-1,kg,18,/Хлеб\n",
			[]backoffice.RowError{{Row: 3, Field: "code"}, {Row: 3, Field: "name"}, {Row: 3, Field: "barcode"},
				{Row: 3, Field: "price"}, {Row: 3, Field: "unit"}, {Row: 3, Field: "vat"}, {Row: 3, Field: "group"}}},
		{"RepeatedCode", header + "A,Хлеб,,1,piece,none,\nB,Сыр,,1,piece,none,\nA,Батон,,1,piece,none,\n", []backoffice.RowError{{Row: 4, Field: "code"}}},
		{"RepeatedBarcode", header + "A,Хлеб," + eanN(1) + ",1,piece,none,\nB,Сыр," + eanN(2) + " " + eanN(1) + ",1,piece,none,\n", []backoffice.RowError{{Row: 3, Field: "barcode"}}},
		{"BarcodeOfAnotherGoods", header + "A,Хлеб,,1,piece,none,\nB,Сыр," + eanN(900) + ",1,piece,none,\n", []backoffice.RowError{{Row: 3, Field: "barcode"}}},
		{"FieldCount", header + "A,Хлеб,,1,piece,none\n", []backoffice.RowError{{Row: 2}}},
		{"BadQuote", header + "A,\"Хлеб,,1,piece,none,\n", []backoffice.RowError{{Row: 2}}},
		{"TooDeep", header + "A,Хлеб,,1,piece,none," + strings.Repeat("Г/", 16) + "Г\n", []backoffice.RowError{{Row: 2, Field: "group"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := f.office.ImportGoods(ctx, strings.NewReader(tt.file))
			var bad *backoffice.ImportError
			if !errors.As(err, &bad) {
				t.Fatalf("err %v, want an import report", err)
			}
			var got []backoffice.RowError
			for _, r := range bad.Rows {
				if r.Message == "" {
					t.Fatalf("row %d, %s: no message", r.Row, r.Field)
				}
				got = append(got, backoffice.RowError{Row: r.Row, Field: r.Field})
			}
			if !slices.Equal(got, tt.want) || bad.Total != len(tt.want) {
				t.Fatalf("report %+v, want %+v", bad.Rows, tt.want)
			}
		})
	}
	if f.count(t, "goods") != 1 || f.count(t, "goods_groups") != 0 {
		t.Fatal("refused files wrote")
	}
	// A report keeps the first 100 problems and counts them all.
	var b strings.Builder
	b.WriteString(header)
	for i := 0; i < 150; i++ {
		fmt.Fprintf(&b, "C%d,Хлеб,,free,piece,none,\n", i)
	}
	_, err := f.office.ImportGoods(ctx, strings.NewReader(b.String()))
	var bad *backoffice.ImportError
	if !errors.As(err, &bad) || len(bad.Rows) != 100 || bad.Total != 150 {
		t.Fatalf("a long report: %v", err)
	}
}

// A row updates the live goods with its code: the file's fields replace
// the goods' (its barcodes too), its active flag stays, and a second
// import of the same file changes nothing and costs no revision. A
// spreadsheet's file — a byte-order mark, semicolons, decimal commas,
// Russian units — reads the same.
func TestImportUpdatesByCode(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := f.company(t, "shop@shop.test")
	old, err := f.office.CreateGoods(ctx, backoffice.GoodsInput{Code: "A-1", Name: "Хлеб", Barcodes: []string{eanN(1), eanN(2)},
		Price: ptr(int64(4000)), Unit: "piece", VAT: "10", Active: ptr(false)})
	if err != nil {
		t.Fatal(err)
	}
	moving := f.goods(t, ctx, "B-1", "Батон", eanN(3))
	file := "\xef\xbb\xbfCode;Name;Barcode;Price;Unit;VAT;Group\r\n" +
		"A-1;Хлеб бородинский;" + eanN(2) + " " + eanN(3) + ";45,5;шт;10%;Хлеб / Ржаной\r\n" +
		"B-1;Батон;;40;шт;без НДС;\r\n" +
		";;;;;;\r\n" +
		"C-1;\"Сыр; «Российский»\";;899,9;кг;22;Хлеб\r\n"
	head := f.head(t, ctx)
	res, err := f.office.ImportGoods(ctx, strings.NewReader(file))
	if err != nil {
		t.Fatal(err)
	}
	if *res != (backoffice.ImportResult{Rows: 3, Created: 1, Updated: 2, GroupsCreated: 2}) {
		t.Fatalf("result %+v", res)
	}
	got, _ := f.office.GetGoods(ctx, old.ID)
	if got.Name != "Хлеб бородинский" || got.Price != 4550 || got.Active || !slices.Equal(got.Barcodes, sorted(eanN(2), eanN(3))) || got.GroupID == nil {
		t.Fatalf("updated %+v", got)
	}
	if got, _ := f.office.GetGoods(ctx, moving.ID); len(got.Barcodes) != 0 || got.VAT != "none" {
		t.Fatalf("the goods whose barcode moved: %+v", got)
	}
	cheese, _, _ := f.office.ListGoods(ctx, db.ListParams{Query: "C-1"})
	if len(cheese) != 1 || cheese[0].Name != "Сыр; «Российский»" || cheese[0].Price != 89990 || cheese[0].Unit != "weight" {
		t.Fatalf("created %+v", cheese)
	}
	cs := f.changesSince(t, ctx, head)
	if len(cs) != 5 || cs[0].Kind != "goods_group" || cs[4].Kind != "goods" || !cs[4].Scope.Equal(changelog.Company()) {
		t.Fatalf("changes %+v", cs)
	}

	head = f.head(t, ctx)
	res, err = f.office.ImportGoods(ctx, strings.NewReader(file))
	if err != nil || *res != (backoffice.ImportResult{Rows: 3, Unchanged: 3}) || f.head(t, ctx) != head {
		t.Fatalf("the same file again: %+v, %v; head %d → %d", res, err, head, f.head(t, ctx))
	}
}
