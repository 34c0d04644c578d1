package backoffice

import (
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"strings"

	"mypos"
	"mypos/protocol"
)

// The import file (CSV in UTF-8, UTF-16 or Windows-1251: see importText)
// has a header row naming these columns, in any order, each once, and no
// others. Separators: a tab when the header has one (Excel's "Unicode
// text"), a semicolon when the header has semicolons and no commas (what
// a spreadsheet in the Russian locale saves), or a comma. Names, codes
// and group names follow the text rule (mypos.Text).
//
//   - code: the goods' code, the key of the import: a row updates the live
//     goods with its code, or creates one.
//   - name: the goods' name.
//   - barcode: none, or EAN-13/EAN-8 barcodes separated by spaces. They
//     replace the goods' barcodes.
//   - price: rubles, with at most two decimals after a point or a comma
//     ("199.90", "199,9", "199"); no signs, spaces or thousands separators.
//   - unit: "piece" or "weight" (also "шт", "кг").
//   - vat: "none" (also "без НДС"), or 0, 5, 7, 10, 20, 22, with or without "%".
//   - group: empty (no group), or a path of group names from the top,
//     separated by "/" ("Молочные продукты/Молоко"); missing groups are created.
var importColumns = []string{"code", "name", "barcode", "price", "unit", "vat", "group"}

// MaxImportRows bounds one import file's goods.
const MaxImportRows = 200_000

// importRow is a parsed, valid row.
type importRow struct {
	row        int
	code, name string
	barcodes   []string
	price      int64
	unit, vat  string
	group      []string // the path from the top; nil for no group
}

// parseImport reads and validates a whole file, reporting every problem.
func parseImport(r io.Reader) ([]importRow, *ImportError) {
	bad := &ImportError{}
	raw, err := io.ReadAll(io.LimitReader(r, MaxImportBytes+1))
	switch {
	case err != nil:
		bad.add(1, "", errInvalid("The file could not be read to its end: upload it again."))
	case len(raw) > MaxImportBytes:
		bad.add(1, "", errInvalid("A file has at most %d MB: split it.", MaxImportBytes>>20))
	}
	if bad.Total > 0 {
		return nil, bad
	}
	text := importText(raw, bad)
	if bad.Total > 0 {
		return nil, bad
	}
	if len(text) == 0 {
		bad.add(1, "", errInvalid("The file is empty: it needs a header row (%s) and a row per goods.", strings.Join(importColumns, ",")))
		return nil, bad
	}
	cr := newCSVReader(text)
	cols := readHeader(cr, bad)
	if bad.Total > 0 {
		return nil, bad
	}
	p := &rowParser{cols: cols, bad: bad, codes: map[string]int{}, barcodes: map[string]int{}}
	var rows []importRow
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		line := rowOf(cr, err)
		if err != nil && !errors.Is(err, csv.ErrFieldCount) {
			bad.add(line, "", csvProblem(err))
			return nil, bad // the reader cannot find the next row reliably
		}
		if len(rows) == MaxImportRows {
			bad.add(line, "", errInvalid("A file has at most %d goods: split it.", MaxImportRows))
			return nil, bad
		}
		if row, ok := p.parse(line, rec, err); ok {
			rows = append(rows, row)
		}
	}
	if len(rows) == 0 && bad.Total == 0 {
		bad.add(1, "", errInvalid("The file has a header but no goods."))
	}
	return rows, bad
}

// rowOf is the line a record starts on, or where the reader failed.
func rowOf(cr *csv.Reader, err error) int {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return pe.StartLine
	}
	if err != nil {
		return 0
	}
	line, _ := cr.FieldPos(0)
	return line
}

// csvProblem says why the CSV reader stopped: a quote out of place, in
// the words of a person fixing a spreadsheet rather than the reader's.
func csvProblem(err error) *mypos.Error {
	if errors.Is(err, csv.ErrBareQuote) {
		return errInvalid(`A field has a quote (") but does not start with one: put the field in quotes and double each quote inside it.`)
	}
	return errInvalid(`A field that starts with a quote (") does not end with one, or has a quote inside it not doubled ("").`)
}

// newCSVReader reads UTF-8 text, with the separator its header line uses.
func newCSVReader(text []byte) *csv.Reader {
	head := firstLine(text)
	cr := csv.NewReader(bytes.NewReader(text))
	switch {
	case bytes.ContainsRune(head, '\t'):
		cr.Comma = '\t'
	case bytes.ContainsRune(head, ';') && !bytes.ContainsRune(head, ','):
		cr.Comma = ';'
	}
	cr.ReuseRecord = true
	return cr
}

// readHeader maps each column to its index, or reports what is wrong.
func readHeader(cr *csv.Reader, bad *ImportError) map[string]int {
	rec, err := cr.Read()
	if err != nil {
		bad.add(1, "", errInvalid("The file has no header row (%s).", strings.Join(importColumns, ",")))
		return nil
	}
	cols := map[string]int{}
	for i, name := range rec {
		name = strings.ToLower(strings.TrimSpace(name))
		switch _, dup := cols[name]; {
		case !isImportColumn(name):
			bad.add(1, name, errInvalid("Unknown column %q: the columns are %s.", name, strings.Join(importColumns, ", ")))
		case dup:
			bad.add(1, name, errInvalid("The column %q appears twice.", name))
		}
		cols[name] = i
	}
	for _, want := range importColumns {
		if _, ok := cols[want]; !ok {
			bad.add(1, want, errInvalid("The header lacks the column %q.", want))
		}
	}
	return cols
}

