package sales

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"

	"mypos"
	"mypos/db"
)

// Filter asks for a page of a company's receipts, newest first. Every
// field may be left empty. From and To are days (YYYY-MM-DD), both
// included; Cursor is the Next of the page before.
type Filter struct {
	From, To  string
	StoreID   string
	DeviceID  string
	CashierID string
	Cursor    string
	Limit     int
}

// List returns a page of the caller's company's receipts, newest punched
// first, and the cursor of the next page ("" on the last). Company only.
// Returns EUNAUTHORIZED, EFORBIDDEN for another kind, EINVALID for a bad
// filter (the field it names).
func (s *Service) List(ctx context.Context, f Filter) ([]Receipt, string, error) {
	companyID, err := companyOf(ctx)
	if err != nil {
		return nil, "", err
	}
	q, err := f.apply(s.db.Conn(ctx).Model(&Receipt{}).Where("company_id = ?", companyID))
	if err != nil {
		return nil, "", err
	}
	limit := f.Limit
	if limit == 0 {
		limit = db.DefaultLimit
	}
	var rows []Receipt
	if err := q.Select(listColumns).Order("punched_at DESC, device_id DESC, id DESC").Limit(limit + 1).Find(&rows).Error; err != nil {
		return nil, "", err
	}
	for i := range rows {
		rows[i].utc()
	}
	if len(rows) <= limit {
		return rows, "", nil
	}
	rows = rows[:limit]
	return rows, cursorOf(&rows[limit-1]), nil
}

// listColumns are a Receipt's: a list leaves the bodies in the database.
const listColumns = `id, device_id, store_id, cashier_id, number, punched_at, utc_offset, day, payment, total,
	discount, vat, lines, received_at, unlicensed`

// apply validates the filter and adds it to q.
func (f Filter) apply(q *gorm.DB) (*gorm.DB, error) {
	if err := f.validate(); err != nil {
		return nil, err
	}
	for _, c := range []struct{ cond, v string }{
		{"day >= ?", f.From}, {"day <= ?", f.To}, {"store_id = ?", f.StoreID},
		{"device_id = ?", f.DeviceID}, {"cashier_id = ?", f.CashierID},
	} {
		if c.v != "" {
			q = q.Where(c.cond, c.v)
		}
	}
	q = punchedWithin(q, f.From, f.To, f.Cursor != "")
	if f.Cursor != "" {
		at, device, id, err := parseCursor(f.Cursor)
		if err != nil {
			return nil, err
		}
		// A row value compares column by column, and both databases walk
		// the list's index with it.
		q = q.Where("(punched_at, device_id, id) < (?, ?, ?)", at, device, id)
	}
	return q, nil
}

func (f Filter) validate() error {
	for _, d := range []struct{ field, v string }{{"from", f.From}, {"to", f.To}} {
		if d.v != "" {
			if _, err := parseDay(d.field, d.v); err != nil {
				return err
			}
		}
	}
	switch {
	case f.From != "" && f.To != "" && f.From > f.To:
		return mypos.Invalid("from", "The period starts after it ends.")
	case f.StoreID != "" && !mypos.ValidID(f.StoreID):
		return mypos.Invalid("store_id", "The store is not an ID.")
	case f.DeviceID != "" && !mypos.ValidID(f.DeviceID):
		return mypos.Invalid("device_id", "The device is not an ID.")
	case len(f.CashierID) > 64:
		return mypos.Invalid("cashier_id", "The cashier's ID has at most 64 characters.")
	case f.Limit < 0 || f.Limit > db.MaxLimit:
		return mypos.Invalid("limit", "The limit must be between 1 and %d.", db.MaxLimit)
	}
	return nil
}

// parseDay reads a YYYY-MM-DD day.
func parseDay(field, s string) (time.Time, error) {
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return time.Time{}, mypos.Invalid(field, "A day is written YYYY-MM-DD, like 2026-03-08.")
	}
	return d, nil
}

// A cursor is the last row's place in the order: its punch time in
// microseconds (the precision both databases keep), device and ID.
func cursorOf(r *Receipt) string {
	return strconv.FormatInt(r.PunchedAt.UnixMicro(), 10) + "_" + r.DeviceID + "_" + r.ID
}

func parseCursor(s string) (time.Time, string, string, error) {
	bad := mypos.Invalid("cursor", "The cursor is not one this API gave out.")
	parts := strings.Split(s, "_")
	if len(parts) != 3 || !mypos.ValidID(parts[1]) || !mypos.ValidID(parts[2]) {
		return time.Time{}, "", "", bad
	}
	us, err := strconv.ParseInt(parts[0], 10, 64)
	if err != nil {
		return time.Time{}, "", "", bad
	}
	return time.UnixMicro(us).UTC(), parts[1], parts[2], nil
}

// Get returns one receipt of the caller's company in full. Company only.
// Returns EUNAUTHORIZED, EFORBIDDEN for another kind, ENOTFOUND when the
// company has no such receipt — another company's included.
func (s *Service) Get(ctx context.Context, id string) (*Detail, error) {
	companyID, err := companyOf(ctx)
	if err != nil {
		return nil, err
	}
	notFound := mypos.Errorf(mypos.ENOTFOUND, "No such receipt.")
	if !mypos.ValidID(strings.ToLower(id)) {
		return nil, notFound
	}
	var r row
	err = s.db.Conn(ctx).Model(&Receipt{}).Where("company_id = ? AND id = ?", companyID, strings.ToLower(id)).
		Order("device_id").Take(&r).Error
	if err != nil {
		return nil, db.NotFound(err, notFound.Message)
	}
	d := &Detail{Receipt: r.Receipt}
	d.utc()
	if err := json.Unmarshal([]byte(r.Body), &d.Contents); err != nil {
		return nil, fmt.Errorf("receipt %s: its body: %w", r.ID, err)
	}
	return d, nil
}
