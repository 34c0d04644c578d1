package db_test

import (
	"context"
	"database/sql"
	"fmt"
	"testing"

	"mypos/db"
	"mypos/db/dbtest"
)

var bulkSchema = db.Schema{Component: "bulktest", Migrations: []db.Migration{
	{Version: 1, Name: "t", Up: db.SQL(`CREATE TABLE bulk_t (id INTEGER PRIMARY KEY, name TEXT, note TEXT)`)},
}}

// InsertRows writes every row across full and partial chunks, reusing its
// prepared statement, and an upsert tail applies; a duplicate reads as one.
func TestInsertRows(t *testing.T) {
	database := dbtest.Open(t, bulkSchema)
	ctx := context.Background()
	const n = 1001 // several full chunks and a partial one
	insert := func(ctx context.Context, tail, name string) error {
		return database.InsertRows(ctx, "INSERT INTO bulk_t (id, name, note)", tail, 3, n, func(i int, v []any) []any {
			var note *string
			if i%2 == 0 {
				s := fmt.Sprint("n", i)
				note = &s
			}
			return append(v, i, name, note)
		})
	}
	err := database.InTx(ctx, func(ctx context.Context) error { return insert(ctx, "", "a") })
	if err != nil {
		t.Fatal(err)
	}
	if err := insert(ctx, "ON CONFLICT (id) DO UPDATE SET name = excluded.name", "b"); err != nil {
		t.Fatalf("upsert outside a transaction: %v", err)
	}
	var count, named, noted int64
	database.Conn(ctx).Table("bulk_t").Count(&count)
	database.Conn(ctx).Table("bulk_t").Where("name = 'b'").Count(&named)
	database.Conn(ctx).Table("bulk_t").Where("note IS NOT NULL").Count(&noted)
	if count != n || named != n || noted != (n+1)/2 {
		t.Fatalf("%d rows, %d renamed, %d with notes", count, named, noted)
	}
	err = database.InTx(ctx, func(ctx context.Context) error { return insert(ctx, "", "c") })
	if !db.IsDuplicate(err) {
		t.Fatalf("a duplicate key: %v", err)
	}
}

// InsertRowsReturning reads what every chunk's statement returns: with ON
// CONFLICT DO NOTHING, the rows it inserted and none that were there.
func TestInsertRowsReturning(t *testing.T) {
	database := dbtest.Open(t, bulkSchema)
	ctx := context.Background()
	const n = 3001 // several full chunks and a partial one, on either database
	insert := func(ids func(i int) int) (map[int]bool, error) {
		stored := map[int]bool{}
		err := database.InsertRowsReturning(ctx, "INSERT INTO bulk_t (id, name, note)", "ON CONFLICT (id) DO NOTHING RETURNING id", 3, n,
			func(i int, v []any) []any { return append(v, ids(i), "a", nil) },
			func(rows *sql.Rows) error {
				var id int
				if err := rows.Scan(&id); err != nil {
					return err
				}
				if stored[id] {
					t.Errorf("row %d returned twice", id)
				}
				stored[id] = true
				return nil
			})
		return stored, err
	}
	first, err := insert(func(i int) int { return 2 * i }) // the even ids
	if err != nil || len(first) != n || !first[0] || !first[2*(n-1)] {
		t.Fatalf("the first insert returned %d of %d rows: %v", len(first), n, err)
	}
	again, err := insert(func(i int) int { return i }) // half of them there already
	if err != nil {
		t.Fatal(err)
	}
	for i := range n {
		if again[i] != (i%2 == 1) {
			t.Fatalf("row %d returned %v: only the rows inserted are", i, again[i])
		}
	}
	var count int64
	database.Conn(ctx).Table("bulk_t").Count(&count)
	if want := int64(n + n/2); count != want {
		t.Fatalf("%d rows stored, want %d", count, want)
	}
}
