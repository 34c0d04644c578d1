package cabinet

import (
	"cmp"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"mypos/protocol"
	"mypos/sales"
)

// receiptView is one receipt: who punched it where and when, its lines,
// the discounts they took, and its totals. Amounts are kopecks the
// template writes; names are data.
type receiptView struct {
	*sales.Detail
	Device, Store, Cashier string
	// TillClock is the receipt's time on the till's clock, and TillZone
	// the till's offset from UTC then ("+10:00").
	TillClock, TillZone string
	Items               []receiptItem
	Discounts           []discountUse
	VATs                []vatSum
	ListURL             string
}

// receiptItem is a line of a receipt. Qty is in thousandths: Whole and
// Frac are it written out (Frac "234" for 1.234 kg; "" for pieces).
type receiptItem struct {
	Name, Unit, VAT, Discount    string // Discount: the discount's name, "" for none
	Whole                        int64
	Frac                         string
	Price, Cut, Tax, Total, Base int64
}

// discountUse is a discount as a receipt applied it, and how much it took
// off all its lines: by Kind, Value kopecks off a line, or a percent
// written out as Whole and Frac ("12", "5" for 12.5 %; Frac "" when whole).
type discountUse struct {
	Name, Kind, Frac   string
	Value, Whole, Took int64
}

func newDiscountUse(name string, d *protocol.Discount) discountUse {
	u := discountUse{Name: name, Kind: d.Kind, Value: d.Value, Whole: d.Value / 100}
	if f := d.Value % 100; f != 0 {
		u.Frac = strings.TrimRight(strconv.FormatInt(100+f, 10)[1:], "0")
	}
	return u
}

// vatSum is the VAT of one rate on a receipt.
type vatSum struct {
	Rate string
	Sum  int64
}

// receiptPage shows a receipt; another company's is 404 (sales says so).
func (s *Server) receiptPage(c *fiber.Ctx) error {
	ctx := c.UserContext()
	d, err := s.cfg.Sales.Get(ctx, c.Params("id"))
	if err != nil {
		return err
	}
	n := s.newNames(ctx)
	local := d.Local()
	v := receiptView{Detail: d, Device: n.device(d.DeviceID), Store: n.store(d.StoreID), Cashier: n.cashier(d.CashierID),
		TillClock: loc(c).Clock(local), TillZone: local.Format("-07:00"),
		ListURL: withQuery("/receipts", period{d.Day, d.Day}.values())}
	v.Items, v.Discounts = receiptItems(n, &d.Contents)
	v.VATs = vatSums(d.Totals.VATByRate)
	return s.render(c, http.StatusOK, "receipt", page{Data: v})
}

// receiptItems are a receipt's lines and the discounts they took, each
// discount once, in the order of its first line.
func receiptItems(n *names, ct *sales.Contents) ([]receiptItem, []discountUse) {
	items := make([]receiptItem, len(ct.Sale.Lines))
	var uses []discountUse
	seen := map[string]int{}
	for i, l := range ct.Sale.Lines {
		var lt protocol.LineTotals
		if i < len(ct.Totals.Lines) {
			lt = ct.Totals.Lines[i]
		}
		it := receiptItem{Name: l.Name, Unit: l.Unit, VAT: l.VAT, Whole: l.Quantity / 1000, Price: l.Price,
			Cut: lt.Discount, Tax: lt.VAT, Total: lt.Total, Base: lt.Base}
		if l.Unit == protocol.UnitWeight {
			it.Frac = strconv.FormatInt(1000+l.Quantity%1000, 10)[1:]
		}
		if l.DiscountID != "" && l.Discount != nil {
			it.Discount = n.discount(l.DiscountID)
			j, ok := seen[l.DiscountID]
			if !ok {
				j = len(uses)
				seen[l.DiscountID] = j
				uses = append(uses, newDiscountUse(it.Discount, l.Discount))
			}
			uses[j].Took += lt.Discount
		}
		items[i] = it
	}
	return items, uses
}

// vatSums are the VAT by rate, highest rate first.
func vatSums(byRate map[string]int64) []vatSum {
	out := make([]vatSum, 0, len(byRate))
	for rate, sum := range byRate {
		out = append(out, vatSum{Rate: rate, Sum: sum})
	}
	slices.SortFunc(out, func(a, b vatSum) int {
		x, _ := strconv.Atoi(a.Rate)
		y, _ := strconv.Atoi(b.Rate)
		return cmp.Compare(y, x)
	})
	return out
}
