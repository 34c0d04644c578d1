package protocol_test

import (
	"encoding/binary"
	"testing"

	"mypos/protocol"
)

// linesFrom turns fuzz bytes into receipt lines, 16 bytes a line, with
// values spread over and just past the limits.
func linesFrom(data []byte) []protocol.Line {
	rates := protocol.VATRates()
	var lines []protocol.Line
	for ; len(data) >= 16; data = data[16:] {
		price := int64(binary.LittleEndian.Uint32(data[0:])) * int64(data[12]%4+1) * 3
		qty := int64(binary.LittleEndian.Uint32(data[4:]))%(protocol.MaxQuantity+2) + 1
		l := protocol.Line{Price: price, Quantity: qty, Unit: protocol.UnitWeight, VAT: rates[int(data[13])%len(rates)]}
		if data[14]&1 == 1 {
			l.Unit, l.Quantity = protocol.UnitPiece, (qty%1000+1)*1000
		}
		v := int64(binary.LittleEndian.Uint32(data[8:]))
		switch data[15] % 3 {
		case 1:
			l.Discount = pct(v % (protocol.MaxPercent + 1))
		case 2:
			l.Discount = amount(v)
		}
		lines = append(lines, l)
	}
	return lines
}

// Whatever the lines, a computed receipt's total is the sum of its lines,
// each line is base − discount with 0 ≤ discount ≤ base, and VAT never
// exceeds the line it is included in.
func FuzzTotalIsSumOfLines(f *testing.F) {
	f.Add([]byte("0123456789abcdef0123456789abcdef"))
	f.Add(make([]byte, 48))
	f.Add([]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff})
	f.Fuzz(func(t *testing.T, data []byte) {
		r := protocol.Receipt{Lines: linesFrom(data)}
		got, err := protocol.Total(r)
		if err != nil {
			return // a line outside the limits: refused, which is fine
		}
		var sum, vat int64
		for i, lt := range got.Lines {
			if lt.Discount < 0 || lt.Discount > lt.Base || lt.Total != lt.Base-lt.Discount || lt.VAT < 0 || lt.VAT > lt.Total {
				t.Fatalf("line %d %+v of %+v", i, lt, r.Lines[i])
			}
			sum += lt.Total
			vat += lt.VAT
		}
		if got.Total != sum || got.VAT != vat {
			t.Fatalf("total %d, vat %d; sum of lines %d, %d", got.Total, got.VAT, sum, vat)
		}
	})
}
