package licensing

import (
	"context"
	"fmt"

	"mypos"
)

// Holders whose licenses CountsBy counts.
const (
	HolderPartner = "partner"
	HolderCompany = "company"
)

// CountsBy counts the licenses each of the partners or companies holds, by
// state, in one grouped query, for the owner's lists; a holder with none
// is absent. Owner only.
// Returns EFORBIDDEN for anyone else; another kind of holder is a bug.
func (s *Service) CountsBy(ctx context.Context, holder string, ids []string) (map[string]Counts, error) {
	if _, err := mypos.RequireActor(ctx, mypos.KindOwner); err != nil {
		return nil, err
	}
	column := map[string]string{HolderPartner: "partner_id", HolderCompany: "company_id"}[holder]
	if column == "" {
		return nil, fmt.Errorf("licensing: no holder %q", holder) // a caller's bug, not a user's mistake
	}
	out := make(map[string]Counts, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	var rows []struct {
		Holder string
		Sealed bool
		OnDev  bool
		N      int64
	}
	err := s.db.Conn(ctx).Model(&licenseRow{}).
		Select(column+" AS holder, sealed, device_id IS NOT NULL AS on_dev, COUNT(*) AS n").
		Where(column+" IN ?", ids).Group(column + ", sealed, device_id IS NOT NULL").Scan(&rows).Error
	for _, r := range rows {
		c := out[r.Holder]
		c.add(r.Sealed, r.OnDev, r.N)
		out[r.Holder] = c
	}
	return out, err
}

// add counts n licenses of the facts in their state.
func (c *Counts) add(sealed, onDevice bool, n int64) {
	switch {
	case onDevice:
		c.Active += n
	case sealed:
		c.Sealed += n
	default:
		c.Unsealed += n
	}
}

// Total is the licenses of every state.
func (c Counts) Total() int64 { return c.Sealed + c.Unsealed + c.Active }

// Plus is the sum of two counts.
func (c Counts) Plus(o Counts) Counts {
	return Counts{Sealed: c.Sealed + o.Sealed, Unsealed: c.Unsealed + o.Unsealed, Active: c.Active + o.Active}
}
