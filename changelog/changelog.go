// Package changelog is the per-company log of every change a terminal must
// see: a revision counter and immutable change rows appended in the writer's
// own transaction, the routing facts (scope, previous scope) fleet needs to
// send each device only what it may see, and the readers for catch-up sync.
package changelog

import (
	"context"
	"encoding/json"
	"errors"
	"sync"
	"time"

	"mypos/db"
	"mypos/protocol"
)

// Entry is a change to append: an entity's new state and who may see it.
type Entry struct {
	Kind   string // protocol.KindCashier, KindStore, KindDevice, KindGoods, …
	Entity string // the entity's ID
	Op     string // protocol.OpUpsert or protocol.OpDelete
	Body   any    // the new state, marshalled to JSON; nil for a delete
	// Scope is who may see the entity now; for a delete, who saw it.
	Scope Scope
	// PrevScope is who could see it before, when that differs from Scope:
	// the devices that lose sight of it are sent a delete.
	PrevScope *Scope
}

// Change is a stored change row.
type Change struct {
	CompanyID string
	Rev       int64
	Kind      string
	Entity    string
	Op        string
	Body      json.RawMessage
	Scope     Scope
	PrevScope *Scope
	CreatedAt time.Time
}

// Commit tells subscribers that a company's log grew to Rev.
type Commit struct {
	CompanyID string
	Rev       int64
}

// Log is the changelog service.
type Log struct {
	db *db.DB

	mu   sync.Mutex
	subs map[chan Commit]struct{}
}

// New returns the changelog over database.
func New(database *db.DB) *Log {
	return &Log{db: database, subs: make(map[chan Commit]struct{})}
}

// ErrNoTransaction is returned by Append outside a transaction: a change
// must commit or roll back with the write it describes.
var ErrNoTransaction = errors.New("changelog: Append needs the writer's transaction (database.InTx)")

// Append records a change in the transaction of ctx and returns its
// revision: AppendMany of one entry. Revisions of a company are gapless and
// strictly increasing under concurrent writers: the counter row is updated
// first, which locks it on Postgres until commit (SQLite serialises writers
// anyway). Once the transaction commits, subscribers and the other nodes
// hear of it.
func (l *Log) Append(ctx context.Context, companyID string, e Entry) (int64, error) {
	return l.AppendMany(ctx, companyID, []Entry{e})
}

func marshalBody(e Entry) (*string, error) {
	switch {
	case e.Op == protocol.OpDelete:
		return nil, nil
	case e.Op != protocol.OpUpsert:
		return nil, errors.New("changelog: op must be upsert or delete, not " + e.Op)
	}
	b, err := json.Marshal(e.Body)
	if err != nil {
		return nil, err
	}
	s := string(b)
	return &s, nil
}

// Subscribe returns a channel that hears of every commit in this process,
// and a function to stop. A subscriber that falls behind loses commits, not
// changes: it must read the log from its own cursor, and treat a commit as
// a wake-up only.
func (l *Log) Subscribe() (<-chan Commit, func()) {
	ch := make(chan Commit, 1024)
	l.mu.Lock()
	l.subs[ch] = struct{}{}
	l.mu.Unlock()
	return ch, func() {
		l.mu.Lock()
		delete(l.subs, ch)
		l.mu.Unlock()
	}
}

func (l *Log) publish(c Commit) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for ch := range l.subs {
		select {
		case ch <- c:
		default: // a full subscriber catches up from its cursor
		}
	}
}
