package fleet

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"mypos/device"
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
	moved, err := f.changes.Touched(ctx, s.companyID, device.Kind, s.deviceID, since)
	if err != nil || moved {
		return syncCursor{snapshot: true, to: head}, err
	}
	return syncCursor{to: head, after: strconv.FormatInt(since, 10)}, nil
}
