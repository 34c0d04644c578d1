package db

import (
	"context"
	"strconv"
	"strings"

	"gorm.io/gorm"
)

// bulkParams bounds the parameters of one multi-row statement. The pure-Go
// SQLite driver binds parameters in time quadratic in their number, so a
// couple of hundred per statement beat the thousands both databases allow.
const bulkParams = 240

// InsertRows writes n rows with multi-row INSERTs in the transaction of
// ctx (or on the pool): head is the statement up to VALUES ("INSERT INTO
// t (a, b)"), tail what follows the values (an ON CONFLICT clause, or ""),
// and args appends the cols values of row i. It talks to the driver
// directly: building tens of thousands of rows through gorm's statement
// builder costs more than the database's own work. Errors read as gorm's
// (a duplicate key satisfies IsDuplicate).
func (db *DB) InsertRows(ctx context.Context, head, tail string, cols, n int, args func(i int, into []any) []any) error {
	conn := db.Conn(ctx)
	per := max(1, bulkParams/cols)
	vals := make([]any, 0, per*cols)
	for from := 0; from < n; from += per {
		to := min(from+per, n)
		vals = vals[:0]
		for i := from; i < to; i++ {
			vals = args(i, vals)
		}
		if _, err := conn.Statement.ConnPool.ExecContext(ctx, db.insertSQL(head, tail, to-from, cols), vals...); err != nil {
			return translate(conn, err)
		}
	}
	return nil
}

// insertSQL is head VALUES (?, …), (?, …) tail — ($1, …) on Postgres,
// whose driver takes numbered parameters only.
func (db *DB) insertSQL(head, tail string, rows, cols int) string {
	var b strings.Builder
	b.WriteString(head)
	b.WriteString(" VALUES ")
	for r := 0; r < rows; r++ {
		if r > 0 {
			b.WriteString(", ")
		}
		b.WriteByte('(')
		for c := 0; c < cols; c++ {
			if c > 0 {
				b.WriteString(", ")
			}
			if db.dialect == Postgres {
				b.WriteByte('$')
				b.WriteString(strconv.Itoa(r*cols + c + 1))
			} else {
				b.WriteByte('?')
			}
		}
		b.WriteByte(')')
	}
	b.WriteByte(' ')
	b.WriteString(tail)
	return b.String()
}

// translate gives an error from below gorm the meaning gorm gives its own.
func translate(conn *gorm.DB, err error) error {
	if t, ok := conn.Dialector.(gorm.ErrorTranslator); ok {
		return t.Translate(err)
	}
	return err
}
