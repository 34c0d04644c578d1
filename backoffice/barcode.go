package backoffice

import (
	"slices"

	"mypos"
)

// maxBarcodes bounds one goods' barcodes: packs and suppliers add a few.
const maxBarcodes = 20

// validEAN reports whether code is an EAN-13 or EAN-8 with a correct check
// digit (GS1: from the right, digits weigh 3, 1, 3, …; the check digit
// brings the sum to a multiple of 10). A scanner reads only such codes, so
// a typo in the catalog is caught here rather than at the till.
func validEAN(code string) bool {
	if len(code) != 13 && len(code) != 8 {
		return false
	}
	sum := 0
	for i := 0; i < len(code); i++ {
		c := code[i]
		if c < '0' || c > '9' {
			return false
		}
		weight := 1
		if (len(code)-1-i)%2 == 1 {
			weight = 3
		}
		sum += int(c-'0') * weight
	}
	return sum%10 == 0
}

// barcodeSet returns the barcodes sorted and without repeats, or refuses a
// bad one naming it, under field.
func barcodeSet(field string, codes []string) ([]string, error) {
	if len(codes) > maxBarcodes {
		return nil, mypos.Invalid(field, "A goods has at most %d barcodes.", maxBarcodes)
	}
	for _, c := range codes {
		if !validEAN(c) {
			return nil, mypos.Invalid(field, "%q is not an EAN-13 or EAN-8 barcode (13 or 8 digits with a correct check digit).", c)
		}
	}
	set := slices.Clone(codes)
	slices.Sort(set)
	set = slices.Compact(set)
	if set == nil {
		set = []string{}
	}
	return set, nil
}
