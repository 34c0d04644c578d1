package device

import (
	"context"

	"mypos"
	"mypos/db"
)

// Location is where a device stands: its company and its store ("" when
// in none). Fleet routes changes by it.
type Location struct {
	CompanyID string
	StoreID   string
}

// Locate returns a live device's location. It trusts its caller with the
// device ID: fleet takes it from the topic the broker authenticated.
// Returns ENOTFOUND for an unknown or revoked device.
func (s *Service) Locate(ctx context.Context, deviceID string) (Location, error) {
	if !mypos.ValidID(deviceID) {
		return Location{}, mypos.Errorf(mypos.ENOTFOUND, "No such device.")
	}
	var row deviceRow
	err := s.db.Conn(ctx).Where("id = ? AND revoked_at IS NULL", deviceID).Take(&row).Error
	if err != nil {
		return Location{}, db.NotFound(err, "No such device.")
	}
	loc := Location{CompanyID: row.CompanyID}
	if row.StoreID != nil {
		loc.StoreID = *row.StoreID
	}
	return loc, nil
}
