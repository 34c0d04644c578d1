// Sync cursors: where the next page starts and which revision the sync
// reaches, how a new sync is served (log or snapshot), and when a resumed
// cursor may be served.

package fleet

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"mypos"
	"mypos/protocol"
)

// A sync cursor says where the next page starts and which revision the
// whole sync reaches, so every page of one sync agrees:
//
//	"s|<to>|<kind/entity>" — a snapshot, after that entity
//	"c|<to>|<rev>"         — the compacted log, after that revision
type syncCursor struct {
	snapshot bool
	to       int64
	after    string // the entity (snapshot) or revision (log) the page starts after
}

func (c syncCursor) String() string {
	mode := "c"
	if c.snapshot {
		mode = "s"
	}
	return mode + "|" + strconv.FormatInt(c.to, 10) + "|" + c.after
}

func parseCursor(s string) (syncCursor, error) {
	parts := strings.SplitN(s, "|", 3)
	if len(parts) != 3 || (parts[0] != "s" && parts[0] != "c") {
		return syncCursor{}, fmt.Errorf("not a sync cursor of this cloud")
	}
	to, err := strconv.ParseInt(parts[1], 10, 64)
	if err != nil || to < 0 {
		return syncCursor{}, fmt.Errorf("not a sync cursor of this cloud")
	}
	if parts[0] == "c" {
		if _, err := strconv.ParseInt(parts[2], 10, 64); err != nil {
			return syncCursor{}, fmt.Errorf("not a sync cursor of this cloud")
		}
	}
	return syncCursor{snapshot: parts[0] == "s", to: to, after: parts[2]}, nil
}

// firstCursor decides how a sync from since is served: by the compacted log
// when the log still holds everything after since, by a full snapshot when
// since is 0, behind the pruning horizon, or the device must start over.
func (f *Fleet) firstCursor(ctx context.Context, s *session, since, head int64, reset bool) (syncCursor, error) {
	if since == 0 || reset || since > head {
		return syncCursor{snapshot: true, to: head}, nil
	}
	horizon, err := f.changes.Horizon(ctx, s.companyID)
	if err != nil {
		return syncCursor{}, err
	}
	if since < horizon {
		return syncCursor{snapshot: true, to: head}, nil
	}
	// What the device holds was chosen by the store it stood in at since.
	// If it was moved while away, the log read under its present store
	// would miss what that store had before since and keep what the old
	// one had: it starts over.
	moved, err := f.changes.Touched(ctx, s.companyID, protocol.KindDevice, s.deviceID, since)
	if err != nil || moved {
		return syncCursor{snapshot: true, to: head}, err
	}
	return syncCursor{to: head, after: strconv.FormatInt(since, 10)}, nil
}

// resumedCursor checks a cursor the session did not hand out: a device
// whose sync was cut — a lost connection, a timeout, a refusal, a restart —
// resumes it from the last page it staged, often on a new session. The
// pages still to come must complete the staged ones into exactly the
// device's view, so the cursor is served only when
//   - the device stands in the store its sync began under: its own row is
//     unchanged since — since the sync's start for the log (whose first page
//     checked the same), since the snapshot's revision for a snapshot (whose
//     store was read after that revision);
//   - the log after that revision is still kept, so the check can tell, and
//     the log's remaining pages can be read.
//
// Otherwise, or when it is no cursor of this cloud, the device is told to
// start over (protocol.CodeStartOver). A snapshot resumed under the same
// view is exact: its items are last states, and what changed after its
// revision comes after it, as for any sync.
func (f *Fleet) resumedCursor(ctx context.Context, s *session, msg *protocol.Sync) (syncCursor, error) {
	cur, err := parseCursor(msg.Cursor)
	if err != nil {
		return cur, startOver("%v", err)
	}
	head, err := f.placeSync(ctx, s)
	if err != nil {
		return cur, err
	}
	from := cur.to // the revision after which the device's store must not have changed
	if !cur.snapshot {
		after, _ := strconv.ParseInt(cur.after, 10, 64) // parseCursor checked it
		if msg.Since > after || after > cur.to {
			return cur, startOver("the cursor is outside the sync it names")
		}
		from = msg.Since
	}
	if cur.to > head {
		return cur, startOver("the cursor is ahead of the log")
	}
	horizon, err := f.changes.Horizon(ctx, s.companyID)
	if err != nil {
		return cur, err
	}
	if from < horizon {
		return cur, startOver("the changes after the sync's start were pruned")
	}
	moved, err := f.changes.Touched(ctx, s.companyID, protocol.KindDevice, s.deviceID, from)
	if err != nil {
		return cur, err
	}
	if moved {
		return cur, startOver("the device changed since the sync began")
	}
	return cur, nil
}

// startOver refuses a resumed sync: the device discards what it staged and
// syncs from the start.
func startOver(format string, args ...any) error {
	return mypos.Errorf(protocol.CodeStartOver, "cannot resume this sync, start over: "+format, args...)
}
