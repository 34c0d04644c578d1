package backoffice_test

import (
	"bytes"
	"encoding/csv"
	"errors"
	"math/rand/v2"
	"os"
	"slices"
	"strings"
	"testing"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"

	"mypos/backoffice"
	"mypos/db"
)

// priceRows is a Russian price list: typography, Ё, a decimal comma, a
// Latin look-alike typed by mistake ("Mолоко" with a Latin M).
var priceRows = [][]string{
	{"code", "name", "barcode", "price", "unit", "vat", "group"},
	{"1001", "Молоко «Простоквашино» 3,2% 1 л", "4600051000057", "89,90", "шт", "10%", "Молочные продукты/Молоко"},
	{"1002", "Хлеб Бородинский нарезной — 300 г", "", "45.50", "шт", "10%", "Хлеб"},
	{"1003", "Сыр Российский №1", "", "899", "кг", "20", "Молочные продукты/Сыры"},
	{"1004", "Ёлкинские яблоки Семеренко", "", "129.90", "кг", "без НДС", "Фрукты"},
	{"1005", "Mолоко топлёное 4%", "", "99", "шт", "10", "Молочные продукты/Молоко"},
}

// priceList is the price list as a spreadsheet saves it, with sep between
// fields and CRLF after each row.
func priceList(sep rune) string {
	var b strings.Builder
	w := csv.NewWriter(&b)
	w.Comma, w.UseCRLF = sep, true
	w.WriteAll(priceRows)
	return b.String()
}

// encode is text in an encoding, as x/text writes it.
func encode(t *testing.T, enc encoding.Encoding, text string) []byte {
	t.Helper()
	b, err := enc.NewEncoder().Bytes([]byte(text))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// A price list imports the same from every encoding a spreadsheet saves:
// UTF-8 with or without a byte-order mark, Windows-1251 (Russian Excel's
// "CSV") in any case and however short, UTF-16 with its mark —
// little-endian and tab-separated as Excel's "Unicode text", or
// big-endian. Before, Windows-1251 imported as U+FFFD.
func TestImportEncodings(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	cp1251File, err := os.ReadFile("testdata/price-cp1251.csv") // saved by another encoder: Python's cp1251
	if err != nil {
		t.Fatal(err)
	}
	upper := strings.ToUpper(priceList(';')) // as 1C exports names
	oneRow := "code;name;barcode;price;unit;vat;group\r\n1;Хлеб;;45;шт;10;\r\n"
	for _, tt := range []struct {
		name string
		file []byte
		want string // the file in UTF-8
	}{
		{"UTF-8", []byte(priceList(',')), priceList(',')},
		{"UTF-8 with a mark", append([]byte("\xef\xbb\xbf"), priceList(',')...), priceList(',')},
		{"Windows-1251", encode(t, charmap.Windows1251, priceList(';')), priceList(';')},
		{"Windows-1251 in capitals", encode(t, charmap.Windows1251, upper), upper},
		{"Windows-1251 one row", encode(t, charmap.Windows1251, oneRow), oneRow},
		{"Windows-1251 saved by Python", cp1251File, cp1251Testdata},
		{"UTF-16LE tabs", encode(t, unicode.UTF16(unicode.LittleEndian, unicode.UseBOM), priceList('\t')), priceList('\t')},
		{"UTF-16BE", encode(t, unicode.UTF16(unicode.BigEndian, unicode.UseBOM), priceList(',')), priceList(',')},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ctx := f.company(t, strings.ReplaceAll(tt.name, " ", "-")+"@shop.test")
			if _, err := f.office.ImportGoods(ctx, bytes.NewReader(tt.file)); err != nil {
				t.Fatal(err)
			}
			want := namesOf(t, tt.want)
			goods, _, err := f.office.ListGoods(ctx, db.ListParams{})
			if err != nil || len(goods) != len(want) {
				t.Fatalf("%d goods, %v; want %d", len(goods), err, len(want))
			}
			for _, g := range goods {
				if want[g.Code] != g.Name {
					t.Errorf("goods %s is %q, want %q", g.Code, g.Name, want[g.Code])
				}
			}
		})
	}
}

// cp1251Testdata is testdata/price-cp1251.csv in UTF-8.
const cp1251Testdata = "code;name;barcode;price;unit;vat;group\r\n" +
	"1001;Молоко «Простоквашино» 3,2% 1 л;4600051000057;89,90;шт;10%;Молочные продукты/Молоко\r\n" +
	"1002;Хлеб Бородинский нарезной — 300 г;;45,50;шт;10%;Хлеб\r\n" +
	"1003;Сыр Российский №1;;899,00;кг;20;Молочные продукты/Сыры\r\n" +
	"1004;Яблоки Семеренко, Ёлкино;;129,90;кг;без НДС;Фрукты\r\n"

