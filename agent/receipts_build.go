package agent

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"
	"unicode/utf8"

	"mypos/protocol"
)

// buildReceipt makes the sale a request asks for from the catalog, or
// refuses it: no license on this till (403 license_required), a cashier
// not allowed here (422 unknown_cashier), goods or discounts the local database
// does not hold or that do not apply (422 unknown_goods, bad_goods,
// bad_discount), a total that is not what the front displayed (422
// total_mismatch), a sale over protocol.MaxReceiptAmount (422 over_limit),
// an upload over the message limit (413 too_large).
func buildReceipt(c *catalog, req *SaleRequest, id string, number int64, at time.Time) (*receiptRecord, error) {
	if !c.licensed() {
		return nil, deny(http.StatusForbidden, codeLicenseRequired, "this till has no license: it does not register receipts until one is entered (mypos-agent license enter KEY)")
	}
	if err := checkCashier(c, req.CashierID); err != nil {
		return nil, err
	}
	sale := protocol.Sale{ID: id, Number: number, At: at, CashierID: req.CashierID, Payment: req.Payment,
		Lines: make([]protocol.SaleLine, len(req.Lines))}
	for i, l := range req.Lines {
		line, err := saleLine(c, l, at, i+1)
		if err != nil {
			return nil, err
		}
		sale.Lines[i] = line
	}
	totals, err := computeSale(&sale, req.Total)
	if err != nil {
		return nil, err
	}
	if err := checkSize(&sale); err != nil {
		return nil, err
	}
	return &receiptRecord{Receipt: Receipt{Sale: sale, Totals: totals, State: ReceiptQueued, StateAt: at}}, nil
}

// checkCashier refuses a cashier the local database does not hold — the cloud
// sends a till only the cashiers allowed on it — or one switched off.
func checkCashier(c *catalog, id string) error {
	body := c.get(protocol.KindCashier, id)
	if body == nil {
		return deny(http.StatusUnprocessableEntity, codeUnknownCashier, "cashier %s is not allowed on this till", id)
	}
	var f struct {
		Active *bool `json:"active"`
	}
	if json.Unmarshal(body, &f) == nil && f.Active != nil && !*f.Active {
		return deny(http.StatusUnprocessableEntity, codeUnknownCashier, "cashier %s is switched off in the cabinet", id)
	}
	return nil
}

// saleLine prices one line from the local database: the goods' name, unit, VAT and
// price (its store price when there is one), and its discount.
func saleLine(c *catalog, l SaleLineRequest, at time.Time, n int) (protocol.SaleLine, error) {
	id := c.goodsID(l)
	if id == "" {
		return protocol.SaleLine{}, deny(http.StatusUnprocessableEntity, codeUnknownGoods, "line %d: no goods %s on this till", n, lineRef(l))
	}
	g, err := c.goods(id)
	if err != nil {
		return protocol.SaleLine{}, err
	}
	switch {
	case g.Active != nil && !*g.Active:
		return protocol.SaleLine{}, deny(http.StatusUnprocessableEntity, codeUnknownGoods, "line %d: goods %s is not on sale (switched off in the cabinet)", n, lineRef(l))
	case g.Price == nil:
		return protocol.SaleLine{}, deny(http.StatusUnprocessableEntity, codeBadGoods, "line %d: goods %s has no price on this till", n, lineRef(l))
	}
	line := protocol.SaleLine{GoodsID: id, Name: cutName(g.Name), DiscountID: l.DiscountID,
		Line: protocol.Line{Price: *g.Price, Quantity: l.Quantity, Unit: g.Unit, VAT: g.VAT}}
	if l.DiscountID != "" {
		if line.Discount, err = c.discountFor(l.DiscountID, g, at, n); err != nil {
			return protocol.SaleLine{}, err
		}
	}
	return line, nil
}

func lineRef(l SaleLineRequest) string {
	switch {
	case l.GoodsID != "":
		return l.GoodsID
	case l.Code != "":
		return "with code " + l.Code
	}
	return "with barcode " + l.Barcode
}

// cutName cuts a name to protocol.MaxLineName characters: the cabinet's
// names fit, and a longer one from elsewhere must not stop a sale.
func cutName(s string) string {
	if utf8.RuneCountInString(s) <= protocol.MaxLineName {
		return s
	}
	return string([]rune(s)[:protocol.MaxLineName])
}

// computeSale sets the sale's total by protocol.Total — the one rule the
// cloud shares — refuses one the front displayed otherwise, and guards the
// result with protocol.CheckSale, as the cloud will.
func computeSale(sale *protocol.Sale, stated *int64) (protocol.Totals, error) {
	t, err := protocol.Total(sale.Receipt())
	if err != nil {
		return protocol.Totals{}, lineRefusal(sale, err)
	}
	sale.Total = t.Total
	if stated != nil && *stated != t.Total {
		return protocol.Totals{}, deny(http.StatusUnprocessableEntity, codeTotalMismatch,
			"the lines add up to %d kopecks (%s ₽), not the %d displayed: the till's prices differ from the front's; sync and ring up again",
			t.Total, Rubles(t.Total), *stated)
	}
	if _, err := protocol.CheckSale(sale); err != nil {
		return protocol.Totals{}, badRequest("%s", err)
	}
	return t, nil
}

// lineRefusal says what is wrong with a line: its quantity or a sum is
// the front's to fix (400); a price, unit or VAT rate the local database holds is
// the catalog's (422 bad_goods); a discount's value, the discount's; a
// receipt over the limit of one receipt is to be split (422 over_limit).
func lineRefusal(sale *protocol.Sale, err error) error {
	var le *protocol.LineError
	if !errors.As(err, &le) || le.Line >= len(sale.Lines) {
		return badRequest("%s", err)
	}
	msg := fmt.Sprintf("line %d (%s): %s: %s", le.Line+1, sale.Lines[le.Line].Name, le.Field, le.Reason)
	switch le.Field {
	case "price", "unit", "vat":
		return deny(http.StatusUnprocessableEntity, codeBadGoods, "%s; the goods is set up wrong in the cabinet", msg)
	case "discount":
		return deny(http.StatusUnprocessableEntity, codeBadDiscount, "%s", msg)
	case "total":
		return deny(http.StatusUnprocessableEntity, codeOverLimit, "%s", msg)
	}
	return badRequest("%s", msg)
}

// checkSize refuses a receipt whose upload would be over the protocol's
// message limit: the cloud could never take it.
func checkSize(sale *protocol.Sale) error {
	_, err := protocol.Encode(&protocol.ReceiptUpload{Header: protocol.Header{ID: sale.ID}, Receipt: *sale})
	var de *protocol.DecodeError
	if errors.As(err, &de) && de.Code == protocol.CodeTooLarge {
		return deny(http.StatusRequestEntityTooLarge, codeTooLarge,
			"a receipt of %d lines is over the %d bytes one upload may carry: split it into smaller receipts", len(sale.Lines), protocol.MaxMessageSize)
	}
	return err
}

// Rubles formats kopecks as rubles: 12345 is "123.45".
func Rubles(kopecks int64) string {
	sign := ""
	if kopecks < 0 {
		sign, kopecks = "-", -kopecks
	}
	return fmt.Sprintf("%s%d.%02d", sign, kopecks/100, kopecks%100)
}
