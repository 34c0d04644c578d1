package licensing

import (
	"context"

	"mypos/changelog"
	"mypos/protocol"
)

// changeBody is what a terminal is told of the license on it: enough to
// register receipts and show what it runs on. The key of a sealed license
// is never in it — the changelog is read by every node and kept for days.
type changeBody struct {
	ID       string `json:"id"`
	Sealed   bool   `json:"sealed"`
	Key      string `json:"key,omitempty"`
	Licensee string `json:"licensee,omitempty"`
}

// announce appends, for each license of a written document whose device
// changed, what the devices concerned must hear: the device it is now on
// gets it, the device it left loses it. It takes the company's revision,
// the last lock of the order.
func (s *Service) announce(ctx context.Context, d *draft) error {
	for _, c := range d.changes {
		before, after := c.from.DeviceID, c.to.DeviceID
		if same(before, after) {
			continue
		}
		e := changelog.Entry{Kind: protocol.KindLicense, Entity: c.row.ID}
		switch {
		case after == nil:
			e.Op, e.Scope = protocol.OpDelete, changelog.Devices(*before)
		default:
			e.Op, e.Scope, e.Body = protocol.OpUpsert, changelog.Devices(*after), bodyOf(c.row)
			if before != nil {
				prev := changelog.Devices(*before)
				e.PrevScope = &prev
			}
		}
		if _, err := s.changes.Append(ctx, *c.to.CompanyID, e); err != nil {
			return err
		}
	}
	return nil
}

func bodyOf(r *licenseRow) changeBody {
	b := changeBody{ID: r.ID, Sealed: r.Sealed, Licensee: deref(r.LicenseeName)}
	if !r.Sealed {
		b.Key = r.Key
	}
	return b
}
