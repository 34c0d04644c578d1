package db_test

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"mypos/db"
	"mypos/db/dbtest"
)

// listening runs database.Listen on channel until the test ends and returns what
// it hears and a signal for each (re)connection.
func listening(t *testing.T, database *db.DB, channel string) (<-chan string, <-chan struct{}) {
	t.Helper()
	heard, up := make(chan string, 16), make(chan struct{}, 16)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- database.Listen(ctx, db.Listener{Channel: channel,
			Notify:    func(p string) { heard <- p },
			Listening: func() { up <- struct{}{} }})
	}()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Listen: %v", err)
		}
	})
	select {
	case <-up:
	case err := <-done:
		t.Fatalf("Listen returned before listening: %v", err)
	case <-time.After(10 * time.Second):
		t.Fatal("not listening within 10 s")
	}
	return heard, up
}

func notifyIn(t *testing.T, database *db.DB, channel, payload string, fail error) {
	t.Helper()
	err := database.InTx(context.Background(), func(ctx context.Context) error {
		if err := database.Notify(ctx, channel, payload); err != nil {
			return err
		}
		return fail
	})
	if !errors.Is(err, fail) {
		t.Fatal(err)
	}
}

// openInSchema opens the test database in a schema of its own, dropped
// when the test ends.
func openInSchema(t *testing.T, schema string) *db.DB {
	t.Helper()
	base := os.Getenv(dbtest.EnvURL)
	admin, err := db.Open(context.Background(), db.Config{URL: base})
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	if err := admin.Conn(context.Background()).Exec(`CREATE SCHEMA "` + schema + `"`).Error; err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if admin, err := db.Open(context.Background(), db.Config{URL: base}); err == nil {
			admin.Conn(context.Background()).Exec(`DROP SCHEMA "` + schema + `" CASCADE`)
			admin.Close()
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	database, err := db.Open(context.Background(), db.Config{URL: u.String()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { database.Close() })
	return database
}

func recv(t *testing.T, ch <-chan string) string {
	t.Helper()
	select {
	case s := <-ch:
		return s
	case <-time.After(10 * time.Second):
		t.Fatal("no notification within 10 s")
		return ""
	}
}

func TestNotify(t *testing.T) {
	database := dbtest.Open(t)
	if database.Dialect() != db.Postgres {
		t.Run("SQLiteHasNone", func(t *testing.T) {
			err := database.Listen(context.Background(), db.Listener{Channel: "c", Notify: func(string) {}})
			if !errors.Is(err, errors.ErrUnsupported) {
				t.Fatalf("Listen on SQLite: %v, want ErrUnsupported", err)
			}
			notifyIn(t, database, "c", "p", nil)
		})
		return
	}
	heard, up := listening(t, database, "changes")
	// Another installation in another schema of the same database.
	other := dbtest.Open(t)
	otherHeard, _ := listening(t, other, "changes")

	t.Run("OnCommitOnly", func(t *testing.T) {
		notifyIn(t, database, "changes", "rolled back", errors.New("rollback"))
		notifyIn(t, database, "changes", "committed", nil)
		if got := recv(t, heard); got != "committed" {
			t.Fatalf("heard %q first, want the committed one", got)
		}
	})

	t.Run("OwnSchemaOnly", func(t *testing.T) {
		notifyIn(t, other, "changes", "other", nil)
		if got := recv(t, otherHeard); got != "other" {
			t.Fatalf("the other schema heard %q", got)
		}
		notifyIn(t, database, "changes", "mine", nil)
		if got := recv(t, heard); got != "mine" {
			t.Fatalf("heard %q, want only this schema's", got)
		}
	})

	// A schema whose name leaves no room for the channel's in Postgres's
	// 63 bytes still notifies and hears.
	t.Run("LongSchemaName", func(t *testing.T) {
		long := openInSchema(t, "t_"+strings.Repeat("long", 13)+fmt.Sprint(time.Now().UnixNano()%1e6))
		heard, _ := listening(t, long, "changes")
		notifyIn(t, long, "changes", "long", nil)
		if got := recv(t, heard); got != "long" {
			t.Fatalf("heard %q", got)
		}
	})

	// The server ends the listening connection: Listen connects again.
	t.Run("Reconnects", func(t *testing.T) {
		var schema string
		if err := database.Conn(context.Background()).Raw(`SELECT current_schema()`).Row().Scan(&schema); err != nil {
			t.Fatal(err)
		}
		err := database.Conn(context.Background()).Exec(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity
			WHERE query = ?`, `LISTEN "`+schema+`.changes"`).Error
		if err != nil {
			t.Fatal(err)
		}
		select {
		case <-up:
		case <-time.After(10 * time.Second):
			t.Fatal("not listening again within 10 s")
		}
		notifyIn(t, database, "changes", "again", nil)
		if got := recv(t, heard); got != "again" {
			t.Fatalf("heard %q after the reconnection", got)
		}
	})
}
