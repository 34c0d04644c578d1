package sales

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"mypos"
	"mypos/protocol"
)

// upload is a receipt a till uploaded, and where its device stood, as
// Submit is told them.
type upload struct {
	CompanyID string
	DeviceID  string
	// StoreID is the device's store, "" when it stands in none.
	StoreID string
	Sale    protocol.Sale
}

// row is a receipt ready to insert: checked, computed, its body marshalled,
// and what the batch's checks look up (see check.go).
type row struct {
	Receipt
	CompanyID string
	Body      string
	goods     []string // the goods of its lines
	discounts []string // the discounts of its lines that name one
}

// key is a receipt's identity: a till's UUID is unique on that till only.
type key struct{ device, id string }

func (r *row) key() key { return key{r.DeviceID, r.ID} }

// A receipt's time must be plausible: a till sells now, or uploads what it
// sold offline — for days, not for more than a year — and its clock may
// run ahead of the cloud's, not by days. A time outside would sort the
// receipt away from every other (9999-12-31 tops the list for good).
const (
	maxReceiptAge   = 400 * 24 * time.Hour
	maxReceiptAhead = 24 * time.Hour
)

// prepare checks an uploaded receipt and computes its row: its IDs, its
// time against now (the cloud's clock), its sums by CheckSale. The ID is
// kept in lower case, as Postgres prints a UUID, so both databases and
// every lookup agree on it. What no batch could change is refused here;
// what belongs to whom, the batch checks (check.go).
// Returns EINVALID for bad IDs, an implausible time (field "at") or a sale
// CheckSale refuses.
func prepare(in upload, now time.Time) (*row, error) {
	if !mypos.ValidID(in.CompanyID) || !mypos.ValidID(in.DeviceID) || (in.StoreID != "" && !mypos.ValidID(in.StoreID)) {
		return nil, mypos.Invalid("device_id", "The receipt's device, company or store is not an ID.")
	}
	sale := in.Sale
	sale.ID = strings.ToLower(sale.ID)
	totals, err := protocol.CheckSale(&sale)
	if err != nil {
		return nil, mypos.Invalid("receipt", "%v", err)
	}
	if err := storable(&sale); err != nil {
		return nil, err
	}
	if err := plausible(sale.At, now); err != nil {
		return nil, err
	}
	body, err := json.Marshal(Contents{Sale: sale, Totals: totals})
	if err != nil {
		return nil, fmt.Errorf("marshal receipt %s: %w", sale.ID, err)
	}
	_, offset := sale.At.Zone()
	r := &row{CompanyID: in.CompanyID, Body: string(body), Receipt: Receipt{
		ID: sale.ID, DeviceID: in.DeviceID, CashierID: sale.CashierID, Number: sale.Number,
		PunchedAt: sale.At.UTC().Truncate(time.Microsecond), UTCOffset: offset, Day: sale.Day(), Payment: sale.Payment,
		Total: totals.Total, Discount: totals.Discount, VAT: totals.VAT, Lines: len(sale.Lines),
	}}
	if in.StoreID != "" {
		r.StoreID = &in.StoreID
	}
	for _, l := range sale.Lines {
		r.goods = append(r.goods, l.GoodsID)
		if l.DiscountID != "" {
			r.discounts = append(r.discounts, l.DiscountID)
		}
	}
	return r, nil
}

// storable refuses IDs the cloud never made — its cashiers, goods and
// discounts have UUIDs; anything else a till made up, and the lookups of
// check.go would fail on it on Postgres — and a name Postgres cannot keep
// (a NUL character, bytes that are not UTF-8). Such a receipt would fail
// on every retry, so it is refused up front and the till is told why
// instead of retrying forever.
func storable(s *protocol.Sale) error {
	if !mypos.ValidID(s.CashierID) {
		return mypos.Invalid("cashier_id", "The cashier is not an ID the cloud gave out.")
	}
	for i, l := range s.Lines {
		if !mypos.ValidID(l.GoodsID) || (l.DiscountID != "" && !mypos.ValidID(l.DiscountID)) {
			return mypos.Invalid("lines", "Line %d: its goods or discount is not an ID the cloud gave out.", i+1)
		}
		if !utf8.ValidString(l.Name) || strings.ContainsRune(l.Name, 0) {
			return mypos.Invalid("lines", "Line %d: its name must be UTF-8 text without NUL.", i+1)
		}
	}
	return nil
}

// plausible refuses a time outside [now − maxReceiptAge, now + maxReceiptAhead].
func plausible(at, now time.Time) error {
	if at.Before(now.Add(-maxReceiptAge)) || at.After(now.Add(maxReceiptAhead)) {
		return mypos.Invalid("at", "The receipt's time %s is not plausible: a receipt is at most %d days old, "+
			"and a till's clock at most a day ahead of the cloud's. Set the till's clock.",
			at.Format(time.RFC3339), int(maxReceiptAge.Hours()/24))
	}
	return nil
}

// The insert: every column, and the keys of the rows it stored — a row
// already there is left alone and not returned, which is how a repeated
// upload is told from a new one.
const (
	insertHead = `INSERT INTO receipts (device_id, id, company_id, store_id, cashier_id, number, punched_at, utc_offset,
	day, payment, total, discount, vat, lines, body, received_at, unlicensed)`
	insertTail = `ON CONFLICT (device_id, id) DO NOTHING RETURNING device_id, id`
	insertCols = 17
)

func (r *row) args(v []any) []any {
	return append(v, r.DeviceID, r.ID, r.CompanyID, r.StoreID, r.CashierID, r.Number, r.PunchedAt, r.UTCOffset,
		r.Day, r.Payment, r.Total, r.Discount, r.VAT, r.Lines, r.Body, r.ReceivedAt, r.Unlicensed)
}

// insert writes rows in the transaction of ctx, or on the pool, and
// returns the keys of those it stored.
func (s *Service) insert(ctx context.Context, rows []*row) (map[key]bool, error) {
	stored := make(map[key]bool, len(rows))
	err := s.db.InsertRowsReturning(ctx, insertHead, insertTail, insertCols, len(rows),
		func(i int, v []any) []any { return rows[i].args(v) },
		func(res *sql.Rows) error {
			var k key
			if err := res.Scan(&k.device, &k.id); err != nil {
				return err
			}
			stored[k] = true
			return nil
		})
	if err != nil {
		return nil, err
	}
	return stored, nil
}
