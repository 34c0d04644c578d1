package backoffice

import (
	"bytes"
	"os"
	"testing"

	"mypos/protocol"
)

// Whatever the bytes, an import file is rows whose names, codes and groups
// follow the text rule, or a report whose every problem names its row —
// never a panic.
func FuzzParseImport(f *testing.F) {
	cp1251, err := os.ReadFile("testdata/price-cp1251.csv")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(cp1251)
	f.Add([]byte("\xef\xbb\xbfcode,name,barcode,price,unit,vat,group\nM-1,Молоко,4600051000057,89.90,piece,10,Молочные/Молоко\n"))
	f.Add([]byte("\xff\xfec\x00o\x00d\x00e\x00\t\x00n\x00"))
	f.Fuzz(func(t *testing.T, file []byte) {
		rows, bad := parseImport(bytes.NewReader(file))
		for _, r := range bad.Rows {
			if r.Row < 1 || r.Message == "" {
				t.Fatalf("%q: a problem without its row or message: %+v", file, r)
			}
		}
		if bad.Total > 0 {
			return
		}
		for _, r := range rows {
			texts := append([]string{r.code, r.name}, r.group...)
			for _, s := range texts {
				if clean, err := protocol.CheckText(s, 1, maxGoodsName); err != nil || clean != s {
					t.Fatalf("%q: row %d holds %q, which the text rule refuses: %v", file, r.row, s, err)
				}
			}
		}
	})
}
