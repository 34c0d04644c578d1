package changelog

import (
	"context"
	"time"
)

// Heads returns the latest revision of each company named; a company with
// no change yet is absent. One query, for a poll over many companies.
func (l *Log) Heads(ctx context.Context, companyIDs []string) (map[string]int64, error) {
	out := make(map[string]int64, len(companyIDs))
	if len(companyIDs) == 0 {
		return out, nil
	}
	var rows []struct {
		CompanyID string
		Rev       int64
	}
	err := l.db.Conn(ctx).Raw(`SELECT company_id, rev FROM changelog_heads WHERE company_id IN ?`, companyIDs).Scan(&rows).Error
	for _, r := range rows {
		out[r.CompanyID] = r.Rev
	}
	return out, err
}

// Horizon returns the revision a company's log is complete after: changes
// up to it may have been pruned, so a device whose cursor is below it must
// take a full snapshot. 0 while nothing was pruned.
func (l *Log) Horizon(ctx context.Context, companyID string) (int64, error) {
	var oldest int64
	err := l.db.Conn(ctx).Raw(`SELECT COALESCE(MIN(rev), 0) FROM changes WHERE company_id = ?`, companyID).Row().Scan(&oldest)
	if err != nil {
		return 0, err
	}
	if oldest > 0 {
		return oldest - 1, nil
	}
	return l.Head(ctx, companyID) // every change pruned: only a snapshot will do
}

// Prune deletes the changes made before a time, the compaction horizon. The
// last state of every entity stays in the state table, which snapshots
// read. It returns how many rows it deleted.
func (l *Log) Prune(ctx context.Context, before time.Time) (int64, error) {
	res := l.db.Conn(ctx).Exec(`DELETE FROM changes WHERE created_at < ?`, before)
	return res.RowsAffected, res.Error
}

// Touched reports whether an entity changed after a revision. Fleet asks it
// of a returning device's own row: a device moved to another store while
// away must start over, since what it holds was chosen by its old store.
func (l *Log) Touched(ctx context.Context, companyID, kind, entity string, after int64) (bool, error) {
	var n int64
	err := l.db.Conn(ctx).Raw(`SELECT COUNT(*) FROM (SELECT 1 FROM changes
		WHERE company_id = ? AND rev > ? AND kind = ? AND entity = ? LIMIT 1) t`, companyID, after, kind, entity).Row().Scan(&n)
	return n > 0, err
}
