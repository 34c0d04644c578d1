package changelog

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"mypos/db"
)

// Channel is where commits are announced to the other cloud nodes sharing
// the database (db.Notify): each follows the log and must hear of what
// the others wrote sooner than its poll would find it.
const Channel = "changelog"

// announce tells of a commit, once the transaction of ctx commits: this
// process's subscribers through a commit hook, the other nodes through a
// notification. A commit that rolls back tells nobody.
func (l *Log) announce(ctx context.Context, c Commit) error {
	if err := l.db.Notify(ctx, Channel, c.payload()); err != nil {
		return err
	}
	db.AfterCommit(ctx, func() { l.publish(c) })
	return nil
}

// payload is the notification's text: "company rev". The revision lets a
// node raise its cached head without a query.
func (c Commit) payload() string { return c.CompanyID + " " + strconv.FormatInt(c.Rev, 10) }

// ParseCommit reads a notification heard on Channel.
func ParseCommit(payload string) (Commit, error) {
	company, rev, ok := strings.Cut(payload, " ")
	n, err := strconv.ParseInt(rev, 10, 64)
	if !ok || company == "" || err != nil || n < 1 {
		return Commit{}, fmt.Errorf("changelog: not a commit notification: %q", payload)
	}
	return Commit{CompanyID: company, Rev: n}, nil
}
