package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// Notifications let one process wake the others that share the database.
// Postgres delivers them database-wide, while our tables live in one schema
// (search_path): two installations sharing a database in different schemas
// — as the tests do — must not hear each other, so a channel is named
// within the current schema on both ends, by this one expression. A name
// longer than Postgres's 63 bytes would make pg_notify fail, and every
// write with it: a long schema is named by a hash instead.
const channelName = `CASE WHEN octet_length(current_schema()) + octet_length(@channel) < 63
	THEN current_schema() || '.' || @channel ELSE left(md5(current_schema()), 16) || '.' || @channel END`

// Notify sends payload on channel (at most 40 bytes) in the transaction of
// ctx; Postgres delivers it when the transaction commits, and never if it
// rolls back. On SQLite, which has a single process, it does nothing.
func (db *DB) Notify(ctx context.Context, channel, payload string) error {
	if db.dialect != Postgres {
		return nil
	}
	return db.Conn(ctx).Exec(`SELECT pg_notify(`+channelName+`, @payload)`,
		sql.Named("channel", channel), sql.Named("payload", payload)).Error
}

// Listener says what to do with the notifications on one channel. Its
// functions run on the listening goroutine, one at a time.
type Listener struct {
	Channel string
	// Notify is called with each notification's payload.
	Notify func(payload string)
	// Listening, if set, is called each time the connection is (re)made:
	// what was sent while it was down is lost.
	Listening func()
	// Lost, if set, is told why the connection broke; Listen reconnects.
	Lost func(err error)
}

// Backoff between reconnections of a broken listening connection.
const (
	listenRetryMin = 100 * time.Millisecond
	listenRetryMax = 30 * time.Second
)

// Listen hears l.Channel on a connection of its own, outside the pool,
// until ctx ends, reconnecting with backoff when the connection breaks. It
// returns an error wrapping errors.ErrUnsupported on SQLite, and nil when
// ctx ends.
func (db *DB) Listen(ctx context.Context, l Listener) error {
	if db.dialect != Postgres {
		return fmt.Errorf("db: notifications on %s: %w", db.dialect, errors.ErrUnsupported)
	}
	wait := listenRetryMin
	for {
		listened, err := db.listenOnce(ctx, l)
		if ctx.Err() != nil {
			return nil
		}
		if l.Lost != nil {
			l.Lost(err)
		}
		if listened {
			wait = listenRetryMin // it worked for a while: start the backoff over
		}
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(wait):
		}
		wait = min(2*wait, listenRetryMax)
	}
}

// listenOnce connects, listens and hands notifications over until the
// connection fails; it reports whether it got as far as listening.
func (db *DB) listenOnce(ctx context.Context, l Listener) (bool, error) {
	conn, err := pgx.Connect(ctx, db.url)
	if err != nil {
		return false, err
	}
	defer func() {
		// A connection that broke may not answer the goodbye: do not wait long.
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Second)
		defer cancel()
		conn.Close(ctx)
	}()
	var name string // asked of the pool, which shares the listening connection's search_path
	err = db.gorm.WithContext(ctx).Raw(`SELECT `+channelName, sql.Named("channel", l.Channel)).Row().Scan(&name)
	if err != nil {
		return false, err
	}
	if _, err := conn.Exec(ctx, "LISTEN "+pgx.Identifier{name}.Sanitize()); err != nil {
		return false, err
	}
	if l.Listening != nil {
		l.Listening()
	}
	for {
		n, err := conn.WaitForNotification(ctx)
		if err != nil {
			return true, err
		}
		l.Notify(n.Payload)
	}
}
