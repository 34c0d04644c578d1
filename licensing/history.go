package licensing

import (
	"context"
	"time"
)

// HeldAt reports, for each device and each moment asked of it, whether the
// device held a license at that moment by the documents — the ledger's
// history, not the facts now: a till that sold offline after its license
// was released or moved to another till sold without one. A moment counts
// as licensed when the device held a license at any time within slack of
// it: a till's clock is not the cloud's, and a sale punched just after an
// activation on a till whose clock runs behind was still sold licensed.
//
// It answers the check of uploaded receipts — sales asks once a batch, in
// a query per 200 devices, so it is never stale on any node — and checks
// nothing of the caller: it tells nothing but yes or no.
func (s *Service) HeldAt(ctx context.Context, moments map[string][]time.Time, slack time.Duration) (map[string][]bool, error) {
	devices := make([]string, 0, len(moments))
	for id := range moments {
		devices = append(devices, id)
	}
	held, err := s.heldPeriods(ctx, devices)
	if err != nil {
		return nil, err
	}
	out := make(map[string][]bool, len(moments))
	for id, ats := range moments {
		answers := make([]bool, len(ats))
		for i, at := range ats {
			answers[i] = held[id].overlap(at.Add(-slack), at.Add(slack))
		}
		out[id] = answers
	}
	return out, nil
}

// devicesPerQuery bounds the devices of one history query, named twice.
const devicesPerQuery = 200

// heldPeriods replays the devices' documents into the periods each held a
// license. A device carries at most one license, but a move onto a device
// lists the license coming before the one it displaces, so licenses are
// counted, not flagged: a device holds one while its count is above zero.
func (s *Service) heldPeriods(ctx context.Context, devices []string) (map[string]periods, error) {
	out := make(map[string]periods, len(devices))
	for start := 0; start < len(devices); start += devicesPerQuery {
		part := devices[start:min(start+devicesPerQuery, len(devices))]
		var lines []struct {
			FromDeviceID, ToDeviceID *string
			CreatedAt                time.Time
		}
		err := s.db.Conn(ctx).Raw(`SELECT l.from_device_id, l.to_device_id, d.created_at
			FROM license_document_lines l JOIN license_documents d ON d.id = l.document_id
			WHERE l.to_device_id IN ? OR l.from_device_id IN ?
			ORDER BY d.number, l.line`, part, part).Scan(&lines).Error
		if err != nil {
			return nil, err
		}
		count := make(map[string]int, len(part)) // licenses on each device of part
		for _, id := range part {
			count[id] = 0
		}
		for _, l := range lines {
			from, to := deref(l.FromDeviceID), deref(l.ToDeviceID)
			if _, ok := count[to]; ok && to != from {
				if count[to]++; count[to] == 1 {
					out[to] = append(out[to], period{from: l.CreatedAt})
				}
			}
			if _, ok := count[from]; ok && from != to && count[from] > 0 {
				if count[from]--; count[from] == 0 {
					out[from][len(out[from])-1].to = l.CreatedAt
				}
			}
		}
	}
	return out, nil
}

// period is a time a device held a license: from, up to to (zero: still).
type period struct{ from, to time.Time }

// periods are a device's, in order.
type periods []period

// overlap reports whether the device held a license at any moment of
// [from, to].
func (ps periods) overlap(from, to time.Time) bool {
	for _, p := range ps {
		if !p.from.After(to) && (p.to.IsZero() || p.to.After(from)) {
			return true
		}
	}
	return false
}
