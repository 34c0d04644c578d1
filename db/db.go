// Package db opens the database — SQLite by default, Postgres in
// production — and carries transactions through contexts, so a use case that
// spans two domain packages commits once.
package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/glebarez/sqlite"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"mypos"
)

// Dialects.
const (
	SQLite   = "sqlite"
	Postgres = "postgres"
)

// Config says which database to open.
type Config struct {
	// URL is a postgres:// URL; empty means SQLite in DataDir.
	URL string
	// DataDir holds the SQLite file.
	DataDir string
	// MaxOpenConns bounds the pool; 0 means a default fit for the dialect.
	MaxOpenConns int
	Logger       *slog.Logger
}

// DB is the database handle every domain service holds.
type DB struct {
	gorm    *gorm.DB
	dialect string
	// url is the Postgres URL, for the connections outside the pool (Listen).
	url string
	// Now is the clock of every service; tests replace it.
	Now func() time.Time
}

// Open connects to the database of cfg. It does not migrate. Its errors
// quote no password of cfg.URL.
func Open(ctx context.Context, cfg Config) (*DB, error) {
	db, err := open(ctx, cfg)
	if err != nil {
		return nil, hidePasswords(err, cfg.URL)
	}
	return db, nil
}

func open(ctx context.Context, cfg Config) (*DB, error) {
	dialector, dialect, err := dialectorFor(cfg)
	if err != nil {
		return nil, err
	}
	db := &DB{dialect: dialect, Now: func() time.Time { return time.Now().UTC() }}
	if dialect == Postgres {
		db.url = withTimeZoneUTC(cfg.URL)
	}
	g, err := gorm.Open(dialector, &gorm.Config{
		TranslateError:         true,
		SkipDefaultTransaction: true, // our writes run in InTx when they need one
		NowFunc:                func() time.Time { return db.Now() },
		Logger:                 newLogger(cfg.Logger),
	})
	if err != nil {
		return nil, fmt.Errorf("open %s db: %w", dialect, err)
	}
	sqlDB, err := g.DB()
	if err != nil {
		return nil, err
	}
	sqlDB.SetMaxOpenConns(maxOpen(cfg.MaxOpenConns, dialect))
	sqlDB.SetConnMaxIdleTime(5 * time.Minute)
	if err := sqlDB.PingContext(ctx); err != nil {
		sqlDB.Close()
		return nil, fmt.Errorf("connect to %s db: %w", dialect, err)
	}
	db.gorm = g
	return db, nil
}

func dialectorFor(cfg Config) (gorm.Dialector, string, error) {
	if cfg.URL != "" {
		if !strings.HasPrefix(cfg.URL, "postgres://") && !strings.HasPrefix(cfg.URL, "postgresql://") {
			return nil, "", fmt.Errorf("database URL must start with postgres://")
		}
		return postgres.Open(withTimeZoneUTC(cfg.URL)), Postgres, nil
	}
	dir := cfg.DataDir
	if dir == "" {
		dir = "."
	}
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, "", fmt.Errorf("create data directory: %w", err)
	}
	// WAL lets readers run beside the writer; _txlock=immediate makes a
	// transaction take the write lock when it begins, so concurrent writers
	// queue on busy_timeout instead of failing with SQLITE_BUSY on upgrade.
	dsn := "file:" + filepath.Join(dir, "mypos.db") +
		"?_pragma=journal_mode(WAL)&_pragma=busy_timeout(15000)&_pragma=foreign_keys(1)" +
		"&_pragma=synchronous(NORMAL)&_txlock=immediate"
	return sqlite.Open(dsn), SQLite, nil
}

func withTimeZoneUTC(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return raw // pgx reports the parse error with more context
	}
	q := u.Query()
	if q.Get("timezone") == "" {
		q.Set("timezone", "UTC")
	}
	u.RawQuery = q.Encode()
	return u.String()
}

// hidePasswords masks in err's text every password the database URL raw
// holds. pgx quotes the URL when it refuses it, with the password of its
// user info masked but not a password parameter (?password=, as libpq
// takes it), and the URL reaches pgx re-encoded (withTimeZoneUTC).
// errors.Is and errors.As still see err.
func hidePasswords(err error, raw string) error {
	text := err.Error()
	for _, p := range passwordsOf(raw) {
		text = strings.ReplaceAll(text, p, "xxxxx")
	}
	if text == err.Error() {
		return err
	}
	return &maskedError{text: text, err: err}
}

