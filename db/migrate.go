package db

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"
)

// A Migration is one step of a schema. Migrations are append-only: once
// released, a step is never edited; a change is a new step.
type Migration struct {
	Version int
	Name    string
	// Up changes the schema inside the migration's transaction. Dialect
	// differences are handled here, once.
	Up func(tx *gorm.DB, dialect string) error
}

// A Schema is the ordered migrations of one component (one domain package),
// versioned on its own so each package owns its tables.
type Schema struct {
	Component  string
	Migrations []Migration
}

// SQL returns an Up that executes statements in order. Column types that
// differ between the databases are written as placeholders: {uuid} (uuid on
// Postgres, text on SQLite), {time} (timestamptz, or SQLite's TIMESTAMP that
// the driver reads back as time.Time), {json} (jsonb, or text) and {bytes}
// (bytea, or blob).
func SQL(stmts ...string) func(*gorm.DB, string) error {
	return func(tx *gorm.DB, dialect string) error {
		for _, s := range stmts {
			if err := tx.Exec(typesFor(dialect).Replace(s)).Error; err != nil {
				return fmt.Errorf("%s: %w", firstLine(s), err)
			}
		}
		return nil
	}
}

var columnTypes = map[string]*strings.Replacer{
	Postgres: strings.NewReplacer("{uuid}", "UUID", "{time}", "TIMESTAMPTZ", "{json}", "JSONB", "{bytes}", "BYTEA"),
	SQLite:   strings.NewReplacer("{uuid}", "TEXT", "{time}", "TIMESTAMP", "{json}", "TEXT", "{bytes}", "BLOB"),
}

func typesFor(dialect string) *strings.Replacer { return columnTypes[dialect] }

func firstLine(s string) string {
	for i, c := range s {
		if c == '\n' {
			return s[:i]
		}
	}
	return s
}

const migrationsTable = `CREATE TABLE IF NOT EXISTS schema_migrations (
	component TEXT NOT NULL,
	version INTEGER NOT NULL,
	name TEXT NOT NULL,
	applied_at TIMESTAMP NOT NULL,
	PRIMARY KEY (component, version)
)`

// Migrate applies every migration of the schemas not applied yet, in order,
// each in its own transaction. It is safe to run from several processes at
// once: on Postgres an advisory lock serialises them, on SQLite the
// immediate transaction does.
func (db *DB) Migrate(ctx context.Context, schemas ...Schema) error {
	for _, s := range schemas {
		if err := db.MigrateTo(ctx, s, len(s.Migrations)); err != nil {
			return err
		}
	}
	return nil
}

// MigrateTo applies the schema's migrations up to and including version.
// Tests use it to build a database at an old version.
func (db *DB) MigrateTo(ctx context.Context, s Schema, version int) error {
	if err := db.gorm.WithContext(ctx).Exec(migrationsTable).Error; err != nil {
		return fmt.Errorf("create schema_migrations: %w", err)
	}
	for i, m := range s.Migrations {
		if m.Version != i+1 {
			return fmt.Errorf("%s migration %q has version %d, want %d: versions are 1, 2, 3…", s.Component, m.Name, m.Version, i+1)
		}
		if m.Version > version {
			break
		}
		if err := db.apply(ctx, s.Component, m); err != nil {
			return fmt.Errorf("migrate %s to version %d (%s): %w", s.Component, m.Version, m.Name, err)
		}
	}
	return nil
}

func (db *DB) apply(ctx context.Context, component string, m Migration) error {
	return db.gorm.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if db.dialect == Postgres {
			if err := tx.Exec("SELECT pg_advisory_xact_lock(742001)").Error; err != nil {
				return err
			}
		}
		var n int64
		if err := tx.Table("schema_migrations").Where("component = ? AND version = ?", component, m.Version).Count(&n).Error; err != nil {
			return err
		}
		if n > 0 {
			return nil
		}
		if err := m.Up(tx, db.dialect); err != nil {
			return err
		}
		return tx.Exec("INSERT INTO schema_migrations (component, version, name, applied_at) VALUES (?, ?, ?, ?)",
			component, m.Version, m.Name, time.Now().UTC()).Error
	})
}

// SchemaVersion returns the highest applied version of a component, 0 when none.
func (db *DB) SchemaVersion(ctx context.Context, component string) (int, error) {
	if err := db.gorm.WithContext(ctx).Exec(migrationsTable).Error; err != nil {
		return 0, err
	}
	var v *int
	err := db.gorm.WithContext(ctx).Raw("SELECT MAX(version) FROM schema_migrations WHERE component = ?", component).Scan(&v).Error
	if err != nil || v == nil {
		return 0, err
	}
	return *v, nil
}

// CheckSchemas reports whether the database holds every schema at exactly
// the version of its migrations, as /readyz must: lower means nobody
// migrated it (a dropped and recreated database), higher means a newer
// binary did. It only reads: it never creates schema_migrations.
func (db *DB) CheckSchemas(ctx context.Context, schemas ...Schema) error {
	have, err := db.schemaVersions(ctx)
	if err != nil {
		return errors.New("the database does not answer")
	}
	for _, s := range schemas {
		want, got := len(s.Migrations), have[s.Component]
		switch {
		case got < want:
			return fmt.Errorf("the database schema %s is at version %d, this binary needs %d: run mypos migrate", s.Component, got, want)
		case got > want:
			return fmt.Errorf("the database schema %s is at version %d, newer than this binary's %d: a newer mypos migrated it", s.Component, got, want)
		}
	}
	return nil
}

// schemaVersions returns each component's highest applied version; none
// when the database has no schema_migrations table.
func (db *DB) schemaVersions(ctx context.Context) (map[string]int, error) {
	conn := db.gorm.WithContext(ctx)
	if !conn.Migrator().HasTable("schema_migrations") {
		// HasTable hides a failed query; tell "no table" from "no answer".
		if err := db.Ping(ctx); err != nil {
			return nil, err
		}
		return map[string]int{}, nil
	}
	var rows []struct {
		Component string
		Version   int
	}
	err := conn.Raw("SELECT component, MAX(version) AS version FROM schema_migrations GROUP BY component").Scan(&rows).Error
	if err != nil {
		return nil, err
	}
	out := make(map[string]int, len(rows))
	for _, r := range rows {
		out[r.Component] = r.Version
	}
	return out, nil
}
