package store_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"

	"mypos/store"
	"mypos/store/storetest"
)

var notes = store.Schema{Component: "notes", Migrations: []store.Migration{
	{Version: 1, Name: "notes", Up: store.SQL(`CREATE TABLE notes (id TEXT PRIMARY KEY, body TEXT NOT NULL)`)},
	{Version: 2, Name: "notes author", Up: store.SQL(`ALTER TABLE notes ADD COLUMN author TEXT NOT NULL DEFAULT ''`)},
}}

func count(t *testing.T, db *store.DB, ctx context.Context) int64 {
	t.Helper()
	var n int64
	if err := db.Conn(ctx).Table("notes").Count(&n).Error; err != nil {
		t.Fatal(err)
	}
	return n
}

func TestInTx(t *testing.T) {
	db := storetest.Open(t, notes)
	ctx := context.Background()

	t.Run("CommitRunsHooksOnce", func(t *testing.T) {
		hooks := 0
		err := db.InTx(ctx, func(ctx context.Context) error {
			store.AfterCommit(ctx, func() { hooks++ })
			// A nested InTx joins the outer transaction: its hook waits too.
			return db.InTx(ctx, func(ctx context.Context) error {
				store.AfterCommit(ctx, func() { hooks++ })
				if hooks != 0 {
					t.Fatal("hook ran before commit")
				}
				return db.Conn(ctx).Exec("INSERT INTO notes (id, body) VALUES ('a', 'x')").Error
			})
		})
		if err != nil {
			t.Fatal(err)
		}
		if got, want := hooks, 2; got != want {
			t.Fatalf("hooks=%d, want %d", got, want)
		}
		if got, want := count(t, db, ctx), int64(1); got != want {
			t.Fatalf("rows=%d, want %d", got, want)
		}
	})

	t.Run("RollbackDropsWritesAndHooks", func(t *testing.T) {
		boom := errors.New("boom")
		ran := false
		err := db.InTx(ctx, func(ctx context.Context) error {
			store.AfterCommit(ctx, func() { ran = true })
			if err := db.Conn(ctx).Exec("INSERT INTO notes (id, body) VALUES ('b', 'y')").Error; err != nil {
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
		if got, want := count(t, db, ctx), int64(1); got != want {
			t.Fatalf("rows=%d, want %d", got, want)
		}
	})

	t.Run("DuplicateIsTranslated", func(t *testing.T) {
		err := db.Conn(ctx).Exec("INSERT INTO notes (id, body) VALUES ('a', 'again')").Error
		if !store.IsDuplicate(err) {
			t.Fatalf("err=%v, want a duplicate-key error", err)
		}
	})
}

func TestConcurrentWriters(t *testing.T) {
	db := storetest.Open(t, notes)
	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make(chan error, 8*25)
	for w := 0; w < 8; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; i < 25; i++ {
				errs <- db.InTx(ctx, func(ctx context.Context) error {
					var n int64
					if err := db.Conn(ctx).Table("notes").Count(&n).Error; err != nil {
						return err
					}
					return db.Conn(ctx).Exec("INSERT INTO notes (id, body) VALUES (?, 'w')", string(rune('A'+w))+string(rune('a'+i))).Error
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
	if got, want := count(t, db, ctx), int64(200); got != want {
		t.Fatalf("rows=%d, want %d", got, want)
	}
}

func TestMigrate(t *testing.T) {
	db := storetest.Open(t)
	ctx := context.Background()
	if err := db.MigrateTo(ctx, notes, 1); err != nil {
		t.Fatal(err)
	}
	if v, _ := db.SchemaVersion(ctx, "notes"); v != 1 {
		t.Fatalf("version=%d, want 1", v)
	}
	if err := db.Conn(ctx).Exec("INSERT INTO notes (id, body) VALUES ('old', 'kept')").Error; err != nil {
		t.Fatal(err)
	}
	// Two processes starting at once must not apply a step twice.
	var wg sync.WaitGroup
	for i := 0; i < 2; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := db.Migrate(ctx, notes); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if v, _ := db.SchemaVersion(ctx, "notes"); v != 2 {
		t.Fatalf("version=%d, want 2", v)
	}
	var author, body string
	row := db.Conn(ctx).Raw("SELECT body, author FROM notes WHERE id = 'old'").Row()
	if err := row.Scan(&body, &author); err != nil || body != "kept" || author != "" {
		t.Fatalf("old row after upgrade: body=%q author=%q err=%v", body, author, err)
	}

	bad := store.Schema{Component: "bad", Migrations: []store.Migration{{Version: 2, Name: "skips one", Up: store.SQL("SELECT 1")}}}
	if err := db.Migrate(ctx, bad); err == nil {
		t.Fatal("a schema whose versions skip was accepted")
	}
}

// CheckSchemas wants every schema at exactly its migrations' version, and
// only reads: an empty database stays empty.
func TestCheckSchemas(t *testing.T) {
	ctx := context.Background()
	empty := storetest.Open(t)
	if err := empty.CheckSchemas(ctx, notes); err == nil || !strings.Contains(err.Error(), "notes is at version 0, this binary needs 2") {
		t.Fatalf("empty database: %v", err)
	}
	if empty.Conn(ctx).Migrator().HasTable("schema_migrations") {
		t.Fatal("CheckSchemas created schema_migrations")
	}

	db := storetest.Open(t, notes)
	if err := db.CheckSchemas(ctx, notes); err != nil {
		t.Fatalf("migrated database: %v", err)
	}
	older := store.Schema{Component: notes.Component, Migrations: notes.Migrations[:1]}
	if err := db.CheckSchemas(ctx, older); err == nil || !strings.Contains(err.Error(), "notes is at version 2, newer than this binary's 1") {
		t.Fatalf("database of a newer binary: %v", err)
	}
}
