package db

import (
	"context"
	"database/sql"
	"strconv"
	"strings"

	"gorm.io/gorm"
)

// bulkParams bounds the parameters of one multi-row statement, by dialect.
// The pure-Go SQLite driver binds parameters in time quadratic in their
// number, so a couple of hundred per statement beat the thousands it
// allows; Postgres binds them in linear time, and takes a batch of
// hundreds of rows (the ingester's receipts) in one round trip, well under
// its 65535.
var bulkParams = map[string]int{SQLite: 240, Postgres: 8192}

// InsertRows writes n rows with multi-row INSERTs in the transaction of
// ctx (or on the pool): head is the statement up to VALUES ("INSERT INTO
// t (a, b)"), tail what follows the values (an ON CONFLICT clause, or ""),
// and args appends the cols values of row i. It talks to the driver
// directly: building tens of thousands of rows through gorm's statement
// builder costs more than the database's own work. Errors read as gorm's
// (a duplicate key satisfies IsDuplicate).
func (db *DB) InsertRows(ctx context.Context, head, tail string, cols, n int, args func(i int, into []any) []any) error {
	return db.insertRows(ctx, head, tail, cols, n, args, nil)
}

// InsertRowsReturning is InsertRows for a tail that ends in RETURNING: scan
// reads each row the statements return, as they return it — with ON
// CONFLICT DO NOTHING, the rows inserted and not those already there.
func (db *DB) InsertRowsReturning(ctx context.Context, head, tail string, cols, n int, args func(i int, into []any) []any, scan func(*sql.Rows) error) error {
	return db.insertRows(ctx, head, tail, cols, n, args, scan)
}

// insertRows is InsertRows, and reads what each statement returns when
// scan is not nil.
func (db *DB) insertRows(ctx context.Context, head, tail string, cols, n int, args func(i int, into []any) []any, scan func(*sql.Rows) error) error {
	conn := db.Conn(ctx)
	per := max(1, bulkParams[db.dialect]/cols)
	vals := make([]any, 0, per*cols)
	for from := 0; from < n; from += per {
		to := min(from+per, n)
		vals = vals[:0]
		for i := from; i < to; i++ {
			vals = args(i, vals)
		}
		query := db.insertSQL(head, tail, to-from, cols)
		var err error
		if scan == nil {
			_, err = conn.Statement.ConnPool.ExecContext(ctx, query, vals...)
		} else {
			err = queryEach(ctx, conn.Statement.ConnPool, query, vals, scan)
		}
		if err != nil {
			return translate(conn, err)
		}
	}
	return nil
}

// queryEach runs query and calls scan for each row it returns.
func queryEach(ctx context.Context, pool gorm.ConnPool, query string, args []any, scan func(*sql.Rows) error) error {
	rows, err := pool.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := scan(rows); err != nil {
			return err
		}
	}
	return rows.Err()
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
