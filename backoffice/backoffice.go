// Package backoffice is what a company manages beyond its devices: its
// stores ("trade objects"), its cashiers with the devices each may work
// on, and the catalog a till sells from — goods with barcodes, goods
// groups, prices per store, discounts, and the CSV import — and, later,
// receipts. Every write a terminal must see is appended to the changelog
// in the same transaction, scoped to the devices that may see it.
package backoffice

import (
	"context"
	"strings"
	"time"

	"golang.org/x/crypto/bcrypt"
	"gorm.io/gorm"

	"mypos"
	"mypos/changelog"
	"mypos/db"
	"mypos/device"
)

// Options tune the service. The zero value is production's choice.
type Options struct {
	// HashCost is bcrypt's cost for PINs; tests lower it to bcrypt.MinCost.
	HashCost int
}

// Service is the backoffice domain. Its methods say who may call them and
// which error codes they return; every one is scoped to a company.
type Service struct {
	db       *db.DB
	changes  *changelog.Log
	devices  *device.Service
	hashCost int
}

// NewService returns the backoffice over database, appending to log and asking
// devices whether a device belongs to a company.
func NewService(database *db.DB, log *changelog.Log, devices *device.Service, opts Options) *Service {
	cost := opts.HashCost
	if cost == 0 {
		cost = bcrypt.DefaultCost
	}
	return &Service{db: database, changes: log, devices: devices, hashCost: cost}
}

// now is the clock of every write, at the precision both databases keep, so
// what a write returns equals what a later read finds.
func (s *Service) now() time.Time { return s.db.Now().UTC().Truncate(time.Microsecond) }

// companyOf returns the company the caller acts for.
// Returns EUNAUTHORIZED when nobody is logged in, EFORBIDDEN for a non-company.
func companyOf(ctx context.Context) (string, error) {
	a, err := mypos.RequireActor(ctx, mypos.KindCompany)
	if err != nil {
		return "", err
	}
	return a.CompanyID, nil
}

// searchKey is the lower-cased form search columns keep, computed in Go
// because SQLite's lower() folds ASCII only ("Ольга" must match "ольга").
func searchKey(s string) string { return strings.ToLower(s) }

// searchName narrows q to rows whose name contains the text, any case.
func searchName(q *gorm.DB, text string) *gorm.DB {
	if text == "" {
		return q
	}
	return q.Where("name_key LIKE ? ESCAPE '!'", db.Contains(searchKey(text)))
}

// maxName bounds the names of stores, cashiers, groups and discounts, in
// characters.
const maxName = 100

// notFound is the answer for a row that does not exist or belongs to
// another company: the two are indistinguishable to the caller.
func notFound(what string) error {
	return mypos.Errorf(mypos.ENOTFOUND, "No such %s.", what)
}