// namesOf reads the names of a CSV file (its separator follows "code") by code.
func namesOf(t *testing.T, file string) map[string]string {
	t.Helper()
	r := csv.NewReader(strings.NewReader(file))
	r.Comma = rune(file[len("code")])
	rows, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]string{}
	for _, row := range rows[1:] {
		names[row[0]] = row[1]
	}
	return names
}

// plain spells the typography KOI8-R lacks in ASCII.
var plain = strings.NewReplacer("«", "<", "»", ">", "—", "-", "№", "N")

// koi8 makes the price list one that only the letters' frequency tells
// from Windows-1251: KOI8-R's ё reads as Ј in Windows-1251, and a Latin
// letter in a word, which gives it away alone.
var koi8 = strings.NewReplacer("«", "<", "»", ">", "—", "-", "№", "N", "ё", "е", "Ё", "Е", "Mолоко", "Молоко")

// A file in any other encoding is refused, naming the first row that is
// not text in what it was taken for, and nothing is written: never a
// catalog of U+FFFD or of another encoding's letters.
func TestImportRefusesOtherEncodings(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := f.company(t, "shop@shop.test")
	western := "code,name,barcode,price,unit,vat,group\nA,Milch,,1,piece,none,\nB,Café au lait,,1,piece,none,\nC,Müller Milch,,1,piece,none,\n"
	garbage := make([]byte, 4096)
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range garbage {
		garbage[i] = byte(rng.Uint32())
	}
	utf16 := encode(t, unicode.UTF16(unicode.LittleEndian, unicode.UseBOM), priceList('\t'))
	lone := slices.Concat(utf16[:len(utf16)-4], []byte{0x00, 0xd8, '\r', 0}) // a lone surrogate ends row 6
	rows := strings.SplitAfter(priceList(','), "\n")
	mixed := slices.Concat([]byte("\xef\xbb\xbf"), []byte(strings.Join(rows[:3], "")), encode(t, charmap.Windows1251, strings.Join(rows[3:], "")))
	const notCP1251 = "nor Russian text in Windows-1251"
	for _, tt := range []struct {
		name string
		file []byte
		row  int
		says string
	}{
		{"KOI8-R", encode(t, charmap.KOI8R, plain.Replace(priceList(';'))), 2, notCP1251},
		{"KOI8-R, a short one", encode(t, charmap.KOI8R, "code;name;barcode;price;unit;vat;group\r\n1;Хлеб Бородинский;;45;шт;10;\r\n"), 2, notCP1251},
		{"KOI8-R in small letters", encode(t, charmap.KOI8R, strings.ToLower(koi8.Replace(priceList(';')))), 2, notCP1251},
		{"CP866", encode(t, charmap.CodePage866, plain.Replace(priceList(';'))), 2, notCP1251},
		{"Mac Cyrillic", encode(t, charmap.MacintoshCyrillic, plain.Replace(priceList(';'))), 2, notCP1251},
		{"Latin-1", encode(t, charmap.ISO8859_1, western), 3, notCP1251},
		{"Windows-1252", encode(t, charmap.Windows1252, western), 3, notCP1251},
		{"garbage", garbage, 1, notCP1251},
		{"an Excel workbook", append([]byte("PK\x03\x04\x14\x00\x06\x00"), garbage...), 1, "Excel workbook"},
		{"UTF-16 without its mark", encode(t, unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM), priceList('\t')), 1, "NUL"},
		{"UTF-8 marked, a Windows-1251 row", mixed, 4, "marked as UTF-8"},
		{"UTF-16 with a lone surrogate", lone, 6, "marked as UTF-16"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := f.office.ImportGoods(ctx, bytes.NewReader(tt.file))
			var bad *backoffice.ImportError
			if !errors.As(err, &bad) || bad.Total != 1 || bad.Rows[0].Row != tt.row || !strings.Contains(bad.Rows[0].Message, tt.says) {
				t.Fatalf("err %v, want row %d refused saying %q", err, tt.row, tt.says)
			}
		})
	}
	if n := f.count(t, "goods"); n != 0 {
		t.Fatalf("refused files wrote %d goods", n)
	}
}
