package licensing

import (
	"context"

	"mypos/db"
)

// inTx runs fn in a transaction, as db.InTx. On SQLite, which has one
// writer at a time, licensing's own transactions also queue here, in the
// process: a writer that finds the database locked polls it with sleeps of
// up to 100 ms (busy_timeout), so a burst of activations waiting on one
// another would spend most of its time asleep. A call that joins an outer
// transaction does not queue: the outer one already holds the database,
// and waiting here for a writer that waits for it would never end.
func (s *Service) inTx(ctx context.Context, fn func(ctx context.Context) error) error {
	if s.db.Dialect() == db.SQLite && !db.InTransaction(ctx) {
		s.writers.Lock()
		defer s.writers.Unlock()
	}
	return s.db.InTx(ctx, fn)
}
