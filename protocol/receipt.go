package protocol

import (
	"errors"
	"fmt"
)

// Limits every side enforces with the same functions — the till when it
// registers a sale, the cloud when one is uploaded (CheckSale) and the
// cabinet when a price is set — chosen from the real world, and so that
// no sum a report makes of valid receipts leaves int64 kopecks, which hold
// 9 223 372 036 854 775 807 kopecks (9.2 × 10^18, 92 quadrillion ₽):
//
//   - a line is at most MaxPrice × MaxQuantity / 1000 = 10^9 × 10^8 / 10^3
//     = 10^14 kopecks, computed in 128 bits, and MaxLines of them 10^17: no
//     sum inside Total can overflow;
//   - a receipt comes to at most MaxReceiptAmount = 10^10 kopecks before
//     its discounts, so its total, discount and VAT — and the payment, which
//     is its total — are each at most that;
//   - a day of a large company: 100 000 tills (the largest Russian chains
//     have about 20 000 stores) × 2 000 receipts (one every 30 s for 16
//     hours) = 2 × 10^8 receipts, even all at MaxReceiptAmount, sum to
//     2 × 10^18 < 9.2 × 10^18;
//   - the summary's 366 days at real turnover: the largest Russian retailer
//     sells about 4 × 10^12 ₽ = 4 × 10^14 kopecks a year, 20 000 times below
//     int64. Only 9.2 × 10^8 receipts all at the cap would reach it — a
//     tampered till, not a shop — so sales sums in SQL without overflow and
//     refuses, with a clear error, a report whose sum leaves int64.
const (
	// MaxPrice is the highest price of one unit or kilogram: 10 000 000.00 ₽,
	// a car or a jewel; what costs more is not sold over a till.
	MaxPrice = 1_000_000_000
	// MaxQuantity is the most of one goods on a line, in thousandths:
	// 100 000 pieces or kilograms, a wholesale order.
	MaxQuantity = 100_000_000
	// MaxPercent is 100 % in hundredths of a percent.
	MaxPercent = 10_000
	// MaxLines bounds a receipt's lines; an upload's size (MaxMessageSize)
	// usually binds first, at a couple of hundred.
	MaxLines = 1_000
	// MaxReceiptAmount is the most a receipt may come to before its
	// discounts: 100 000 000.00 ₽, a car dealer's biggest sale. Larger
	// sales are split into several receipts.
	MaxReceiptAmount = 10_000_000_000
)

// ErrOverLimit says a receipt comes to more than MaxReceiptAmount.
var ErrOverLimit = errors.New("protocol: the receipt is over the limit of one receipt")

// Receipt is what the arithmetic needs of a receipt: its lines.
type Receipt struct {
	Lines []Line `json:"lines"`
}

// Line is one goods on a receipt.
//
// Quantity is in thousandths for every unit, so one rule serves both: a
// weighed line of 1.234 kg is 1234, and 3 pieces are 3000 — a piece line
// must be a whole number of pieces (a multiple of 1000). Price is kopecks
// per piece or per kilogram.
type Line struct {
	Price    int64     `json:"price"`
	Quantity int64     `json:"quantity"`
	Unit     string    `json:"unit"`
	VAT      string    `json:"vat"`
	Discount *Discount `json:"discount,omitempty"`
}

// Discount is a discount applied to one line; see DiscountPercent and
// DiscountAmount for what Value means.
type Discount struct {
	Kind  string `json:"kind"`
	Value int64  `json:"value"`
}

// LineTotals is the arithmetic of one line, in kopecks.
type LineTotals struct {
	// Base is round(Price × Quantity / 1000): the line before its discount.
	Base int64 `json:"base"`
	// Discount is what the discount took off: at most Base.
	Discount int64 `json:"discount"`
	// Total is Base − Discount: what the buyer pays for the line.
	Total int64 `json:"total"`
	// VAT is the tax included in Total at the line's rate.
	VAT int64 `json:"vat"`
}

// Totals is the arithmetic of a receipt. Total is by definition the sum of
// the lines' totals, never a recomputation from a receipt-wide figure, so
// a receipt and its lines never disagree by a kopeck.
type Totals struct {
	Lines    []LineTotals `json:"lines"`
	Total    int64        `json:"total"`
	Discount int64        `json:"discount"`
	VAT      int64        `json:"vat"`
	// VATByRate sums VAT per rate present on the receipt ("none" excluded:
	// it is no tax), as a fiscal receipt prints it.
	VATByRate map[string]int64 `json:"vat_by_rate"`
}

// LineError says which line of a receipt is wrong, and why.
type LineError struct {
	Line   int    // 0-based index into Receipt.Lines
	Field  string // the field at fault: "price", "quantity", …
	Reason string
	Err    error // ErrOverflow when a sum overflowed, else nil
}

func (e *LineError) Error() string {
	return fmt.Sprintf("protocol: line %d: %s: %s", e.Line+1, e.Field, e.Reason)
}

func (e *LineError) Unwrap() error { return e.Err }

