package sales

import "context"

// Unlicensed is what a device sold without a license, as its partner is
// shown it: a till selling without one is the dealer's business.
type Unlicensed struct {
	// Receipts is how many such receipts it uploaded.
	Receipts int64 `json:"receipts"`
	// LastDay is the till's local day of the latest, YYYY-MM-DD.
	LastDay string `json:"last_day"`
}

// devicesPerQuery bounds the devices one UnlicensedOn query names.
const devicesPerQuery = 200

// UnlicensedOn returns, for each of the devices that uploaded receipts
// sold without a license, how many and the day of the latest; the others
// are absent. It serves views that span packages — a partner's board of
// its clients' devices — and checks nothing of the caller: the view has
// checked the devices are the caller's to see.
func (s *Service) UnlicensedOn(ctx context.Context, deviceIDs []string) (map[string]Unlicensed, error) {
	out := make(map[string]Unlicensed)
	for start := 0; start < len(deviceIDs); start += devicesPerQuery {
		var rows []struct {
			DeviceID string
			Unlicensed
		}
		err := s.db.Conn(ctx).Raw(`SELECT device_id, COUNT(*) AS receipts, MAX(day) AS last_day FROM receipts
			WHERE unlicensed AND device_id IN ? GROUP BY device_id`,
			deviceIDs[start:min(start+devicesPerQuery, len(deviceIDs))]).Scan(&rows).Error
		if err != nil {
			return nil, err
		}
		for _, r := range rows {
			out[r.DeviceID] = r.Unlicensed
		}
	}
	return out, nil
}
