// Package sales keeps the receipts the tills registered and sums them up:
// an ingester that stores what fleet hands it in batches, once per device
// and receipt, and the company's list, receipt and summary for the cabinet.
package sales

import (
	"context"
	"time"

	"mypos"
	"mypos/db"
	"mypos/protocol"
)

// Service reads a company's receipts; an Ingester writes them.
type Service struct {
	db *db.DB
}

// NewService returns the sales service over database.
func NewService(database *db.DB) *Service { return &Service{db: database} }

// Receipt is a stored receipt as a list shows it: who punched it where and
// when, and its sums in kopecks.
type Receipt struct {
	ID       string `json:"id"`
	DeviceID string `json:"device_id"`
	// StoreID is the store the device stood in when the receipt arrived;
	// nil when it stood in none.
	StoreID   *string `json:"store_id"`
	CashierID string  `json:"cashier_id"`
	Number    int64   `json:"number"`
	// PunchedAt is when the till punched it, in UTC; UTCOffset the till's
	// offset east of UTC then, in seconds; Day its local date.
	PunchedAt  time.Time `json:"punched_at"`
	UTCOffset  int       `json:"utc_offset"`
	Day        string    `json:"day"`
	Payment    string    `json:"payment"`
	Total      int64     `json:"total"`
	Discount   int64     `json:"discount"`
	VAT        int64     `json:"vat"`
	Lines      int       `json:"lines"`
	ReceivedAt time.Time `json:"received_at"`
	// Unlicensed marks a receipt its till punched while it held no license
	// by the ledger's history: released or moved away while the till was
	// offline, or a tampered till. It is stored all the same — money is
	// never dropped — and shown to the company and its partner.
	Unlicensed bool `json:"unlicensed"`
}

// TableName is gorm's.
func (Receipt) TableName() string { return "receipts" }

// Contents is what a receipt holds beyond its list row: the sale as the
// till sent it (its local time with its offset) and the arithmetic of it.
type Contents struct {
	Sale   protocol.Sale   `json:"sale"`
	Totals protocol.Totals `json:"totals"`
}

// Detail is one receipt in full.
type Detail struct {
	Receipt
	Contents
}

// Local is when the till punched the receipt, on the till's clock.
func (r *Receipt) Local() time.Time { return r.PunchedAt.In(time.FixedZone("", r.UTCOffset)) }

// utc gives the times of a row read back the location they were written in:
// the databases return them in their own.
func (r *Receipt) utc() {
	r.PunchedAt, r.ReceivedAt = r.PunchedAt.UTC(), r.ReceivedAt.UTC()
}

// companyOf returns the company the caller acts for.
// Returns EUNAUTHORIZED when nobody is logged in, EFORBIDDEN for a non-company.
func companyOf(ctx context.Context) (string, error) {
	a, err := mypos.RequireActor(ctx, mypos.KindCompany)
	if err != nil {
		return "", err
	}
	return a.CompanyID, nil
}

// now is the clock of every write, at the precision both databases keep,
// so what is written equals what is read back.
func (s *Service) now() time.Time { return s.db.Now().UTC().Truncate(time.Microsecond) }
