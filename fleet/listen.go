// The sync engine's chores beside answering devices: hearing other nodes'
// commits (pg_notify) and writing acknowledged revisions in batches.

package fleet

import (
	"context"
	"errors"

	"mypos/changelog"
	"mypos/db"
)

// startSyncChores runs, until ctx ends, what the sync engine does beside
// answering devices: hearing other nodes' commits, and writing the
// acknowledged revisions in batches.
func (f *Fleet) startSyncChores(ctx context.Context) {
	f.wg.Add(2)
	go func() {
		defer f.wg.Done()
		f.follower.listen(ctx)
	}()
	go func() {
		defer f.wg.Done()
		f.acks.run(ctx)
	}()
}

// listen wakes the follower on the commits of other nodes sharing the
// database, as they commit, until ctx ends. Where the database has no
// notifications (SQLite: one process) the poll is all there is, as it is
// while the listening connection is down.
func (fw *follower) listen(ctx context.Context) {
	err := fw.f.listen(ctx, db.Listener{
		Channel:   changelog.Channel,
		Notify:    fw.notified,
		Listening: fw.listening,
		Lost: func(err error) {
			fw.f.log.Warn("lost the connection that hears other nodes' commits; polling until it is back", "error", err)
		},
	})
	if err != nil && !errors.Is(err, errors.ErrUnsupported) {
		fw.f.log.Error("listen for other nodes' commits", "error", err)
	}
}

// notified is a commit notification: most are news from another node, some
// this node's own, heard already through its commit hook.
func (fw *follower) notified(payload string) {
	c, err := changelog.ParseCommit(payload)
	if err != nil {
		fw.f.log.Warn("commit notification", "error", err)
		return
	}
	fw.woke(byNotify, c)
}

// listening is called whenever the connection is (re)made: what was
// committed while it was down went unheard, so the poll runs at once.
func (fw *follower) listening() {
	fw.f.metrics.listens.Inc()
	select {
	case fw.pollNow <- struct{}{}:
	default:
	}
}
