package protocol_test

import (
	"errors"
	"testing"

	"mypos/protocol"
)

func pieces(price, n int64, vat string) protocol.Line {
	return protocol.Line{Price: price, Quantity: n * 1000, Unit: protocol.UnitPiece, VAT: vat}
}

func pct(hundredths int64) *protocol.Discount {
	return &protocol.Discount{Kind: protocol.DiscountPercent, Value: hundredths}
}

func amount(kopecks int64) *protocol.Discount {
	return &protocol.Discount{Kind: protocol.DiscountAmount, Value: kopecks}
}

func withDiscount(l protocol.Line, d *protocol.Discount) protocol.Line {
	l.Discount = d
	return l
}

func TestLineTotals(t *testing.T) {
	tests := []struct {
		name string
		line protocol.Line
		want protocol.LineTotals
	}{
		// 19990 × 1.234 = 24667.66 → 24668: 1.234 kg of 199.90 ₽/kg is 246.68 ₽.
		{"Weighed", protocol.Line{Price: 19990, Quantity: 1234, Unit: protocol.UnitWeight, VAT: protocol.VATNone},
			protocol.LineTotals{Base: 24668, Total: 24668}},
		// 10 g of 0.05 ₽/kg is 0.0005 ₽: rounds to nothing.
		{"WeighedTiny", protocol.Line{Price: 5, Quantity: 10, Unit: protocol.UnitWeight, VAT: protocol.VATNone},
			protocol.LineTotals{}},
		// 0.5 kopeck exactly rounds up (away from zero).
		{"WeighedHalfKopeck", protocol.Line{Price: 1, Quantity: 500, Unit: protocol.UnitWeight, VAT: protocol.VATNone},
			protocol.LineTotals{Base: 1, Total: 1}},
		{"WeighedJustUnderHalf", protocol.Line{Price: 1, Quantity: 499, Unit: protocol.UnitWeight, VAT: protocol.VATNone},
			protocol.LineTotals{}},
		{"Pieces", pieces(4590, 3, protocol.VATNone), protocol.LineTotals{Base: 13770, Total: 13770}},
		// 10 % of 123.45 ₽ is 12.345 ₽: the half kopeck goes away from zero.
		{"PercentHalfKopeckUp", withDiscount(pieces(12345, 1, protocol.VATNone), pct(1000)),
			protocol.LineTotals{Base: 12345, Discount: 1235, Total: 11110}},
		// 10 % of 123.44 ₽ is 12.344 ₽: rounds down.
		{"PercentRoundsDown", withDiscount(pieces(12344, 1, protocol.VATNone), pct(1000)),
			protocol.LineTotals{Base: 12344, Discount: 1234, Total: 11110}},
		// 12.5 % of 0.04 ₽ is 0.005 ₽ → 0.01 ₽.
		{"PercentFractional", withDiscount(pieces(4, 1, protocol.VATNone), pct(1250)),
			protocol.LineTotals{Base: 4, Discount: 1, Total: 3}},
		// The percent applies to the rounded line, per line: 15 % of 246.68 ₽ = 37.002 ₽.
		{"PercentOnWeighed", withDiscount(protocol.Line{Price: 19990, Quantity: 1234, Unit: protocol.UnitWeight, VAT: protocol.VATNone}, pct(1500)),
			protocol.LineTotals{Base: 24668, Discount: 3700, Total: 20968}},
		{"PercentAll", withDiscount(pieces(999, 2, protocol.VATNone), pct(10000)),
			protocol.LineTotals{Base: 1998, Discount: 1998, Total: 0}},
		{"AmountWithinLine", withDiscount(pieces(5000, 2, protocol.VATNone), amount(1500)),
			protocol.LineTotals{Base: 10000, Discount: 1500, Total: 8500}},
		{"AmountEqualsLine", withDiscount(pieces(5000, 1, protocol.VATNone), amount(5000)),
			protocol.LineTotals{Base: 5000, Discount: 5000, Total: 0}},
		// An amount larger than the line is capped at the line: 0, never negative.
		{"AmountLargerThanLineIsCapped", withDiscount(pieces(5000, 1, protocol.VATNone), amount(10000)),
			protocol.LineTotals{Base: 5000, Discount: 5000, Total: 0}},
		// VAT is included in the price: total × rate / (100 + rate).
		{"VATNone", pieces(12000, 1, protocol.VATNone), protocol.LineTotals{Base: 12000, Total: 12000}},
		{"VAT0", pieces(12000, 1, protocol.VAT0), protocol.LineTotals{Base: 12000, Total: 12000}},
		{"VAT5", pieces(10500, 1, protocol.VAT5), protocol.LineTotals{Base: 10500, Total: 10500, VAT: 500}},
		{"VAT7", pieces(10700, 1, protocol.VAT7), protocol.LineTotals{Base: 10700, Total: 10700, VAT: 700}},
		{"VAT10", pieces(11000, 1, protocol.VAT10), protocol.LineTotals{Base: 11000, Total: 11000, VAT: 1000}},
		{"VAT20", pieces(12000, 1, protocol.VAT20), protocol.LineTotals{Base: 12000, Total: 12000, VAT: 2000}},
		{"VAT22", pieces(12200, 1, protocol.VAT22), protocol.LineTotals{Base: 12200, Total: 12200, VAT: 2200}},
		// 199.90 ₽ at 22 %: 19990 × 22 / 122 = 3604.75… → 36.05 ₽.
		{"VAT22Rounds", pieces(19990, 1, protocol.VAT22), protocol.LineTotals{Base: 19990, Total: 19990, VAT: 3605}},
		// 0.03 ₽ at 20 %: 0.5 kopeck exactly → 1 kopeck.
		{"VAT20HalfKopeck", pieces(3, 1, protocol.VAT20), protocol.LineTotals{Base: 3, Total: 3, VAT: 1}},
		// VAT comes from the line's total after its discount.
		{"VATAfterDiscount", withDiscount(pieces(12000, 1, protocol.VAT20), amount(6000)),
			protocol.LineTotals{Base: 12000, Discount: 6000, Total: 6000, VAT: 1000}},
		{"VATOnWeighed", protocol.Line{Price: 19990, Quantity: 1234, Unit: protocol.UnitWeight, VAT: protocol.VAT10},
			protocol.LineTotals{Base: 24668, Total: 24668, VAT: 2243}}, // 2242.545… → 2243
		// The largest line a receipt takes: 10 units at the highest price.
		{"Largest", protocol.Line{Price: protocol.MaxPrice, Quantity: 10_000, Unit: protocol.UnitPiece, VAT: protocol.VAT22},
			protocol.LineTotals{Base: 1e10, Total: 1e10, VAT: 1803278689}}, // 1e10 × 22 / 122 = 1803278688.52…
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := protocol.Total(protocol.Receipt{Lines: []protocol.Line{tt.line}})
			if err != nil {
				t.Fatal(err)
			}
			if got.Lines[0] != tt.want {
				t.Fatalf("line %+v, want %+v", got.Lines[0], tt.want)
			}
			if got.Total != tt.want.Total || got.Discount != tt.want.Discount || got.VAT != tt.want.VAT {
				t.Fatalf("receipt %+v, want the line's figures %+v", got, tt.want)
			}
		})
	}
}

