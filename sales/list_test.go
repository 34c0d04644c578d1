package sales

import (
	"cmp"
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"mypos"
	"mypos/protocol"
	"mypos/sales/salestest"
)

// The list walks every receipt once, newest punched first — receipts
// punched in the same microsecond on two devices included — a page at a
// time, and each filter narrows it.
func TestListPagesAndFilters(t *testing.T) {
	f := newFixture(t, IngestOptions{})
	companyID, ctx := company()
	dev1, dev2, storeID := mypos.NewID(), mypos.NewID(), mypos.NewID()
	base := salestest.At("2026-03-07T09:00:00+03:00")
	var all []upload
	for i := range 8 {
		at := base.Add(time.Duration(min(i, 5)) * 24 * time.Hour / 4) // the last three at one instant
		dev, st, cashier := dev1, storeID, cashierA
		if i%2 == 1 {
			dev, st, cashier = dev2, "", cashierB
		}
		all = append(all, incoming(companyID, dev, st, salestest.Sale(at, cashier, int64(100*(i+1)))))
	}
	f.store(all...)

	want := slices.Clone(all)
	slices.SortFunc(want, func(a, b upload) int {
		return cmp.Or(b.Sale.At.Compare(a.Sale.At), strings.Compare(b.DeviceID, a.DeviceID), strings.Compare(b.Sale.ID, a.Sale.ID))
	})
	if got := walk(t, f.svc, ctx, Filter{Limit: 3}); !slices.Equal(got, idsOf(want)) {
		t.Fatalf("pages gave\n%v\nwant\n%v", got, idsOf(want))
	}

	filters := []struct {
		name string
		f    Filter
		keep func(upload) bool
	}{
		{"Day", Filter{From: "2026-03-08", To: "2026-03-08"}, func(in upload) bool { return in.Sale.Day() == "2026-03-08" }},
		{"From", Filter{From: "2026-03-08"}, func(in upload) bool { return in.Sale.Day() >= "2026-03-08" }},
		{"Store", Filter{StoreID: storeID}, func(in upload) bool { return in.StoreID == storeID }},
		{"Device", Filter{DeviceID: dev2}, func(in upload) bool { return in.DeviceID == dev2 }},
		{"Cashier", Filter{CashierID: cashierA, To: "2026-03-07"}, func(in upload) bool { return in.Sale.CashierID == cashierA && in.Sale.Day() <= "2026-03-07" }},
	}
	for _, tt := range filters {
		t.Run(tt.name, func(t *testing.T) {
			tt.f.Limit = 2
			exp := idsOf(slices.DeleteFunc(slices.Clone(want), func(in upload) bool { return !tt.keep(in) }))
			if got := walk(t, f.svc, ctx, tt.f); len(exp) == 0 || !slices.Equal(got, exp) {
				t.Fatalf("got %v, want %v", got, exp)
			}
		})
	}
}

// walk lists every page of the filter and returns the receipts' IDs.
func walk(t *testing.T, svc *Service, ctx context.Context, f Filter) []string {
	t.Helper()
	var ids []string
	for page := 0; ; page++ {
		rows, next, err := svc.List(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) > f.Limit || (next != "" && len(rows) != f.Limit) || page > 20 {
			t.Fatalf("page %d: %d rows, next %q", page, len(rows), next)
		}
		for _, r := range rows {
			ids = append(ids, r.ID)
		}
		if next == "" {
			return ids
		}
		f.Cursor = next
	}
}

func idsOf(ins []upload) []string {
	ids := make([]string, len(ins))
	for i, in := range ins {
		ids[i] = in.Sale.ID
	}
	return ids
}

func TestListRefusesBadFilters(t *testing.T) {
	f := newFixture(t, IngestOptions{})
	_, ctx := company()
	tests := []struct {
		name  string
		f     Filter
		field string
	}{
		{"BadFrom", Filter{From: "2026-13-01"}, "from"},
		{"BadTo", Filter{To: "08.03.2026"}, "to"},
		{"Reversed", Filter{From: "2026-03-09", To: "2026-03-08"}, "from"},
		{"BadStore", Filter{StoreID: "1; drop"}, "store_id"},
		{"BadDevice", Filter{DeviceID: "dev"}, "device_id"},
		{"LongCashier", Filter{CashierID: strings.Repeat("c", 65)}, "cashier_id"},
		{"BadLimit", Filter{Limit: 501}, "limit"},
		{"NegativeLimit", Filter{Limit: -1}, "limit"},
		{"BadCursor", Filter{Cursor: "x"}, "cursor"},
		{"CursorNotNumber", Filter{Cursor: "t_" + mypos.NewID() + "_" + mypos.NewID()}, "cursor"},
		{"CursorBadID", Filter{Cursor: "1_" + mypos.NewID() + "_x"}, "cursor"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := f.svc.List(ctx, tt.f)
			wantCode(t, err, mypos.EINVALID, tt.field)
		})
	}
}

