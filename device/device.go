// Package device keeps the devices (terminals) of a company: the inventory,
// where each stands, how it enrolls, the secret it connects with, and its
// revocation. Every change a terminal must see is appended to the changelog
// in the same transaction.
package device

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"strings"
	"time"

	"mypos/changelog"
	"mypos/db"
)

// Device is a terminal of a company. A revoked device keeps its row: its
// history (receipts, licenses) still points at it.
type Device struct {
	ID         string     `gorm:"column:id;primaryKey" json:"id"`
	CompanyID  string     `gorm:"column:company_id" json:"company_id"`
	Name       string     `gorm:"column:name" json:"name"`
	Serial     string     `gorm:"column:serial" json:"serial"`
	StoreID    *string    `gorm:"column:store_id" json:"store_id"`
	CreatedAt  time.Time  `gorm:"column:created_at" json:"created_at"`
	EnrolledAt *time.Time `gorm:"column:enrolled_at" json:"enrolled_at"`
	RevokedAt  *time.Time `gorm:"column:revoked_at" json:"revoked_at"`
}

// TableName tells gorm the table.
func (Device) TableName() string { return "devices" }

// deviceRow is the stored row: the device and what never leaves the package.
type deviceRow struct {
	Device     `gorm:"embedded"`
	NameKey    string  `gorm:"column:name_key"`
	SecretHash *string `gorm:"column:secret_hash"`
}

func (deviceRow) TableName() string { return "devices" }

// Options tune the service.
type Options struct {
	Logger *slog.Logger
}

// Service is the device domain. Its methods say who may call them and
// which error codes they return.
type Service struct {
	db      *db.DB
	changes *changelog.Log
	log     *slog.Logger
	limit   *limiter
	cache   *authCache
}

// NewService returns the device service over database, appending to log.
func NewService(database *db.DB, log *changelog.Log, opts Options) *Service {
	l := opts.Logger
	if l == nil {
		l = slog.New(slog.DiscardHandler)
	}
	now := func() time.Time { return database.Now() }
	return &Service{
		db: database, changes: log, log: l,
		limit: newLimiter(now, enrollLimit, enrollWindow),
		cache: newAuthCache(now, authCacheTTL, authCacheSize),
	}
}

// now is the transaction's clock, at the precision both databases keep.
func (s *Service) now() time.Time { return s.db.Now().UTC().Truncate(time.Microsecond) }

// NewDevice is what a company tells about a device it adds. StoreID
// places it in a store this package takes on trust: the stores are
// backoffice's, and backoffice.CreateDevice vouches for the store.
type NewDevice struct {
	Name    string  `json:"name"`
	Serial  string  `json:"serial"`
	StoreID *string `json:"store_id"`
}

// DevicePatch changes some fields of a device; a nil field stays as it is.
// Store says what happens to the device's store: see StoreChange. A store
// it places the device in is taken on trust, as NewDevice's is:
// backoffice.UpdateDevice vouches for it.
type DevicePatch struct {
	Name   *string     `json:"name"`
	Serial *string     `json:"serial"`
	Store  StoreChange `json:"store_id"`
}

// StoreChange is a tri-state: leave the store (the zero value, or the field
// absent from JSON), place the device in a store (Set with an ID, or a JSON
// string), or take it out of any store (Set with a nil ID, or JSON null).
type StoreChange struct {
	Set     bool
	StoreID *string
}

// PlaceIn places the device in a store.
func PlaceIn(storeID string) StoreChange { return StoreChange{Set: true, StoreID: &storeID} }

// NoStore takes the device out of any store.
func NoStore() StoreChange { return StoreChange{Set: true} }

// UnmarshalJSON reads a present store_id: a string places, null clears.
func (c *StoreChange) UnmarshalJSON(b []byte) error {
	c.Set, c.StoreID = true, nil
	if bytes.Equal(bytes.TrimSpace(b), []byte("null")) {
		return nil
	}
	return json.Unmarshal(b, &c.StoreID)
}

// Field limits, in characters.
const (
	maxName   = 100
	maxSerial = 64
)

// searchKey folds a name for search in Go: SQLite's lower() folds ASCII only.
func searchKey(s string) string { return strings.ToLower(s) }
