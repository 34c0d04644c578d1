// The words of a receipt line: units of measure, VAT rates and discount
// kinds, as stored and as sent.

package protocol

// Units of measure. A piece is counted, a weighed goods is measured in
// kilograms; both travel as thousandths (see Line.Quantity).
const (
	UnitPiece  = "piece"
	UnitWeight = "weight"
)

// ValidUnit reports whether u is a unit of measure.
func ValidUnit(u string) bool { return u == UnitPiece || u == UnitWeight }

// VAT rates, as the stored and wire text. "none" (the seller is not a VAT
// payer) and "0" (VAT at 0 %, e.g. exports) both compute no tax, but a
// fiscal receipt prints them differently, so they are distinct rates.
// 22 % is the general rate from 2026-01-01; 20 % stays for older documents.
const (
	VATNone = "none"
	VAT0    = "0"
	VAT5    = "5"
	VAT7    = "7"
	VAT10   = "10"
	VAT20   = "20"
	VAT22   = "22"
)

// vatPercent is each rate's percentage.
var vatPercent = map[string]int64{
	VATNone: 0, VAT0: 0, VAT5: 5, VAT7: 7, VAT10: 10, VAT20: 20, VAT22: 22,
}

// VATRates lists the rates in the order a form offers them.
func VATRates() []string { return []string{VATNone, VAT0, VAT5, VAT7, VAT10, VAT20, VAT22} }

// ValidVAT reports whether rate is one of VATRates.
func ValidVAT(rate string) bool {
	_, ok := vatPercent[rate]
	return ok
}

// Discount kinds.
const (
	// DiscountPercent takes Value hundredths of a percent off a line:
	// 1250 is 12.5 %, 10000 is 100 %.
	DiscountPercent = "percent"
	// DiscountAmount takes Value kopecks off a whole line (not each unit).
	DiscountAmount = "amount"
)
