package cabinet

import (
	"encoding/json"
	"html"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"unicode"

	"golang.org/x/text/encoding/charmap"

	"mypos/backoffice"
	"mypos/i18n"
)

// importHeader is the import file's header row.
const importHeader = "code,name,barcode,price,unit,vat,group\n"

// badImports are files with every kind of problem an import reports, in
// Latin letters only, so an English report has no Cyrillic in it.
var badImports = []struct{ name, file string }{
	{"Empty", ""},
	{"HeaderOnly", importHeader},
	{"NoHeader", "co\"de,name\n"},
	{"Columns", "code,name,barcode,price,unit,vat,colour,code\n"},
	{"Rows", importHeader +
		"A,Bread,,1,piece,none,\n" +
		"A,Bun," + "4600051000057" + ",1,piece,none,\n" +
		"B,Buns," + "4600051000057" + ",1,piece,none\n" +
		"C,Rolls," + "4600051000057" + ",1,piece,none,\n" +
		" ,,4600051000058,-1,kg,18,/Bread\n" +
		"D,Deep,,1,piece,none," + strings.Repeat("G/", 16) + "G\n"},
	{"BareQuote", importHeader + "A,Br\"ead,,1,piece,none,\n"},
	{"OpenQuote", importHeader + "A,\"Bread,,1,piece,none,\n"},
	{"TakenBarcode", importHeader + "A,Bread,4006381333931,1,piece,none,\n"},
	{"Workbook", "PK\x03\x04\x14\x00\x06\x00"},
	{"UTF16WithoutMark", "c\x00o\x00d\x00e\x00\n\x00"},
	{"NotUTF8", importHeader + "A,Caf\xe9 au lait,,1,piece,none,\n"},
	{"MarkedUTF8", "\xef\xbb\xbf" + importHeader + "A,Caf\xe9,,1,piece,none,\n"},
	{"MarkedUTF16", "\xff\xfec\x00o\x00d\x00e\x00\n\x00\x00\xd8"},
}

// Every problem of an import's report is said in the page's language on
// the page, and in the client's (Accept-Language) in the API — each
// message, not only the summary — with the API's JSON as it was.
func TestImportReportLanguage(t *testing.T) {
	e := newShopEnv(t)
	e.goods(e.ctx, "OUT", "Other", 100, nil, "4006381333931")
	token := e.apiToken("shop@shop.test", "company-pass")
	koi8, _ := charmap.KOI8R.NewEncoder().String(importHeader + "A,Хлеб,,1,шт,none,\n")
	files := append(badImports, struct{ name, file string }{"KOI8", koi8})
	for _, f := range files {
		t.Run(f.name, func(t *testing.T) {
			en := e.apiReport(token, f.file, "en")
			if len(en) == 0 {
				t.Fatal("no rows reported")
			}
			ru := e.apiReport(token, f.file, "ru")
			e.b.get("/goods?lang=en")
			wantSaid(t, "page", en, e.pageReport(f.file, i18n.English))
			e.b.get("/goods?lang=ru")
			wantSaid(t, "page", ru, e.pageReport(f.file, i18n.Russian))
			for i := range en {
				if hasCyrillic(en[i].Message) || !hasCyrillic(ru[i].Message) || en[i].Row != ru[i].Row || en[i].Field != ru[i].Field {
					t.Errorf("row %d, %s: %q in English, %q in Russian", en[i].Row, en[i].Field, en[i].Message, ru[i].Message)
				}
			}
		})
	}
}

// apiToken logs in through the API.
func (e *shopEnv) apiToken(email, password string) string {
	e.t.Helper()
	req := httptestRequest(http.MethodPost, "/api/v1/auth/login", strings.NewReader(`{"email":"`+email+`","password":"`+password+`"}`))
	req.Header.Set("Content-Type", "application/json")
	var body struct{ Token string }
	if r := e.browser().do(req); json.Unmarshal([]byte(r.Body), &body) != nil || body.Token == "" {
		e.t.Fatalf("login: %d %s", r.StatusCode, r.Body)
	}
	return body.Token
}

// apiReport posts a file to the API's import and returns its rows, after
// checking the JSON has exactly the fields it always had.
func (e *shopEnv) apiReport(token, file, lang string) []backoffice.RowError {
	e.t.Helper()
	req := httptestRequest(http.MethodPost, "/api/v1/goods/import", strings.NewReader(file))
	req.Header.Set("Content-Type", "text/csv")
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Accept-Language", lang)
	r := e.browser().do(req)
	var body struct{ Errors []map[string]any }
	if r.StatusCode != http.StatusBadRequest || json.Unmarshal([]byte(r.Body), &body) != nil {
		e.t.Fatalf("%s: %d %s", lang, r.StatusCode, r.Body)
	}
	rows := make([]backoffice.RowError, len(body.Errors))
	for i, m := range body.Errors {
		row, _ := m["row"].(float64)
		field, _ := m["field"].(string)
		msg, _ := m["message"].(string)
		if len(m) != 3 || msg == "" {
			e.t.Fatalf("%s: a row is not {row, field, message}: %v", lang, m)
		}
		rows[i] = backoffice.RowError{Row: int(row), Field: field, Message: msg}
	}
	return rows
}

// pageReport uploads a file on the import page and reads its report.
func (e *shopEnv) pageReport(file, lang string) []backoffice.RowError {
	e.t.Helper()
	r := e.b.upload("/goods/import", "goods.csv", []byte(file))
	wantStatus(e.t, r, http.StatusBadRequest)
	l := i18n.For(lang)
	cell := func(label string) string {
		return `<td data-label="` + regexp.QuoteMeta(html.EscapeString(l.T(label))) + `"[^>]*>([^<]*)</td>`
	}
	re := regexp.MustCompile(cell("import.row") + `\s*` + cell("import.field") + `\s*` + cell("import.message"))
	var rows []backoffice.RowError
	for _, m := range re.FindAllStringSubmatch(r.Body, -1) {
		row := backoffice.RowError{Field: html.UnescapeString(m[2]), Message: html.UnescapeString(m[3])}
		json.Unmarshal([]byte(m[1]), &row.Row)
		rows = append(rows, row)
	}
	return rows
}

// wantSaid compares two reports of one file.
func wantSaid(t *testing.T, where string, want, got []backoffice.RowError) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d rows, want %d: %+v", where, len(got), len(want), got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("%s: %+v, want %+v", where, got[i], want[i])
		}
	}
}

func hasCyrillic(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Cyrillic, r) {
			return true
		}
	}
	return false
}