// Get returns the receipt in full: the sale as the till sent it, with its
// local time, and protocol's arithmetic of it.
func TestGet(t *testing.T) {
	f := newFixture(t, IngestOptions{})
	companyID, ctx := company()
	dev, storeID := mypos.NewID(), mypos.NewID()
	s := salestest.Sale(salestest.At("2026-03-08T01:30:00+10:00"), cashierA, 5990, 12000, 990)
	f.store(incoming(companyID, dev, storeID, s))

	d, err := f.svc.Get(ctx, strings.ToUpper(s.ID))
	if err != nil {
		t.Fatal(err)
	}
	tot := salestest.Totals(s)
	if d.ID != s.ID || d.DeviceID != dev || d.StoreID == nil || *d.StoreID != storeID || d.CashierID != cashierA ||
		d.Number != s.Number || d.Day != "2026-03-08" || !d.PunchedAt.Equal(s.At) || d.PunchedAt.Location() != time.UTC ||
		d.Payment != protocol.PaymentCard || d.Lines != 3 || d.Total != tot.Total || d.Discount != tot.Discount || d.VAT != tot.VAT {
		t.Fatalf("receipt %+v\nof sale %+v, totals %+v", d.Receipt, s, tot)
	}
	if got := d.Local().Format(time.RFC3339); got != "2026-03-08T01:30:00+10:00" {
		t.Fatalf("local time %s, want the till's 2026-03-08T01:30:00+10:00", got)
	}
	if _, off := d.Sale.At.Zone(); off != 10*3600 || d.Sale.Lines[1].Discount == nil || d.Sale.Lines[0].Name != "Товар" {
		t.Fatalf("the stored sale lost its detail: %+v", d.Sale)
	}
	if d.Totals.Total != tot.Total || len(d.Totals.Lines) != 3 || d.Totals.Lines[1] != tot.Lines[1] || d.Totals.VATByRate[protocol.VAT22] != tot.VATByRate[protocol.VAT22] {
		t.Fatalf("totals %+v, want %+v", d.Totals, tot)
	}
	for _, id := range []string{mypos.NewID(), "not-an-id", ""} {
		_, err := f.svc.Get(ctx, id)
		wantCode(t, err, mypos.ENOTFOUND, "")
	}
}

// A company sees its own receipts only: another's are not found, not
// listed, not summed. Only a company may ask.
func TestTenancy(t *testing.T) {
	f := newFixture(t, IngestOptions{})
	mineID, mine := company()
	theirsID, theirs := company()
	s := salestest.Sale(salestest.At("2026-03-08T12:00:00+03:00"), cashierA, 1000)
	f.store(incoming(mineID, mypos.NewID(), "", s), incoming(theirsID, mypos.NewID(), "", salestest.Sale(s.At, cashierA, 2000)))

	_, err := f.svc.Get(theirs, s.ID)
	wantCode(t, err, mypos.ENOTFOUND, "")
	rows, _, err := f.svc.List(theirs, Filter{})
	if err != nil || len(rows) != 1 || rows[0].ID == s.ID {
		t.Fatalf("the other company lists %+v, %v", rows, err)
	}
	sum, err := f.svc.Summary(theirs, "2026-03-08", "2026-03-08")
	if err != nil || sum.Totals.Receipts != 1 || sum.Totals.Total != 2000 {
		t.Fatalf("the other company's summary %+v, %v", sum, err)
	}
	if _, err := f.svc.Get(mine, s.ID); err != nil {
		t.Fatal(err)
	}

	partner := mypos.NewContextWithActor(context.Background(), mypos.Actor{Kind: mypos.KindPartner, ID: mypos.NewID()})
	for _, c := range []struct {
		ctx  context.Context
		code string
	}{{partner, mypos.EFORBIDDEN}, {context.Background(), mypos.EUNAUTHORIZED}} {
		_, err := f.svc.Get(c.ctx, s.ID)
		wantCode(t, err, c.code, "")
		_, _, err = f.svc.List(c.ctx, Filter{})
		wantCode(t, err, c.code, "")
		_, err = f.svc.Summary(c.ctx, "2026-03-08", "2026-03-08")
		wantCode(t, err, c.code, "")
	}
}
