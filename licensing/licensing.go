// Package licensing keeps the licenses a partner buys from the owner and
// passes on: each license's facts (sealed, holder, device), its key, and the
// numbered, append-only documents every change of facts goes through —
// sale, transfer, unseal, assign, activate, move, release. A replay of the
// documents must rebuild every license's facts exactly (Verify).
//
// Locks: every operation locks the licenses it changes by id, then the
// document counter, then — through the changelog — the company's revision,
// and checks the facts only once it holds them. The counter is one row, so
// license writes are serialised from the moment a document is numbered.
package licensing

import (
	"log/slog"
	"sync"
	"time"

	"mypos"
	"mypos/account"
	"mypos/changelog"
	"mypos/db"
	"mypos/device"
)

// Document types.
const (
	TypeSale     = "sale"
	TypeTransfer = "transfer"
	TypeUnseal   = "unseal"
	TypeAssign   = "assign"
	TypeActivate = "activate"
	TypeMove     = "move"
	TypeRelease  = "release"
)

// License states, derived from the facts: on a device it is active;
// otherwise sealed or unsealed.
const (
	StateSealed   = "sealed"
	StateUnsealed = "unsealed"
	StateActive   = "active"
)

// Options tune the service.
type Options struct {
	Logger *slog.Logger
}

// Service is the licensing domain. Its methods say who may call them and
// which error codes they return.
type Service struct {
	db       *db.DB
	changes  *changelog.Log
	accounts *account.Service
	devices  *device.Service
	log      *slog.Logger
	// writers queues this process's licensing transactions on SQLite (inTx).
	writers sync.Mutex
}

// NewService returns licensing over database, appending device changes to log,
// asking accounts about partners and links and devices about devices.
func NewService(database *db.DB, log *changelog.Log, accounts *account.Service, devices *device.Service, opts Options) *Service {
	l := opts.Logger
	if l == nil {
		l = slog.New(slog.DiscardHandler)
	}
	return &Service{db: database, changes: log, accounts: accounts, devices: devices, log: l}
}

// now is the clock of every write, at the precision both databases keep.
func (s *Service) now() time.Time { return s.db.Now().UTC().Truncate(time.Microsecond) }

// notFound is the answer for a row that does not exist or is another
// tenant's: the two are indistinguishable to the caller.
func notFound(field, what string) error {
	return &mypos.Error{Code: mypos.ENOTFOUND, Field: field, Message: "No such " + what + "."}
}

func conflict(format string, args ...any) error {
	return mypos.Errorf(mypos.ECONFLICT, format, args...)
}
