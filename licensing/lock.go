package licensing

import (
	"context"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"mypos"
)

// forUpdate locks the rows a query reads until commit. Rows are read in id
// order, so two operations that lock overlapping licenses take them in the
// same order and never wait for each other in a circle. SQLite ignores the
// clause: its writers are serialised from the start of the transaction.
func (s *Service) forUpdate(ctx context.Context) *gorm.DB {
	return s.db.Conn(ctx).Clauses(clause.Locking{Strength: clause.LockingStrengthUpdate}).Order("id")
}

// lockIDs locks the licenses with the IDs, the first lock of the order.
// IDs that are not licenses are simply missing from the result.
func (s *Service) lockIDs(ctx context.Context, ids []string) (map[string]*licenseRow, error) {
	var rows []licenseRow
	if err := s.forUpdate(ctx).Where("id IN ?", ids).Find(&rows).Error; err != nil {
		return nil, err
	}
	byID := make(map[string]*licenseRow, len(rows))
	for i := range rows {
		byID[rows[i].ID] = &rows[i]
	}
	return byID, nil
}

// lockOne locks one license.
// Returns ENOTFOUND (field "license_id") when there is none.
func (s *Service) lockOne(ctx context.Context, id string) (*licenseRow, error) {
	if !mypos.ValidID(id) {
		return nil, notFound("license_id", "license")
	}
	rows, err := s.lockIDs(ctx, []string{id})
	if err != nil {
		return nil, err
	}
	if rows[id] == nil {
		return nil, notFound("license_id", "license")
	}
	return rows[id], nil
}

// lockWithDevice locks, in id order, the license a condition names and the
// license now on a device — the one the first would displace. Either may
// be nil. isIt tells the named license among the rows.
func (s *Service) lockWithDevice(ctx context.Context, where string, arg any, deviceID string, isIt func(*licenseRow) bool) (it, displaced *licenseRow, err error) {
	var rows []licenseRow
	if err := s.forUpdate(ctx).Where("("+where+") OR device_id = ?", arg, deviceID).Find(&rows).Error; err != nil {
		return nil, nil, err
	}
	for i := range rows {
		switch {
		case isIt(&rows[i]):
			it = &rows[i]
		case is(rows[i].DeviceID, deviceID):
			displaced = &rows[i]
		}
	}
	return it, displaced, nil
}

// uniqueIDs checks a list of license IDs: at least one, each an ID, none twice.
// Returns EINVALID (field "license_ids") otherwise.
func uniqueIDs(ids []string, max int) error {
	if len(ids) == 0 || len(ids) > max {
		return mypos.Invalid("license_ids", "Name 1 to %d licenses.", max)
	}
	seen := make(map[string]bool, len(ids))
	for _, id := range ids {
		if !mypos.ValidID(id) || seen[id] {
			return mypos.Invalid("license_ids", "%q is not a license ID, or is named twice.", id)
		}
		seen[id] = true
	}
	return nil
}
