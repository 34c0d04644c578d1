package backoffice

import (
	"fmt"
	"strings"
	"unicode"

	"mypos"
	"mypos/protocol"
)

// What a person types in a form, read by the rules the services and the
// import read it by, so a page checks a field as the service will.

// ParseRubles reads a price as people type it — "199,90", "199.9", "199",
// with spaces between thousands — into kopecks, as the import reads its
// price column. Returns EINVALID under field for anything else.
func ParseRubles(field, s string) (int64, error) {
	v, ok := parseRubles(strings.Join(strings.Fields(s), ""))
	if !ok {
		return 0, mypos.Invalid(field, "A price is rubles with at most two decimals, like 199.90, up to %d.", int64(protocol.MaxPrice/100))
	}
	return v, nil
}

// FormatRubles writes a price (kopecks, never negative) as the import
// reads it: "199.90".
func FormatRubles(k int64) string { return fmt.Sprintf("%d.%02d", k/100, k%100) }

// Barcodes reads the barcodes typed in one field, separated by spaces,
// commas or semicolons: sorted, without repeats, each an EAN-13 or EAN-8
// with its check digit right. Returns EINVALID under field naming the
// first bad one.
func Barcodes(field, s string) ([]string, error) {
	return barcodeSet(field, strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ';' || unicode.IsSpace(r) }))
}
