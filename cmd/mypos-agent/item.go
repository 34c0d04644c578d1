package main

import (
	"fmt"
	"strconv"
	"strings"

	"mypos/agent"
	"mypos/protocol"
)

// parseItem reads one ITEM of `sell`: GOODS[*QTY][%DISCOUNT].
//
// GOODS is id:GOODS_ID, code:CODE or barcode:BARCODE; without a prefix,
// 8 or 13 digits are a barcode (EAN-8, EAN-13, as the cabinet takes them)
// and anything else a code. QTY is pieces or kilograms, with at most three
// decimals after a point or a comma (2, 0.5, 1,234), 1 when left out.
// DISCOUNT is a discount's ID. GOODS cannot contain * or %.
func parseItem(s string) (agent.SaleLineRequest, error) {
	var l agent.SaleLineRequest
	rest, discount, hasDiscount := strings.Cut(s, "%")
	if hasDiscount {
		if discount == "" || strings.ContainsAny(discount, "*%") {
			return l, fmt.Errorf("item %q: name the discount after %%, by its ID", s)
		}
		l.DiscountID = discount
	}
	goods, qty, hasQty := strings.Cut(rest, "*")
	l.Quantity = 1000
	if hasQty {
		q, err := parseQuantity(qty)
		if err != nil {
			return l, fmt.Errorf("item %q: %w", s, err)
		}
		l.Quantity = q
	}
	if err := setGoods(&l, goods); err != nil {
		return l, fmt.Errorf("item %q: %w", s, err)
	}
	return l, nil
}

// setGoods names the goods of a line by the rule of parseItem.
func setGoods(l *agent.SaleLineRequest, goods string) error {
	prefix, value, prefixed := strings.Cut(goods, ":")
	switch {
	case prefixed && value == "":
		return fmt.Errorf("nothing after %s", prefix+":") // the prefix as typed, colon and all
	case prefixed && prefix == "id":
		l.GoodsID = value
	case prefixed && prefix == "code":
		l.Code = value
	case prefixed && prefix == "barcode":
		l.Barcode = value
	case goods == "":
		return fmt.Errorf("name the goods: a code, a barcode or id:GOODS_ID")
	case isBarcode(goods):
		l.Barcode = goods
	default:
		l.Code = goods
	}
	return nil
}

func isBarcode(s string) bool {
	if len(s) != 8 && len(s) != 13 {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// parseQuantity reads pieces or kilograms as thousandths: "2" is 2000,
// "1.234" and "1,234" are 1234.
func parseQuantity(s string) (int64, error) {
	bad := fmt.Errorf("quantity %q: pieces or kg, at most 3 decimals, e.g. 2 or 1.234", s)
	whole, frac, _ := strings.Cut(strings.Replace(s, ",", ".", 1), ".")
	if whole == "" || len(frac) > 3 || strings.ContainsAny(whole+frac, "+-") {
		return 0, bad
	}
	w, err := strconv.ParseInt(whole, 10, 64)
	if err != nil || w > protocol.MaxQuantity/1000 {
		return 0, bad
	}
	f := int64(0)
	if frac != "" {
		if f, err = strconv.ParseInt((frac + "00")[:3], 10, 64); err != nil {
			return 0, bad
		}
	}
	q := w*1000 + f
	if q < 1 || q > protocol.MaxQuantity {
		return 0, bad
	}
	return q, nil
}
