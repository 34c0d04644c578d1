package db

import (
	"strings"

	"gorm.io/gorm"

	"mypos"
)

// Page bounds.
const (
	DefaultLimit = 50
	MaxLimit     = 500
)

// ListParams asks for one page of a list ordered by ID. Cursor is the ID of
// the last row of the previous page; IDs are UUIDv7, so ID order is creation
// order and a page costs one index range scan however deep it is.
type ListParams struct {
	Cursor string
	Limit  int
	// Query filters by a search text, where the list supports it.
	Query string
}

// Validate refuses a malformed cursor or limit.
func (p ListParams) Validate() error {
	if p.Cursor != "" && !mypos.ValidID(p.Cursor) {
		return mypos.Invalid("cursor", "The cursor is not one this API gave out.")
	}
	if p.Limit < 0 || p.Limit > MaxLimit {
		return mypos.Invalid("limit", "The limit must be between 1 and %d.", MaxLimit)
	}
	return nil
}

// Paginate loads the page of q that p asks for into a slice and returns it
// with the cursor of the next page ("" on the last page). id reads a row's ID.
func Paginate[T any](q *gorm.DB, p ListParams, id func(*T) string) ([]T, string, error) {
	if err := p.Validate(); err != nil {
		return nil, "", err
	}
	limit := p.Limit
	if limit == 0 {
		limit = DefaultLimit
	}
	if p.Cursor != "" {
		q = q.Where("id > ?", p.Cursor)
	}
	var rows []T
	if err := q.Order("id").Limit(limit + 1).Find(&rows).Error; err != nil {
		return nil, "", err
	}
	if len(rows) <= limit {
		return rows, "", nil
	}
	rows = rows[:limit]
	return rows, id(&rows[limit-1]), nil
}

// Contains returns a LIKE pattern matching s anywhere, with LIKE's own
// characters escaped by '!': use it with `LIKE ? ESCAPE '!'`.
func Contains(s string) string {
	return "%" + likeEscaper.Replace(s) + "%"
}

var likeEscaper = strings.NewReplacer("!", "!!", "%", "!%", "_", "!_")
