// The heads cache: each company's latest revision as this node knows it,
// so that a sync from the head costs no query.

package fleet

import (
	"context"
	"sync"
)

// heads caches each company's latest revision, fed by commit notifications
// and the poll, so that a sync from the head costs no query.
type heads struct {
	mu  sync.Mutex
	rev map[string]int64
}

func (h *heads) get(companyID string) (int64, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	rev, ok := h.rev[companyID]
	return rev, ok
}

// raise records a revision; it reports whether the head moved.
func (h *heads) raise(companyID string, rev int64) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	if rev <= h.rev[companyID] {
		return false
	}
	h.rev[companyID] = rev
	return true
}

// head returns a company's latest revision, from memory when known.
func (f *Fleet) head(ctx context.Context, companyID string) (int64, error) {
	if rev, ok := f.heads.get(companyID); ok {
		return rev, nil
	}
	rev, err := f.changes.Head(ctx, companyID)
	if err != nil {
		return 0, err
	}
	f.heads.raise(companyID, rev)
	return rev, nil
}