// A receipt of 100 lines totals exactly the sum of its lines, with VAT
// summed per rate, "none" left out.
func TestReceiptOf100Lines(t *testing.T) {
	var r protocol.Receipt
	rates := protocol.VATRates()
	for i := int64(0); i < 100; i++ {
		l := protocol.Line{Price: 1999 + i*37, Quantity: 1000 + i*7, Unit: protocol.UnitWeight, VAT: rates[i%int64(len(rates))]}
		if i%3 == 0 {
			l.Quantity, l.Unit = (i%5+1)*1000, protocol.UnitPiece
		}
		if i%4 == 1 {
			l.Discount = pct(333 + i)
		}
		if i%10 == 2 {
			l.Discount = amount(150 * i)
		}
		r.Lines = append(r.Lines, l)
	}
	got, err := protocol.Total(r)
	if err != nil {
		t.Fatal(err)
	}
	var total, discount, vat int64
	byRate := map[string]int64{}
	for i, lt := range got.Lines {
		one, err := protocol.Total(protocol.Receipt{Lines: r.Lines[i : i+1]})
		if err != nil || one.Lines[0] != lt {
			t.Fatalf("line %d alone is %+v (%v), within the receipt %+v", i, one.Lines, err, lt)
		}
		total, discount, vat = total+lt.Total, discount+lt.Discount, vat+lt.VAT
		if r.Lines[i].VAT != protocol.VATNone {
			byRate[r.Lines[i].VAT] += lt.VAT
		}
	}
	if got.Total != total || got.Discount != discount || got.VAT != vat || total == 0 || discount == 0 || vat == 0 {
		t.Fatalf("receipt %d/%d/%d, sum of lines %d/%d/%d", got.Total, got.Discount, got.VAT, total, discount, vat)
	}
	if len(got.VATByRate) != len(byRate) || len(byRate) != 6 {
		t.Fatalf("VAT by rate %v, want %v", got.VATByRate, byRate)
	}
	for rate, v := range byRate {
		if got.VATByRate[rate] != v {
			t.Fatalf("VAT by rate %v, want %v", got.VATByRate, byRate)
		}
	}
}

