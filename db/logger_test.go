package db_test

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"

	"mypos/db"
	"mypos/db/dbtest"
)

// A unique violation is an answer the caller expects (it becomes a 409),
// not a failed statement: gorm's logger stays quiet about it. Any other
// failed statement is still logged, without its values.
func TestLoggerQuietOnDuplicates(t *testing.T) {
	logs := &lockedBuffer{}
	cfg := dbtest.Config(t)
	cfg.Logger = slog.New(slog.NewTextHandler(logs, nil))
	ctx := context.Background()
	database, err := db.Open(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { database.Close() })
	if err := database.Migrate(ctx, notes); err != nil {
		t.Fatal(err)
	}
	const secret = "a-value-never-logged"
	insert := func() error {
		return database.Conn(ctx).Exec("INSERT INTO notes (id, body) VALUES (?, ?)", "n1", secret).Error
	}
	if err := insert(); err != nil {
		t.Fatal(err)
	}
	if err := insert(); !db.IsDuplicate(err) {
		t.Fatalf("the second insert: %v, want a duplicate", err)
	}
	if got := logs.String(); got != "" {
		t.Fatalf("a duplicate was logged:\n%s", got)
	}

	if err := database.Conn(ctx).Exec("INSERT INTO no_such_table (id) VALUES (?)", secret).Error; err == nil {
		t.Fatal("an insert into no table succeeded")
	}
	got := logs.String()
	if !strings.Contains(got, "level=ERROR") || !strings.Contains(got, "no_such_table") {
		t.Fatalf("a failed statement was not logged as an error:\n%s", got)
	}
	if strings.Contains(got, secret) {
		t.Fatalf("a statement's value was logged:\n%s", got)
	}
}

type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
