package db_test

import (
	"context"
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