// passwordsOf is every password a database URL holds — in its user info, or
// a parameter named like one (password, sslpassword) — in each form it may
// be quoted in: decoded, and encoded for a query or a path; the longest
// first, so none is masked only in part.
func passwordsOf(raw string) []string {
	var found []string
	if u, err := url.Parse(raw); err == nil {
		if p, ok := u.User.Password(); ok {
			found = append(found, p)
		}
	}
	// The query is read on its own: a URL pgx refuses may not parse whole.
	_, query, _ := strings.Cut(raw, "?")
	params, _ := url.ParseQuery(query) // what does not parse is not quoted decoded either
	for name, values := range params {
		if strings.Contains(strings.ToLower(name), "password") {
			found = append(found, values...)
		}
	}
	var forms []string
	for _, p := range found {
		if p != "" {
			forms = append(forms, p, url.QueryEscape(p), url.PathEscape(p))
		}
	}
	slices.SortFunc(forms, func(a, b string) int { return len(b) - len(a) })
	return forms
}

// maskedError is an error whose text has passwords masked.
type maskedError struct {
	text string
	err  error
}

func (e *maskedError) Error() string { return e.text }
func (e *maskedError) Unwrap() error { return e.err }

func maxOpen(n int, dialect string) int {
	switch {
	case n > 0:
		return n
	case dialect == SQLite:
		return 8
	default:
		return 20
	}
}

// Dialect names the db: SQLite or Postgres.
func (db *DB) Dialect() string { return db.dialect }

// Ping checks that the database answers.
func (db *DB) Ping(ctx context.Context) error {
	sqlDB, err := db.gorm.DB()
	if err != nil {
		return err
	}
	return sqlDB.PingContext(ctx)
}

// Close closes the pool.
func (db *DB) Close() error {
	sqlDB, err := db.gorm.DB()
	if err != nil {
		return err
	}
	return sqlDB.Close()
}

// SQL returns the underlying pool, for tools that speak database/sql.
func (db *DB) SQL() (*sql.DB, error) { return db.gorm.DB() }

// IsDuplicate reports whether err is a unique-constraint violation.
func IsDuplicate(err error) bool { return errors.Is(err, gorm.ErrDuplicatedKey) }

// IsNotFound reports whether err says a First/Take found no row.
func IsNotFound(err error) bool { return errors.Is(err, gorm.ErrRecordNotFound) }

// NotFound turns gorm's "record not found" into ENOTFOUND with msg and
// passes any other error through.
func NotFound(err error, msg string) error {
	if IsNotFound(err) {
		return mypos.Errorf(mypos.ENOTFOUND, "%s", msg)
	}
	return err
}

func newLogger(l *slog.Logger) logger.Interface {
	if l == nil {
		return logger.Discard
	}
	return quietDuplicates{logger.NewSlogLogger(l, logger.Config{
		SlowThreshold:             500 * time.Millisecond,
		IgnoreRecordNotFoundError: true,
		LogLevel:                  logger.Warn,
		ParameterizedQueries:      true, // never log values: they may be secrets
	})}
}

// quietDuplicates is gorm's logger, except that a unique violation is not
// logged as a failed statement. It is how the services learn of a conflict
// (an e-mail taken, a code in use): they answer ECONFLICT, a 409 nobody need
// read about; one that did not expect it returns it as an internal error,
// which the edge logs once. Checking before inserting instead would still
// race, so the index stays the judge and the logger learns to listen.
type quietDuplicates struct{ logger.Interface }

// Trace logs a statement as gorm would, a duplicate as if it had succeeded
// (so it is logged only when slow).
func (l quietDuplicates) Trace(ctx context.Context, begin time.Time, fc func() (string, int64), err error) {
	if IsDuplicate(err) {
		err = nil
	}
	l.Interface.Trace(ctx, begin, fc, err)
}

// LogMode keeps the wrapper around the logger at its new level.
func (l quietDuplicates) LogMode(level logger.LogLevel) logger.Interface {
	return quietDuplicates{l.Interface.LogMode(level)}
}

// ParamsFilter passes on the wrapped logger's: without it gorm would write
// a statement's values into the logged SQL.
func (l quietDuplicates) ParamsFilter(ctx context.Context, sql string, params ...any) (string, []any) {
	if f, ok := l.Interface.(gorm.ParamsFilter); ok {
		return f.ParamsFilter(ctx, sql, params...)
	}
	return sql, params
}
