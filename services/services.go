// Package services wires the cloud's domain services — accounts, the
// changelog, devices, the backoffice, licensing, sales and the receipts
// ingester — over one migrated database, in the one order their
// dependencies allow. cmd/mypos and every test environment build them
// here, so a service is never built without what it needs.
//
// Fleet is not built here: it is the live side, started on a bus that is
// itself built with fleet as its listener, once per process (or once per
// node, in tests that run two). NewFleet gives it the services it needs;
// the caller gives it the bus and starts it.
package services

import (
	"log/slog"

	"mypos/account"
	"mypos/backoffice"
	"mypos/changelog"
	"mypos/db"
	"mypos/device"
	"mypos/fleet"
	"mypos/licensing"
	"mypos/sales"
)

// Schemas are every component's migrations, in dependency order: migrate
// a database with them before New.
var Schemas = []db.Schema{account.Schema, changelog.Schema, device.Schema, backoffice.Schema, fleet.Schema, licensing.Schema, sales.Schema}

// Config tunes the services; the zero value is production's choice. Every
// service reads the time through the database's Now, which is where tests
// set their clock.
type Config struct {
	// HashCost is bcrypt's cost for passwords and PINs; 0 is bcrypt's
	// default. Tests lower it to bcrypt.MinCost.
	HashCost int
	// Logger receives the services' logs; nil discards them.
	Logger *slog.Logger
	// Ingest tunes the receipts ingester; its Logger defaults to Logger.
	Ingest sales.IngestOptions
}

// Set is the domain services over one database. Every field is set by
// New; Close stops the ingester.
type Set struct {
	DB         *db.DB
	Changes    *changelog.Log
	Accounts   *account.Service
	Devices    *device.Service
	Backoffice *backoffice.Service
	Licensing  *licensing.Service
	Sales      *sales.Service
	// Receipts stores the receipts tills upload, checking each batch
	// against Backoffice (whose the cashiers, goods and discounts are) and
	// Licensing (was the till licensed).
	Receipts *sales.Ingester
}

// New builds every domain service over database, which Schemas have
// migrated, and starts the receipts ingester. The database stays the
// caller's to close, after Close.
func New(database *db.DB, cfg Config) *Set {
	s := &Set{DB: database, Changes: changelog.New(database)}
	s.Accounts = account.NewService(database, account.Options{HashCost: cfg.HashCost, Logger: cfg.Logger})
	s.Devices = device.NewService(database, s.Changes, device.Options{Logger: cfg.Logger})
	s.Backoffice = backoffice.NewService(database, s.Changes, s.Devices, backoffice.Options{HashCost: cfg.HashCost})
	s.Licensing = licensing.NewService(database, s.Changes, s.Accounts, s.Devices, licensing.Options{Logger: cfg.Logger})
	s.Sales = sales.NewService(database)
	ingest := cfg.Ingest
	if ingest.Logger == nil {
		ingest.Logger = cfg.Logger
	}
	s.Receipts = sales.NewIngester(s.Sales, sales.Checks{Owners: s.Backoffice, Licenses: s.Licensing}, ingest)
	return s
}

// NewFleet builds fleet over the services — the database, the changelog,
// the devices, licensing for keys typed on tills and the ingester for
// their receipts —, cfg giving the rest (node, metrics, limits). The
// caller starts it on a bus, and closes it before Close.
func (s *Set) NewFleet(cfg fleet.Config) (*fleet.Fleet, error) {
	cfg.DB, cfg.Changes, cfg.Devices, cfg.Licenses, cfg.Receipts = s.DB, s.Changes, s.Devices, s.Licensing, s.Receipts
	return fleet.New(cfg)
}

// Close stops the ingester once it has written what was queued. Close
// fleet first: its workers submit to the ingester until they stop.
func (s *Set) Close() { s.Receipts.Close() }
