// Package dbtest gives each test a fresh, empty db: SQLite in the
// test's temporary directory by default, or a new Postgres schema when
// MYPOS_TEST_DATABASE_URL is set. CI runs the whole suite both ways.
package dbtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"testing"

	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"mypos/db"
)

// EnvURL names the variable that switches tests to Postgres.
const EnvURL = "MYPOS_TEST_DATABASE_URL"

// Open returns a fresh database migrated with the schemas. It is closed
// (and on Postgres its schema dropped) when the test ends.
func Open(tb testing.TB, schemas ...db.Schema) *db.DB {
	tb.Helper()
	ctx := context.Background()
	database, err := db.Open(ctx, Config(tb))
	if err != nil {
		tb.Fatalf("open test db: %v", err)
	}
	tb.Cleanup(func() { database.Close() })
	if err := database.Migrate(ctx, schemas...); err != nil {
		tb.Fatalf("migrate test db: %v", err)
	}
	return database
}

// Config returns the configuration of a fresh, empty database for the test,
// for tests that start a whole server on it.
func Config(tb testing.TB) db.Config {
	tb.Helper()
	base := os.Getenv(EnvURL)
	if base == "" {
		return db.Config{DataDir: tb.TempDir()}
	}
	return db.Config{URL: freshSchema(tb, base), MaxOpenConns: 4}
}

// freshSchema creates a schema of its own for the test and returns a URL
// whose search_path points at it.
func freshSchema(tb testing.TB, base string) string {
	tb.Helper()
	var b [6]byte
	if _, err := rand.Read(b[:]); err != nil {
		tb.Fatal(err)
	}
	schema := "t_" + hex.EncodeToString(b[:])
	admin, err := gorm.Open(postgres.Open(base), &gorm.Config{Logger: logger.Discard})
	if err != nil {
		tb.Fatalf("connect to %s: %v", EnvURL, err)
	}
	sqlDB, _ := admin.DB()
	defer sqlDB.Close()
	if err := admin.Exec("CREATE SCHEMA " + schema).Error; err != nil {
		tb.Fatalf("create test schema: %v", err)
	}
	tb.Cleanup(func() {
		admin, err := gorm.Open(postgres.Open(base), &gorm.Config{Logger: logger.Discard})
		if err != nil {
			return
		}
		sqlDB, _ := admin.DB()
		defer sqlDB.Close()
		admin.Exec("DROP SCHEMA " + schema + " CASCADE")
	})
	u, err := url.Parse(base)
	if err != nil {
		tb.Fatalf("parse %s: %v", EnvURL, err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}
