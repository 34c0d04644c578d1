package sales

import (
	"time"

	"gorm.io/gorm"
)

// punchedWithin bounds a list by the moments its days can hold, besides
// the days themselves. A day is the till's local date and its offset is
// under a day either way, so a receipt of days from..to was punched
// after from − 1 day and before to + 2 days in UTC; two days' margin on
// each side loses none. The bound lets a database walk the list's index
// (company, punched_at, …) within the period, newest first, instead of
// sorting every receipt of the period to show the first fifty: SQLite
// has no statistics to see that a month's range on day is no narrower.
// Past the first page the cursor is the upper bound: with two, SQLite
// would walk down from the period's end to the cursor on every page.
func punchedWithin(q *gorm.DB, from, to string, paged bool) *gorm.DB {
	const margin = 2 * 24 * time.Hour
	if d, err := time.Parse(time.DateOnly, from); err == nil {
		q = q.Where("punched_at >= ?", d.Add(-margin))
	}
	if d, err := time.Parse(time.DateOnly, to); err == nil && !paged {
		q = q.Where("punched_at < ?", d.Add(24*time.Hour+margin))
	}
	return q
}
