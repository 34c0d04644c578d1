package protocol

import (
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// Payment methods of a sale.
const (
	PaymentCash = "cash"
	PaymentCard = "card"
)

// MaxLineName bounds a sale line's name, in characters: above the
// cabinet's 200, so a goods' name always fits.
const MaxLineName = 256

// Sale is a receipt as a till registered it, which the cloud stores once
// per device and ID. The till makes the ID (a UUID) when the receipt is
// punched, so an upload repeated after a crash or a lost acknowledgement
// is the same receipt, not a second one.
type Sale struct {
	ID     string `json:"id"`
	Number int64  `json:"number"` // the till's own receipt number, from 1
	// At is when the receipt was punched, on the till's clock with its
	// offset: the receipt's day is the till's local date (see Day).
	At        time.Time  `json:"at"`
	CashierID string     `json:"cashier_id"`
	Payment   string     `json:"payment"`
	Lines     []SaleLine `json:"lines"`
	// Total is what the buyer paid: by the rules, Total(lines).Total, at
	// most MaxReceiptAmount.
	Total int64 `json:"total"`
}

// SaleLine is one goods on a sale: what it was and the arithmetic's line.
type SaleLine struct {
	GoodsID    string `json:"goods_id"`
	Name       string `json:"name"`
	DiscountID string `json:"discount_id,omitempty"`
	Line
}

// Receipt is the arithmetic's view of the sale: its lines.
func (s *Sale) Receipt() Receipt {
	r := Receipt{Lines: make([]Line, len(s.Lines))}
	for i, l := range s.Lines {
		r.Lines[i] = l.Line
	}
	return r
}

// Day is the sale's date on the till's calendar, YYYY-MM-DD: a shift that
// runs past midnight UTC in Vladivostok still sells on its own day.
func (s *Sale) Day() string { return s.At.Format(time.DateOnly) }

// ErrTotalMismatch says a sale's stated total is not its lines' sum.
var ErrTotalMismatch = errors.New("the total is not the sum of the lines")

// CheckSale checks a sale's fields and computes it by Total; a sale whose
// Total differs from the computed one is refused with ErrTotalMismatch, so
// the cloud never stores a receipt the till and the cabinet would add up
// differently.
func CheckSale(s *Sale) (Totals, error) {
	if err := s.checkFields(); err != nil {
		return Totals{}, err
	}
	t, err := Total(s.Receipt())
	if err != nil {
		return Totals{}, err
	}
	if t.Total != s.Total {
		return Totals{}, fmt.Errorf("%w: stated %d, computed %d kopecks", ErrTotalMismatch, s.Total, t.Total)
	}
	return t, nil
}

func (s *Sale) checkFields() error {
	switch {
	case !ValidID(strings.ToLower(s.ID)):
		return errors.New("id must be a UUID")
	case s.Number < 1:
		return errors.New("number starts at 1")
	case s.At.IsZero():
		return errors.New("at is required")
	case s.CashierID == "" || len(s.CashierID) > maxIDLen:
		return fmt.Errorf("cashier_id is required, at most %d bytes", maxIDLen)
	case s.Payment != PaymentCash && s.Payment != PaymentCard:
		return fmt.Errorf("payment is %q or %q", PaymentCash, PaymentCard)
	case len(s.Lines) == 0:
		return errors.New("a receipt has at least one line")
	case s.Total < 0 || s.Total > MaxReceiptAmount:
		return fmt.Errorf("total is 0 to %d kopecks", int64(MaxReceiptAmount))
	}
	for i, l := range s.Lines {
		if l.GoodsID == "" || len(l.GoodsID) > maxIDLen || len(l.DiscountID) > maxIDLen {
			return fmt.Errorf("line %d: goods_id is required; ids have at most %d bytes", i+1, maxIDLen)
		}
		if !utf8.ValidString(l.Name) || utf8.RuneCountInString(l.Name) > MaxLineName {
			return fmt.Errorf("line %d: name has at most %d characters of UTF-8", i+1, MaxLineName)
		}
	}
	return nil
}