// Total computes a receipt by the rules of DESIGN.md §2, the one function
// the cloud and the till both use, within the limits above:
//
//   - line base = round(price × quantity / 1000), quantity in thousandths;
//   - a percent discount = round(base × percent / 100), rounded half away
//     from zero on each line (never on the receipt as a whole);
//   - an amount discount larger than the line is capped at the line: the
//     line costs 0, never less. A till applies a back-office discount to
//     goods cheaper than it; refusing would stop the sale;
//   - VAT is included in the price (Russian style), per line from the
//     line's total: vat = round(total × rate / (100 + rate));
//   - the receipt total is the sum of the lines' totals.
//
// Rounding is half away from zero; every amount is non-negative, so that
// is half up. It returns a *LineError for a line outside the rules or the
// limits: one wrapping ErrOverLimit (Field "total") at the line that takes
// the receipt past MaxReceiptAmount.
func Total(r Receipt) (Totals, error) {
	if len(r.Lines) > MaxLines {
		return Totals{}, &LineError{Line: MaxLines, Field: "lines", Reason: fmt.Sprintf("a receipt has at most %d lines", MaxLines)}
	}
	t := Totals{Lines: make([]LineTotals, len(r.Lines)), VATByRate: map[string]int64{}}
	for i, l := range r.Lines {
		lt, err := lineTotals(l)
		if err != nil {
			err.Line = i
			return Totals{}, err
		}
		if err := t.add(l.VAT, lt); err != nil {
			return Totals{}, &LineError{Line: i, Field: "lines", Reason: "the receipt's sum overflows", Err: err}
		}
		if t.Total+t.Discount > MaxReceiptAmount { // both ≤ 10^17 here: no overflow
			return Totals{}, &LineError{Line: i, Field: "total", Err: ErrOverLimit,
				Reason: fmt.Sprintf("the receipt comes to more than %s ₽ before discounts: split it into several", rubles(MaxReceiptAmount))}
		}
		t.Lines[i] = lt
	}
	return t, nil
}

// rubles writes whole rubles of kopecks with thin groups: 100 000 000.
func rubles(kopecks int64) string {
	s := fmt.Sprint(kopecks / 100)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + " " + s[i:]
	}
	return s
}

// add adds one line's figures to the receipt's sums.
func (t *Totals) add(rate string, lt LineTotals) error {
	var err error
	if t.Total, err = addChecked(t.Total, lt.Total); err != nil {
		return err
	}
	if t.Discount, err = addChecked(t.Discount, lt.Discount); err != nil {
		return err
	}
	if t.VAT, err = addChecked(t.VAT, lt.VAT); err != nil {
		return err
	}
	if rate != VATNone {
		t.VATByRate[rate] += lt.VAT // ≤ t.VAT, which did not overflow
	}
	return nil
}

// lineTotals computes one line; the error's Line is the caller's to set.
func lineTotals(l Line) (LineTotals, *LineError) {
	if err := l.check(); err != nil {
		return LineTotals{}, err
	}
	var lt LineTotals
	var err error
	if lt.Base, err = mulDivRound(l.Price, l.Quantity, 1000); err != nil {
		return lt, &LineError{Field: "quantity", Reason: "price × quantity overflows", Err: err}
	}
	if lt.Discount, err = discountOf(lt.Base, l.Discount); err != nil {
		return lt, &LineError{Field: "discount", Reason: "the discount overflows", Err: err}
	}
	lt.Total = lt.Base - lt.Discount
	rate := vatPercent[l.VAT]
	if lt.VAT, err = mulDivRound(lt.Total, rate, 100+rate); err != nil {
		return lt, &LineError{Field: "vat", Reason: "VAT overflows", Err: err}
	}
	return lt, nil
}

// discountOf is what a discount takes off a line of base kopecks.
func discountOf(base int64, d *Discount) (int64, error) {
	switch {
	case d == nil:
		return 0, nil
	case d.Kind == DiscountPercent:
		return mulDivRound(base, d.Value, 100*100)
	default: // DiscountAmount, checked by Line.check
		return min(d.Value, base), nil
	}
}

// check refuses a line outside the rules and limits.
func (l Line) check() *LineError {
	bad := func(field, format string, args ...any) *LineError {
		return &LineError{Field: field, Reason: fmt.Sprintf(format, args...)}
	}
	switch {
	case l.Price < 0 || l.Price > MaxPrice:
		return bad("price", "a price is 0 to %d kopecks", int64(MaxPrice))
	case l.Quantity <= 0 || l.Quantity > MaxQuantity:
		return bad("quantity", "a quantity is 1 to %d thousandths", int64(MaxQuantity))
	case !ValidUnit(l.Unit):
		return bad("unit", "a unit is %q or %q", UnitPiece, UnitWeight)
	case l.Unit == UnitPiece && l.Quantity%1000 != 0:
		return bad("quantity", "pieces are whole: the quantity is a multiple of 1000")
	case !ValidVAT(l.VAT):
		return bad("vat", "a VAT rate is one of %v", VATRates())
	}
	return l.Discount.check()
}

func (d *Discount) check() *LineError {
	if d == nil {
		return nil
	}
	switch {
	case d.Kind == DiscountPercent && (d.Value < 0 || d.Value > MaxPercent):
		return &LineError{Field: "discount", Reason: "a percent discount is 0 to 10000 hundredths of a percent"}
	case d.Kind == DiscountAmount && (d.Value < 0 || d.Value > MaxReceiptAmount):
		return &LineError{Field: "discount", Reason: fmt.Sprintf("an amount discount is 0 to %d kopecks", int64(MaxReceiptAmount))}
	case d.Kind != DiscountPercent && d.Kind != DiscountAmount:
		return &LineError{Field: "discount", Reason: fmt.Sprintf("a discount's kind is %q or %q", DiscountPercent, DiscountAmount)}
	}
	return nil
}
