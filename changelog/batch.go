package changelog

import (
	"context"

	"mypos/db"
	"mypos/protocol"
)

// AppendMany records entries, in order, in the transaction of ctx, and is
// the log's one writer (Append is AppendMany of one): one counter update for
// the whole batch, which takes the next len(entries) revisions, then
// multi-row inserts of the changes and the last states — a few statements
// however many entries, so a bulk write (a catalog import) pays no
// per-entry round trips. It returns the revision of the last entry;
// subscribers hear of it once, after commit.
func (l *Log) AppendMany(ctx context.Context, companyID string, entries []Entry) (int64, error) {
	if !db.InTransaction(ctx) {
		return 0, ErrNoTransaction
	}
	if len(entries) == 0 {
		return l.Head(ctx, companyID)
	}
	bodies := make([]*string, len(entries))
	for i, e := range entries {
		var err error
		if bodies[i], err = marshalBody(e); err != nil {
			return 0, err
		}
	}
	n := int64(len(entries))
	var last int64
	err := l.db.Conn(ctx).Raw(`INSERT INTO changelog_heads (company_id, rev) VALUES (?, ?)
		ON CONFLICT (company_id) DO UPDATE SET rev = changelog_heads.rev + ? RETURNING rev`, companyID, n, n).Row().Scan(&last)
	if err != nil {
		return 0, err
	}
	if err := l.insertChanges(ctx, companyID, last-n+1, entries, bodies); err != nil {
		return 0, err
	}
	if err := l.saveStates(ctx, companyID, last-n+1, entries, bodies); err != nil {
		return 0, err
	}
	if err := l.announce(ctx, Commit{CompanyID: companyID, Rev: last}); err != nil {
		return 0, err
	}
	return last, nil
}

// insertChanges writes the change rows, revisions first, first+1, ….
func (l *Log) insertChanges(ctx context.Context, companyID string, first int64, entries []Entry, bodies []*string) error {
	now := l.db.Now()
	return l.db.InsertRows(ctx, `INSERT INTO changes (company_id, rev, kind, entity, op, body, scope, prev_scope, created_at)`,
		"", 9, len(entries), func(i int, v []any) []any {
			e := entries[i]
			var prev *string
			if e.PrevScope != nil && !e.PrevScope.Equal(e.Scope) {
				p := e.PrevScope.String()
				prev = &p
			}
			return append(v, companyID, first+int64(i), e.Kind, e.Entity, e.Op, bodies[i], e.Scope.String(), prev, now)
		})
}

// saveStates keeps each entity's last state: of several entries for one
// entity only the last counts (one statement cannot touch a row twice).
func (l *Log) saveStates(ctx context.Context, companyID string, first int64, entries []Entry, bodies []*string) error {
	type key struct{ kind, entity string }
	lastOf := make(map[key]int, len(entries))
	for i, e := range entries {
		lastOf[key{e.Kind, e.Entity}] = i
	}
	upserts := make([]int, 0, len(entries))
	for i, e := range entries {
		switch {
		case lastOf[key{e.Kind, e.Entity}] != i:
		case e.Op == protocol.OpDelete:
			err := l.db.Conn(ctx).Exec(`DELETE FROM changelog_state WHERE company_id = ? AND kind = ? AND entity = ?`,
				companyID, e.Kind, e.Entity).Error
			if err != nil {
				return err
			}
		default:
			upserts = append(upserts, i)
		}
	}
	return l.db.InsertRows(ctx, `INSERT INTO changelog_state (company_id, kind, entity, rev, scope, scope_kind, scope_store, body)`,
		`ON CONFLICT (company_id, kind, entity) DO UPDATE SET rev = excluded.rev, scope = excluded.scope,
			scope_kind = excluded.scope_kind, scope_store = excluded.scope_store, body = excluded.body`,
		8, len(upserts), func(j int, v []any) []any {
			i := upserts[j]
			e := entries[i]
			var storeID *string
			if e.Scope.Kind == ScopeStore {
				storeID = &e.Scope.IDs[0]
			}
			return append(v, companyID, e.Kind, e.Entity, first+int64(i), e.Scope.String(), e.Scope.Kind, storeID, *bodies[i])
		})
}
