package account

import "mypos"

// ValidateINN checks a Russian taxpayer number: 10 digits for a firm, 12 for
// a sole trader, with the check digits of the Federal Tax Service's
// algorithm, issued in a region. field names the input for the error.
// Returns EINVALID when the length, the characters, the region or a check
// digit is wrong.
func ValidateINN(field, inn string) error {
	d := make([]int, len(inn))
	for i := 0; i < len(inn); i++ {
		if inn[i] < '0' || inn[i] > '9' {
			return mypos.Invalid(field, "An INN has digits only.")
		}
		d[i] = int(inn[i] - '0')
	}
	// The first two digits are the code of the region whose tax office
	// issued the number, 01 and up: no region is 00. This refuses the
	// all-zero INNs, whose check digits are right (a weighted sum of zeros
	// is zero), and every other made-up number starting 00.
	if len(d) >= 2 && d[0] == 0 && d[1] == 0 {
		return mypos.Invalid(field, "An INN starts with the code of a region, 01 and up: no tax office issues one starting 00.")
	}
	switch len(d) {
	case 10:
		if innCheck(d, 2, 4, 10, 3, 5, 9, 4, 6, 8) == d[9] {
			return nil
		}
	case 12:
		if innCheck(d, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8) == d[10] &&
			innCheck(d, 3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8) == d[11] {
			return nil
		}
	default:
		return mypos.Invalid(field, "An INN has 10 digits (a firm) or 12 (a sole trader).")
	}
	return mypos.Invalid(field, "The INN's check digit is wrong: look for a typo.")
}

// innCheck is one check digit: the weighted sum of the leading digits mod 11, mod 10.
func innCheck(d []int, weights ...int) int {
	sum := 0
	for i, w := range weights {
		sum += w * d[i]
	}
	return sum % 11 % 10
}
