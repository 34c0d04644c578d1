package changelog

import (
	"context"
	"database/sql"
	"encoding/json"
	"slices"
	"time"

	"mypos/protocol"
)

// Head returns a company's latest revision; 0 before its first change.
func (l *Log) Head(ctx context.Context, companyID string) (int64, error) {
	var rev []int64
	err := l.db.Conn(ctx).Raw(`SELECT rev FROM changelog_heads WHERE company_id = ?`, companyID).Scan(&rev).Error
	if err != nil || len(rev) == 0 {
		return 0, err
	}
	return rev[0], nil
}

type changeRow struct {
	CompanyID string
	Rev       int64
	Kind      string
	Entity    string
	Op        string
	Body      *string
	Scope     string
	PrevScope *string
	CreatedAt time.Time
}

func (r changeRow) change() (Change, error) {
	c := Change{CompanyID: r.CompanyID, Rev: r.Rev, Kind: r.Kind, Entity: r.Entity, Op: r.Op, CreatedAt: r.CreatedAt}
	if r.Body != nil {
		c.Body = json.RawMessage(*r.Body)
	}
	var err error
	if c.Scope, err = ParseScope(r.Scope); err != nil {
		return c, err
	}
	if r.PrevScope != nil {
		p, err := ParseScope(*r.PrevScope)
		if err != nil {
			return c, err
		}
		c.PrevScope = &p
	}
	return c, nil
}

// Rows returns up to limit changes of a company after a revision, in order.
func (l *Log) Rows(ctx context.Context, companyID string, after int64, limit int) ([]Change, error) {
	return l.Range(ctx, companyID, after, 1<<62, limit)
}

// Range returns up to limit changes of a company with after < rev ≤ upto, in order.
func (l *Log) Range(ctx context.Context, companyID string, after, upto int64, limit int) ([]Change, error) {
	var rows []changeRow
	err := l.db.Conn(ctx).Raw(`SELECT company_id, rev, kind, entity, op, body, scope, prev_scope, created_at
		FROM changes WHERE company_id = ? AND rev > ? AND rev <= ? ORDER BY rev LIMIT ?`, companyID, after, upto, limit).Scan(&rows).Error
	if err != nil {
		return nil, err
	}
	out := make([]Change, len(rows))
	for i, r := range rows {
		if out[i], err = r.change(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// Item is an entity's state as a device must apply it.
type Item struct {
	Kind   string          `json:"kind"`
	Entity string          `json:"id"`
	Op     string          `json:"op"`
	Body   json.RawMessage `json:"body,omitempty"`
}

// Visible reports what a device should do about one change: upsert the
// body when it may see the entity now, delete it when it could see it before
// (or is told of a delete it saw), nothing otherwise — decided from the
// scopes alone.
func (c Change) Visible(v View) (Item, bool) {
	item := Item{Kind: c.Kind, Entity: c.Entity, Op: c.Op}
	switch {
	case c.Op == protocol.OpUpsert && c.Scope.Includes(v):
		item.Body = c.Body
		return item, true
	case c.Scope.Includes(v) || c.PrevScope != nil && c.PrevScope.Includes(v):
		item.Op, item.Body = protocol.OpDelete, nil
		return item, true
	}
	return Item{}, false
}

// Compacted returns what a device must apply to go from revision after to
// the company's head, compacted to the last state per entity, with the head.
func (l *Log) Compacted(ctx context.Context, companyID string, v View, after int64) ([]Item, int64, error) {
	changes, err := l.Rows(ctx, companyID, after, 1<<30)
	if err != nil {
		return nil, 0, err
	}
	head := after
	if n := len(changes); n > 0 {
		head = changes[n-1].Rev
	}
	return Compact(changes, v), head, nil
}

// SnapshotPage is a page of a device's full current state.
type SnapshotPage struct {
	Items []Item
	// Next is the cursor of the next page; "" on the last.
	Next string
}

// Snapshot returns a page of the current state a device may see, in a
// stable order, from cursor ("" for the start), reading at most limit
// rows. Pages are read by index range, so memory does not grow with the
// catalog.
func (l *Log) Snapshot(ctx context.Context, companyID string, v View, cursor string, limit int) (SnapshotPage, error) {
	var page SnapshotPage
	next, err := l.SnapshotEach(ctx, companyID, v, cursor, limit, func(it Item) bool {
		it.Body = slices.Clone(it.Body)
		page.Items = append(page.Items, it)
		return true
	})
	page.Next = next
	return page, err
}

// SnapshotEach is Snapshot for a reader that uses each item at once and may
// stop early: it calls fn with the items until fn returns false. An item's
// Body is valid only during the call: rows are scanned into one buffer, so
// reading a catalog for a reset storm does not copy every body to the heap.
// It returns the cursor after the last row read when it read limit rows
// and fn never stopped, "" otherwise.
func (l *Log) SnapshotEach(ctx context.Context, companyID string, v View, cursor string, limit int, fn func(Item) bool) (string, error) {
	kind, entity := splitCursor(cursor)
	// The row comparison is what both databases seek the key to; the
	// equivalent OR of two comparisons made each page scan the pages
	// before it, so reading a catalog was quadratic.
	rows, err := l.db.Conn(ctx).Raw(`SELECT kind, entity, scope, body FROM changelog_state
		WHERE company_id = ? AND (kind, entity) > (?, ?)
		AND (scope_kind = 'company' OR scope_kind = 'devices' OR (scope_kind = 'store' AND scope_store = ?))
		ORDER BY kind, entity LIMIT ?`, companyID, kind, entity, v.StoreID, limit).Rows()
	if err != nil {
		return "", err
	}
	defer rows.Close()
	var body sql.RawBytes
	for n := 1; rows.Next(); n++ {
		it := Item{Op: protocol.OpUpsert}
		var scope string
		if err := rows.Scan(&it.Kind, &it.Entity, &scope, &body); err != nil {
			return "", err
		}
		s, err := ParseScope(scope)
		if err != nil {
			return "", err
		}
		if s.Includes(v) {
			if it.Body = json.RawMessage(body); !fn(it) {
				return "", nil
			}
		}
		if n == limit {
			return it.Kind + "/" + it.Entity, nil
		}
	}
	return "", rows.Err()
}

func splitCursor(cursor string) (kind, entity string) {
	for i := 0; i < len(cursor); i++ {
		if cursor[i] == '/' {
			return cursor[:i], cursor[i+1:]
		}
	}
	return "", ""
}
