package db_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"

	"mypos/db"
	"mypos/db/dbtest"
)

var notes = db.Schema{Component: "notes", Migrations: []db.Migration{
	{Version: 1, Name: "notes", Up: db.SQL(`CREATE TABLE notes (id TEXT PRIMARY KEY, body TEXT NOT NULL)`)},
	{Version: 2, Name: "notes author", Up: db.SQL(`ALTER TABLE notes ADD COLUMN author TEXT NOT NULL DEFAULT ''`)},
}}

func count(t *testing.T, database *db.DB, ctx context.Context) int64 {
	t.Helper()
	var n int64
	if err := database.Conn(ctx).Table("notes").Count(&n).Error; err != nil {
		t.Fatal(err)
	}
	return n
}

func TestInTx(t *testing.T) {
	database := dbtest.Open(t, notes)
	ctx := context.Background()

	t.Run("CommitRunsHooksOnce", func(t *testing.T) {
		hooks := 0
		err := database.InTx(ctx, func(ctx context.Context) error {
			db.AfterCommit(ctx, func() { hooks++ })
			// A nested InTx joins the outer transaction: its hook waits too.
			return database.InTx(ctx, func(ctx context.Context) error {
				db.AfterCommit(ctx, func() { hooks++ })
				if hooks != 0 {
					t.Fatal("hook ran before commit")
				}
				return database.Conn(ctx).Exec("INSERT INTO notes (id, body) VALUES ('a', 'x')").Error
			})
		})
		if err != nil {
			t.Fatal(err)
		}
		if got, want := hooks, 2; got != want {
			t.Fatalf("hooks=%d, want %d", got, want)
		}
		if got, want := count(t, database, ctx), int64(1); got != want {
			t.Fatalf("rows=%d, want %d", got, want)
		}
	})

	t.Run("RollbackDropsWritesAndHooks", func(t *testing.T) {
		boom := errors.New("boom")
		ran := false
		err := database.InTx(ctx, func(ctx context.Context) error {
			db.AfterCommit(ctx, func() { ran = true })
			if err := database.Conn(ctx).Exec("INSERT INTO notes (id, body) VALUES ('b', 'y')").Error; err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("err=%v, want boom", err)
		}
		if ran {
			t.Fatal("after-commit hook ran on rollback")
		}
		if got, want := count(t, database, ctx), int64(1); got != want {
			t.Fatalf("rows=%d, want %d", got, want)
		}
	})

	t.Run("DuplicateIsTranslated", func(t *testing.T) {
		err := database.Conn(ctx).Exec("INSERT INTO notes (id, body) VALUES ('a', 'again')").Error
		if !db.IsDuplicate(err) {
			t.Fatalf("err=%v, want a duplicate-key error", err)
		}
	})
}

func TestConcurrentWriters(t *testing.T) {
	database := dbtest.Open(t, notes)
	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make(chan error, 8*25)
	for w := 0; w < 8; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; i < 25; i++ {
				errs <- database.InTx(ctx, func(ctx context.Context) error {
					var n int64
					if err := database.Conn(ctx).Table("notes").Count(&n).Error; err != nil {
						return err
					}
					return database.Conn(ctx).Exec("INSERT INTO notes (id, body) VALUES (?, 'w')", string(rune('A'+w))+string(rune('a'+i))).Error
				})
			}
		}(w)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatalf("concurrent writer: %v", err)
		}
	}
	if got, want := count(t, database, ctx), int64(200); got != want {
		t.Fatalf("rows=%d, want %d", got, want)
	}
}

func TestMigrate(t *testing.T) {
	database := dbtest.Open(t)
	ctx := context.Background()
	if err := database.MigrateTo(ctx, notes, 1); err != nil {
		t.Fatal(err)
	}
	if v, _ := database.SchemaVersion(ctx, "notes"); v != 1 {
		t.Fatalf("version=%d, want 1", v)
	}
	if err := database.Conn(ctx).Exec("INSERT INTO notes (id, body) VALUES ('old', 'kept')").Error; err != nil {
		t.Fatal(err)
	}
	// Two processes starting at once must not apply a step twice.
	var wg sync.WaitGroup
	for i := 0; i < 2; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := database.Migrate(ctx, notes); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if v, _ := database.SchemaVersion(ctx, "notes"); v != 2 {
		t.Fatalf("version=%d, want 2", v)
	}
	var author, body string
	row := database.Conn(ctx).Raw("SELECT body, author FROM notes WHERE id = 'old'").Row()
	if err := row.Scan(&body, &author); err != nil || body != "kept" || author != "" {
		t.Fatalf("old row after upgrade: body=%q author=%q err=%v", body, author, err)
	}

	bad := db.Schema{Component: "bad", Migrations: []db.Migration{{Version: 2, Name: "skips one", Up: db.SQL("SELECT 1")}}}
	if err := database.Migrate(ctx, bad); err == nil {
		t.Fatal("a schema whose versions skip was accepted")
	}
}

// CheckSchemas wants every schema at exactly its migrations' version, and
// only reads: an empty database stays empty.
func TestCheckSchemas(t *testing.T) {
	ctx := context.Background()
	empty := dbtest.Open(t)
	if err := empty.CheckSchemas(ctx, notes); err == nil || !strings.Contains(err.Error(), "notes is at version 0, this binary needs 2") {
		t.Fatalf("empty db: %v", err)
	}
	if empty.Conn(ctx).Migrator().HasTable("schema_migrations") {
		t.Fatal("CheckSchemas created schema_migrations")
	}

	database := dbtest.Open(t, notes)
	if err := database.CheckSchemas(ctx, notes); err != nil {
		t.Fatalf("migrated db: %v", err)
	}
	older := db.Schema{Component: notes.Component, Migrations: notes.Migrations[:1]}
	if err := database.CheckSchemas(ctx, older); err == nil || !strings.Contains(err.Error(), "notes is at version 2, newer than this binary's 1") {
		t.Fatalf("database of a newer binary: %v", err)
	}
}