func TestEmptyReceipt(t *testing.T) {
	got, err := protocol.Total(protocol.Receipt{})
	if err != nil || got.Total != 0 || len(got.Lines) != 0 || got.VATByRate == nil {
		t.Fatalf("empty receipt %+v, %v", got, err)
	}
}

func TestBadLines(t *testing.T) {
	good := pieces(100, 1, protocol.VAT20)
	tests := []struct {
		name  string
		edit  func(*protocol.Line)
		field string
	}{
		{"ErrNegativePrice", func(l *protocol.Line) { l.Price = -1 }, "price"},
		{"ErrPriceOverLimit", func(l *protocol.Line) { l.Price = protocol.MaxPrice + 1 }, "price"},
		{"ErrZeroQuantity", func(l *protocol.Line) { l.Quantity = 0 }, "quantity"},
		{"ErrNegativeQuantity", func(l *protocol.Line) { l.Quantity = -1000 }, "quantity"},
		{"ErrQuantityOverLimit", func(l *protocol.Line) { l.Quantity = protocol.MaxQuantity + 1000 }, "quantity"},
		{"ErrFractionalPieces", func(l *protocol.Line) { l.Quantity = 1500 }, "quantity"},
		{"ErrUnit", func(l *protocol.Line) { l.Unit = "kg" }, "unit"},
		{"ErrVATUnknown", func(l *protocol.Line) { l.VAT = "18" }, "vat"},
		{"ErrVATEmpty", func(l *protocol.Line) { l.VAT = "" }, "vat"},
		{"ErrPercentOver100", func(l *protocol.Line) { l.Discount = pct(10001) }, "discount"},
		{"ErrPercentNegative", func(l *protocol.Line) { l.Discount = pct(-1) }, "discount"},
		{"ErrAmountNegative", func(l *protocol.Line) { l.Discount = amount(-1) }, "discount"},
		{"ErrDiscountKind", func(l *protocol.Line) { l.Discount = &protocol.Discount{Kind: "gift", Value: 1} }, "discount"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			bad := good
			tt.edit(&bad)
			_, err := protocol.Total(protocol.Receipt{Lines: []protocol.Line{good, bad}})
			var le *protocol.LineError
			if !errors.As(err, &le) || le.Line != 1 || le.Field != tt.field {
				t.Fatalf("err=%v, want line 1 field %q", err, tt.field)
			}
		})
	}
	_, err := protocol.Total(protocol.Receipt{Lines: make([]protocol.Line, protocol.MaxLines+1)})
	if err == nil {
		t.Fatal("a receipt over MaxLines was accepted")
	}
}

// A receipt comes to at most MaxReceiptAmount before its discounts: the
// line that takes it past is refused with ErrOverLimit, a discount does not
// make room, and a receipt exactly at the limit is taken. Lines at the
// largest price and quantity — each alone 10^14 kopecks — are refused at
// the first, so no receipt nears int64.
func TestReceiptAmountLimit(t *testing.T) {
	largest := protocol.Line{Price: protocol.MaxPrice, Quantity: protocol.MaxQuantity, Unit: protocol.UnitWeight, VAT: protocol.VATNone}
	lines := make([]protocol.Line, 90)
	for i := range lines {
		lines[i] = largest
	}
	_, err := protocol.Total(protocol.Receipt{Lines: lines})
	var le *protocol.LineError
	if !errors.Is(err, protocol.ErrOverLimit) || !errors.As(err, &le) || le.Line != 0 || le.Field != "total" {
		t.Fatalf("90 largest lines: err=%v, want ErrOverLimit at line 0", err)
	}

	half := pieces(protocol.MaxPrice, 5, protocol.VAT22) // 5 × 10 000 000 ₽: half the limit
	atLimit, err := protocol.Total(protocol.Receipt{Lines: []protocol.Line{half, half}})
	if err != nil || atLimit.Total != protocol.MaxReceiptAmount {
		t.Fatalf("a receipt at the limit: %+v, %v", atLimit, err)
	}
	over := withDiscount(pieces(1, 1, protocol.VAT22), pct(protocol.MaxPercent)) // 1 kopeck, all of it off
	_, err = protocol.Total(protocol.Receipt{Lines: []protocol.Line{half, half, over}})
	if !errors.Is(err, protocol.ErrOverLimit) || !errors.As(err, &le) || le.Line != 2 {
		t.Fatalf("a kopeck over the limit, discounted to nothing: err=%v, want ErrOverLimit at line 2", err)
	}
	if _, err := protocol.Total(protocol.Receipt{Lines: []protocol.Line{withDiscount(half, amount(protocol.MaxReceiptAmount+1))}}); err == nil {
		t.Fatal("an amount discount over the limit was accepted")
	}
}
