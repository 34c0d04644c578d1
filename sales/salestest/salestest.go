// Package salestest makes valid sales for tests of the packages that store
// and show them.
package salestest

import (
	"cmp"
	"sync/atomic"
	"time"

	"mypos"
	"mypos/protocol"
)

var number atomic.Int64

// rates are the VAT rates the lines take in turn, "none" among them.
var rates = []string{protocol.VAT22, protocol.VAT10, protocol.VATNone, protocol.VAT20}

// Sale returns a valid sale, new ID and number, punched at at by the
// cashier, of goods and discounts nobody checks: see Seller.Sale.
func Sale(at time.Time, cashierID string, prices ...int64) protocol.Sale {
	return Seller{CashierID: cashierID}.Sale(at, prices...)
}

// Seller is who sells and from what, as a till of a company does: its
// cashier, the goods of its catalog that lines take in turn and the
// discount every second line names. With no goods or discount, each line
// makes up its own, for tests that check nothing of them.
type Seller struct {
	CashierID  string
	GoodsIDs   []string
	DiscountID string
}

// Sale returns a valid sale, new ID and number, punched at at: one line
// per price, line i of i%3+1 pieces at the i-th VAT rate in turn, every
// second line 5 % off. Its total is protocol.Total's, so a test can spoil
// it on purpose.
func (sl Seller) Sale(at time.Time, prices ...int64) protocol.Sale {
	s := protocol.Sale{ID: mypos.NewID(), Number: number.Add(1), At: at, CashierID: sl.CashierID, Payment: protocol.PaymentCard}
	for i, p := range prices {
		l := protocol.SaleLine{GoodsID: sl.goods(i), Name: "Товар", Line: protocol.Line{
			Price: p, Quantity: int64(i%3+1) * 1000, Unit: protocol.UnitPiece, VAT: rates[i%len(rates)],
		}}
		if i%2 == 1 {
			l.DiscountID = cmp.Or(sl.DiscountID, mypos.NewID())
			l.Discount = &protocol.Discount{Kind: protocol.DiscountPercent, Value: 500}
		}
		s.Lines = append(s.Lines, l)
	}
	return total(s)
}

// AtLimit returns the largest sale the limits allow: 10 pieces at
// protocol.MaxPrice, which come to protocol.MaxReceiptAmount.
func (sl Seller) AtLimit(at time.Time) protocol.Sale {
	s := sl.Sale(at, protocol.MaxPrice)
	s.Lines[0].Quantity = protocol.MaxReceiptAmount / protocol.MaxPrice * 1000
	return total(s)
}

func (sl Seller) goods(i int) string {
	if len(sl.GoodsIDs) == 0 {
		return mypos.NewID()
	}
	return sl.GoodsIDs[i%len(sl.GoodsIDs)]
}

// total sets the sale's total by protocol.Total.
func total(s protocol.Sale) protocol.Sale {
	t, err := protocol.Total(s.Receipt())
	if err != nil {
		panic("salestest: a sale outside the rules: " + err.Error())
	}
	s.Total = t.Total
	return s
}

// Totals is protocol's arithmetic of s, which a stored receipt must match.
func Totals(s protocol.Sale) protocol.Totals {
	t, err := protocol.Total(s.Receipt())
	if err != nil {
		panic("salestest: " + err.Error())
	}
	return t
}

// At parses a time in RFC 3339 — with the till's offset — or panics.
func At(rfc3339 string) time.Time {
	t, err := time.Parse(time.RFC3339, rfc3339)
	if err != nil {
		panic(err)
	}
	return t
}
