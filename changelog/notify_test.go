package changelog_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"mypos"
	"mypos/changelog"
	"mypos/db"
	"mypos/protocol"
)

var errRollback = errors.New("rollback")

// A commit is announced to the other nodes with its company and revision,
// once per Append or AppendMany; a rollback announces nothing.
func TestAnnounce(t *testing.T) {
	database, log := setup(t)
	if database.Dialect() != db.Postgres {
		t.Skip("notifications are Postgres's; SQLite has one process")
	}
	heard := make(chan string, 8)
	up := make(chan struct{}, 1)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() {
		done <- database.Listen(ctx, db.Listener{Channel: changelog.Channel, Notify: func(p string) { heard <- p }, Listening: func() { up <- struct{}{} }})
	}()
	defer func() { cancel(); <-done }()
	<-up
	company := mypos.NewID()
	err := database.InTx(context.Background(), func(ctx context.Context) error {
		if _, err := log.Append(ctx, company, changelog.Entry{Kind: "store", Entity: "lost", Op: protocol.OpUpsert, Body: 1, Scope: changelog.Company()}); err != nil {
			return err
		}
		return errRollback
	})
	if !errors.Is(err, errRollback) {
		t.Fatal(err)
	}
	appendOne(t, database, log, company, "a", changelog.Company(), nil)
	err = database.InTx(context.Background(), func(ctx context.Context) error {
		_, err := log.AppendMany(ctx, company, []changelog.Entry{
			{Kind: "store", Entity: "b", Op: protocol.OpUpsert, Body: 2, Scope: changelog.Company()},
			{Kind: "store", Entity: "c", Op: protocol.OpUpsert, Body: 3, Scope: changelog.Company()}})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []int64{1, 3} {
		select {
		case p := <-heard:
			c, err := changelog.ParseCommit(p)
			if err != nil || c.CompanyID != company || c.Rev != want {
				t.Fatalf("heard %q (%+v, %v), want revision %d of the company", p, c, err, want)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("revision %d not announced within 10 s", want)
		}
	}
}

func TestParseCommit(t *testing.T) {
	for _, bad := range []string{"", "c", "c x", " 1", "c 0", "c -1"} {
		if c, err := changelog.ParseCommit(bad); err == nil {
			t.Errorf("ParseCommit(%q)=%+v, want an error", bad, c)
		}
	}
}