func isImportColumn(name string) bool {
	for _, c := range importColumns {
		if c == name {
			return true
		}
	}
	return false
}

// rowParser validates rows, remembering codes and barcodes seen so a
// repeat within the file names the row it repeats.
type rowParser struct {
	cols     map[string]int
	bad      *ImportError
	codes    map[string]int
	barcodes map[string]int
}

// parse validates one record; fieldErr is the reader's complaint about
// its number of fields, if any. Blank rows are skipped.
func (p *rowParser) parse(line int, rec []string, fieldErr error) (importRow, bool) {
	if blank(rec) {
		return importRow{}, false
	}
	if fieldErr != nil {
		p.bad.add(line, "", errInvalid("The row has %d fields; the header has %d.", len(rec), len(p.cols)))
		return importRow{}, false
	}
	before := p.bad.Total
	cell := func(col string) string { return strings.TrimSpace(rec[p.cols[col]]) }
	row := importRow{row: line}
	var err error
	if row.code, err = validCode(cell("code")); err != nil {
		p.bad.addErr(line, "code", err)
	} else if first, dup := p.codes[row.code]; dup {
		p.bad.add(line, "code", errInvalid("The code %q is also on row %d.", row.code, first))
	} else {
		p.codes[row.code] = line
	}
	if row.name, err = mypos.Text("name", cell("name"), 1, maxGoodsName); err != nil {
		p.bad.addErr(line, "name", err)
	}
	row.barcodes = p.parseBarcodes(line, cell("barcode"))
	p.parseSale(&row, cell)
	return row, p.bad.Total == before
}

func blank(rec []string) bool {
	for _, f := range rec {
		if strings.TrimSpace(f) != "" {
			return false
		}
	}
	return true
}

func (p *rowParser) parseBarcodes(line int, cell string) []string {
	set, err := barcodeSet("barcode", strings.Fields(cell))
	if err != nil {
		p.bad.addErr(line, "barcode", err)
		return nil
	}
	for _, b := range set {
		if first, dup := p.barcodes[b]; dup {
			p.bad.add(line, "barcode", errInvalid("The barcode %s is also on row %d.", b, first))
		} else {
			p.barcodes[b] = line
		}
	}
	return set
}

// parseSale reads price, unit, VAT and group.
func (p *rowParser) parseSale(row *importRow, cell func(string) string) {
	var ok bool
	if row.price, ok = parseRubles(cell("price")); !ok {
		p.bad.add(row.row, "price", errInvalid("A price is rubles with at most two decimals, like 199.90, up to %d.", int64(protocol.MaxPrice/100)))
	}
	if row.unit, ok = importUnits[strings.ToLower(cell("unit"))]; !ok {
		p.bad.add(row.row, "unit", errInvalid("A unit is %q or %q.", protocol.UnitPiece, protocol.UnitWeight))
	}
	if row.vat, ok = importVAT(cell("vat")); !ok {
		p.bad.add(row.row, "vat", errInvalid("A VAT rate is none, 0, 5, 7, 10, 20 or 22."))
	}
	var err error
	if row.group, err = groupPath(cell("group")); err != nil {
		p.bad.addErr(row.row, "group", err)
	}
}

var importUnits = map[string]string{
	protocol.UnitPiece: protocol.UnitPiece, "шт": protocol.UnitPiece,
	protocol.UnitWeight: protocol.UnitWeight, "кг": protocol.UnitWeight,
}

func importVAT(s string) (string, bool) {
	s = strings.ToLower(strings.TrimSpace(strings.TrimSuffix(s, "%")))
	if s == "без ндс" {
		s = protocol.VATNone
	}
	return s, protocol.ValidVAT(s)
}

// parseRubles reads "199.90", "199,9" or "199" into kopecks, refusing
// anything else: signs, spaces, exponents, a third decimal.
func parseRubles(s string) (int64, bool) {
	whole, frac, hasFrac := strings.Cut(s, ".")
	if !hasFrac {
		whole, frac, hasFrac = strings.Cut(s, ",")
	}
	if !digits(whole) || len(whole) > 9 || hasFrac && (len(frac) > 2 || !digits(frac)) {
		return 0, false
	}
	frac = (frac + "00")[:2]
	var v int64
	for _, c := range whole + frac {
		v = v*10 + int64(c-'0')
	}
	return v, v <= protocol.MaxPrice
}

// groupPath splits a group path into its levels, each a valid group name.
func groupPath(s string) ([]string, error) {
	if s == "" {
		return nil, nil
	}
	levels := strings.Split(s, pathSep)
	if len(levels) > maxDepth {
		return nil, errInvalid("Groups nest at most %d levels deep.", maxDepth)
	}
	for i, l := range levels {
		name, err := protocol.CheckText(l, 1, maxName)
		if err != nil {
			return nil, errInvalid("Level %d of the group path (levels are separated by %q) %s.", i+1, pathSep, err)
		}
		levels[i] = name
	}
	return levels, nil
}
