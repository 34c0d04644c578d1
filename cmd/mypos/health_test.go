package main

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"mypos/account"
	"mypos/db"
)

// /readyz says ready only while the database holds every schema at this
// binary's version: not after a newer binary migrated it, and not after the
// database was dropped and recreated empty, when every request would fail.
func TestReadyzChecksSchemaVersions(t *testing.T) {
	s := startServe(t)
	if status, body := s.call("GET", "/readyz", "", nil); status != http.StatusOK {
		t.Fatalf("readyz after start: %d %v", status, body)
	}
	database, err := db.Open(context.Background(), s.db)
	if err != nil {
		t.Fatal(err)
	}
	defer database.Close()
	exec := func(sql string, args ...any) {
		t.Helper()
		if err := database.Conn(context.Background()).Exec(sql, args...).Error; err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
	}

	newer := len(account.Schema.Migrations) + 1
	exec("INSERT INTO schema_migrations (component, version, name, applied_at) VALUES (?, ?, 'from a newer mypos', ?)", account.Schema.Component, newer, time.Now().UTC())
	s.waitNotReady(fmt.Sprintf("schema %s is at version %d, newer than this binary's", account.Schema.Component, newer))
	exec("DELETE FROM schema_migrations WHERE version = ?", newer)
	s.waitReady()

	dropEverything(t, database)
	s.waitNotReady("is at version 0, this binary needs")
}

// waitNotReady polls /readyz until it answers 503 problem+json whose
// detail says why.
func (s *served) waitNotReady(why string) {
	s.t.Helper()
	var last map[string]any
	for deadline := time.Now().Add(15 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		status, body := s.call("GET", "/readyz", "", nil)
		last = body
		if status != http.StatusServiceUnavailable {
			continue
		}
		if detail, _ := body["detail"].(string); body["code"] != "not_ready" || !strings.Contains(detail, why) {
			s.t.Fatalf("readyz 503 %v, want code not_ready and a detail saying %q", body, why)
		}
		return
	}
	s.t.Fatalf("readyz still says %v, want not ready: %s", last, why)
}

func (s *served) waitReady() {
	s.t.Helper()
	var last map[string]any
	for deadline := time.Now().Add(15 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		status, body := s.call("GET", "/readyz", "", nil)
		if status == http.StatusOK {
			return
		}
		last = body
	}
	s.t.Fatalf("readyz still says %v, want ready", last)
}

// dropEverything empties the database as a DROP DATABASE and CREATE
// DATABASE would: Postgres gets its schema back empty, SQLite loses every
// table.
func dropEverything(t *testing.T, database *db.DB) {
	t.Helper()
	ctx := context.Background()
	conn := database.Conn(ctx)
	if database.Dialect() == db.Postgres {
		var schema string
		if err := conn.Raw("SELECT current_schema()").Scan(&schema).Error; err != nil {
			t.Fatal(err)
		}
		if err := conn.Exec(fmt.Sprintf("DROP SCHEMA %q CASCADE", schema)).Error; err != nil {
			t.Fatal(err)
		}
		if err := conn.Exec(fmt.Sprintf("CREATE SCHEMA %q", schema)).Error; err != nil {
			t.Fatal(err)
		}
		return
	}
	sqlDB, err := database.SQL()
	if err != nil {
		t.Fatal(err)
	}
	one, err := sqlDB.Conn(ctx) // the pragma holds for one connection
	if err != nil {
		t.Fatal(err)
	}
	defer one.Close()
	if _, err := one.ExecContext(ctx, "PRAGMA foreign_keys = OFF"); err != nil {
		t.Fatal(err)
	}
	rows, err := one.QueryContext(ctx, "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
	if err != nil {
		t.Fatal(err)
	}
	var tables []string
	for rows.Next() {
		var name string
		rows.Scan(&name)
		tables = append(tables, name)
	}
	rows.Close()
	for _, name := range tables {
		if _, err := one.ExecContext(ctx, fmt.Sprintf("DROP TABLE %q", name)); err != nil {
			t.Fatalf("drop %s: %v", name, err)
		}
	}
}
