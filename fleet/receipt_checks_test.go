package fleet_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"mypos"
	"mypos/protocol"
	"mypos/sales/salestest"
)

// The case: twelve receipts of 90 lines at the largest price and
// quantity — once acknowledged, they broke the company's summary (integer
// overflow, bigint out of range) — are refused for good at the limit of
// one receipt, and nothing is stored; twelve receipts at that limit are
// stored and the day's summary sums them exactly.
func TestReceiptsAtTheLimits(t *testing.T) {
	e := newReceiptEnv(t, nil)
	id, secret := e.enrollIn(e.company, "")
	term := e.connect(id, secret)
	var huge []string
	for range 12 {
		s := e.sale(1)
		largest := s.Lines[0]
		largest.Price, largest.Quantity, largest.Unit, largest.Discount = protocol.MaxPrice, protocol.MaxQuantity, protocol.UnitWeight, nil
		s.Lines = slices.Repeat([]protocol.SaleLine{largest}, 90)
		s.Total = 90 * protocol.MaxPrice * protocol.MaxQuantity / 1000 // what the arithmetic made of it, unbounded
		term.upload(t, s)
		huge = append(huge, protocol.CodeBadField+"@"+s.ID)
	}
	eventually(t, "twelve refusals", func() bool { return len(term.errors()) == 12 })
	if got := term.errors(); !slices.Equal(got, huge) {
		t.Fatalf("refusals %v, want bad_field for each: %v", got, huge)
	}
	if rows := e.list(e.company); len(rows) != 0 {
		t.Fatalf("%d receipts over the limit stored", len(rows))
	}

	var day string
	for range 12 {
		s := e.seller.AtLimit(time.Now())
		day = s.Day()
		term.upload(t, s)
	}
	eventually(t, "twelve acks", func() bool { return len(term.acks()) == 12 })
	sum, err := e.sales.Summary(e.company, day, day)
	if err != nil || sum.Totals.Receipts != 12 || sum.Totals.Total != 12*protocol.MaxReceiptAmount {
		t.Fatalf("the day's summary %+v, %v; want 12 receipts of %d", sum, err, int64(protocol.MaxReceiptAmount))
	}
}

// The cloud checks what a till uploads: a cashier, goods or discount not of
// the device's company, an ID it never gave out, a time outside [now − 400
// days, now + 1 day] are refused with bad_field and the receipt's ID — the
// till keeps such a receipt rejected and stops resending it — and nothing
// of them is stored; a cashier deleted since the sale still sold it.
func TestReceiptRefusedForGood(t *testing.T) {
	e := newReceiptEnv(t, nil)
	_, theirs := e.world.Shop(t)
	id, secret := e.enrollIn(e.company, "")
	term := e.connect(id, secret)
	mine := e.seller
	with := func(edit func(*salestest.Seller)) salestest.Seller { s := mine; edit(&s); return s }
	refused := map[string]protocol.Sale{
		"their cashier":    with(func(s *salestest.Seller) { s.CashierID = theirs.CashierID }).Sale(time.Now(), 100),
		"free text":        with(func(s *salestest.Seller) { s.CashierID = "Ольга" }).Sale(time.Now(), 100),
		"made-up cashier":  with(func(s *salestest.Seller) { s.CashierID = mypos.NewID() }).Sale(time.Now(), 100),
		"their goods":      with(func(s *salestest.Seller) { s.GoodsIDs = theirs.GoodsIDs }).Sale(time.Now(), 100),
		"their discount":   with(func(s *salestest.Seller) { s.DiscountID = theirs.DiscountID }).Sale(time.Now(), 100, 200),
		"end of time":      mine.Sale(time.Date(9999, 12, 31, 23, 59, 59, 0, time.UTC), 100),
		"401 days ago":     mine.Sale(time.Now().AddDate(0, 0, -401), 100),
		"two days ahead":   mine.Sale(time.Now().Add(48*time.Hour), 100),
		"before the epoch": mine.Sale(time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC), 100),
	}
	var want []string
	for _, s := range refused {
		term.upload(t, s)
		want = append(want, protocol.CodeBadField+"@"+s.ID)
	}
	deleted := mine.Sale(time.Now().Add(-time.Hour), 100)
	if err := e.world.Office.DeleteCashier(e.company, mine.CashierID); err != nil {
		t.Fatal(err)
	}
	term.upload(t, deleted)
	eventually(t, "every refusal and the ack", func() bool { return len(term.errors()) == len(refused) && term.acks()[deleted.ID] == 1 })
	got := term.errors()
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Fatalf("refusals %v, want %v", got, want)
	}
	if rows := e.list(e.company); len(rows) != 1 || rows[0].ID != deleted.ID {
		t.Fatalf("stored %+v, want the deleted cashier's receipt only", rows)
	}
	if n := counter(t, e.reg, "mypos_fleet_receipts_total", "refused"); n != float64(len(refused)) {
		t.Fatalf("receipts{refused}=%v, want %d", n, len(refused))
	}
}

// A receipt punched while its till held no license by the ledger's
// history is stored and acknowledged — money is never dropped — but marked
// unlicensed, and counted: a till whose license was released while it sold
// offline, and a till never licensed (a tampered one: the agent does not
// sell without a license). What the till sold while licensed is not marked.
func TestReceiptSoldWithoutLicense(t *testing.T) {
	e := newReceiptEnv(t, nil)
	offline, secret := e.enrollUnlicensed(e.company, "")
	tampered, tamperedSecret := e.enrollUnlicensed(e.company, "")
	var license string
	e.backdate(2*time.Hour, func() { license = e.world.License(t, e.company, offline) })
	e.backdate(time.Hour, func() {
		if _, err := e.world.Licensing.Release(e.company, license); err != nil {
			t.Fatal(err)
		}
	})
	whileLicensed, afterRelease := e.seller.Sale(time.Now().Add(-90*time.Minute), 100), e.sale(200)
	term := e.connect(offline, secret)
	term.upload(t, whileLicensed)
	term.upload(t, afterRelease)
	bad := e.sale(300)
	e.connect(tampered, tamperedSecret).upload(t, bad)

	want := map[string]bool{whileLicensed.ID: false, afterRelease.ID: true, bad.ID: true}
	eventually(t, "three receipts stored", func() bool { return len(e.list(e.company)) == 3 })
	for _, r := range e.list(e.company) {
		if r.Unlicensed != want[r.ID] {
			t.Errorf("receipt %s: unlicensed=%v, want %v", r.ID, r.Unlicensed, want[r.ID])
		}
	}
	eventually(t, "the acks", func() bool { return term.acks()[whileLicensed.ID] == 1 && term.acks()[afterRelease.ID] == 1 })
	if n := counter(t, e.reg, "mypos_fleet_receipts_unlicensed_total", ""); n != 2 {
		t.Fatalf("receipts_unlicensed=%v, want 2", n)
	}
	if n := counter(t, e.reg, "mypos_fleet_receipts_total", "stored"); n != 3 {
		t.Fatalf("receipts{stored}=%v, want 3", n)
	}
	board, err := e.sales.UnlicensedOn(context.Background(), []string{offline, tampered})
	if err != nil || board[offline].Receipts != 1 || board[tampered].Receipts != 1 {
		t.Fatalf("unlicensed by device %+v, %v", board, err)
	}
}
