package backoffice

import (
	"context"
	"slices"

	"gorm.io/gorm/clause"

	"mypos"
	"mypos/changelog"
	"mypos/protocol"
)

// cashierDevice is one device a cashier may work on.
type cashierDevice struct {
	CashierID string `gorm:"column:cashier_id;primaryKey"`
	DeviceID  string `gorm:"column:device_id;primaryKey"`
}

func (cashierDevice) TableName() string { return "cashier_devices" }

// checkDevices asks the device package whether every ID is a live device of
// the company, before anything is written.
func (s *Service) checkDevices(ctx context.Context, companyID string, ids []string) error {
	if len(ids) == 0 {
		return nil
	}
	return s.devices.CheckOwned(ctx, companyID, ids)
}

// loadDevices fills in the device set of each cashier with one query.
func (s *Service) loadDevices(ctx context.Context, cs []Cashier) error {
	if len(cs) == 0 {
		return nil
	}
	ids := make([]string, len(cs))
	for i := range cs {
		ids[i] = cs[i].ID
	}
	var rows []cashierDevice
	if err := s.db.Conn(ctx).Where("cashier_id IN ?", ids).Order("device_id").Find(&rows).Error; err != nil {
		return err
	}
	sets := make(map[string][]string, len(cs))
	for _, r := range rows {
		sets[r.CashierID] = append(sets[r.CashierID], r.DeviceID)
	}
	for i := range cs {
		cs[i].DeviceIDs = sets[cs[i].ID]
		if cs[i].DeviceIDs == nil {
			cs[i].DeviceIDs = []string{} // an empty list, not null, in JSON
		}
	}
	return nil
}

// insertDevices adds a checked device set to a cashier.
func (s *Service) insertDevices(ctx context.Context, cashierID string, deviceIDs []string) error {
	if len(deviceIDs) == 0 {
		return nil
	}
	rows := make([]cashierDevice, len(deviceIDs))
	for i, d := range deviceIDs {
		rows[i] = cashierDevice{CashierID: cashierID, DeviceID: d}
	}
	return s.db.Conn(ctx).Create(&rows).Error
}

// replaceDevices makes deviceIDs the cashier's whole set.
func (s *Service) replaceDevices(ctx context.Context, cashierID string, deviceIDs []string) error {
	if err := s.db.Conn(ctx).Where("cashier_id = ?", cashierID).Delete(&cashierDevice{}).Error; err != nil {
		return err
	}
	return s.insertDevices(ctx, cashierID, deviceIDs)
}

// appendCashier sends the cashier's new state to its devices; prev is the
// set that could see it before, so a device that lost it is told to delete it.
func (s *Service) appendCashier(ctx context.Context, c *Cashier, prev *changelog.Scope) error {
	_, err := s.changes.Append(ctx, c.CompanyID, changelog.Entry{
		Kind: protocol.KindCashier, Entity: c.ID, Op: protocol.OpUpsert, Body: c.body(),
		Scope: changelog.Devices(c.DeviceIDs...), PrevScope: prev,
	})
	return err
}

// ForgetDevice drops a device from every cashier of the company allowed on
// it, telling the device to delete them, in the transaction of ctx when
// there is one. It is part of deleting a device: the caller has checked who
// acts and that the device is the company's.
func (s *Service) ForgetDevice(ctx context.Context, companyID, deviceID string) error {
	if !mypos.ValidID(deviceID) {
		return nil // no cashier can be allowed on it
	}
	return s.db.InTx(ctx, func(ctx context.Context) error {
		var cs []Cashier
		err := s.db.Conn(ctx).Clauses(clause.Locking{Strength: clause.LockingStrengthUpdate}).
			Where("company_id = ? AND id IN (SELECT cashier_id FROM cashier_devices WHERE device_id = ?)", companyID, deviceID).
			Order("id").Find(&cs).Error
		if err != nil {
			return err
		}
		if err := s.loadDevices(ctx, cs); err != nil {
			return err
		}
		for i := range cs {
			if err := s.dropDevice(ctx, &cs[i], deviceID); err != nil {
				return err
			}
		}
		return nil
	})
}

// dropDevice takes one device out of a locked cashier's set.
func (s *Service) dropDevice(ctx context.Context, c *Cashier, deviceID string) error {
	prev := changelog.Devices(c.DeviceIDs...)
	c.DeviceIDs = slices.DeleteFunc(slices.Clone(c.DeviceIDs), func(d string) bool { return d == deviceID })
	err := s.db.Conn(ctx).Where("cashier_id = ? AND device_id = ?", c.ID, deviceID).Delete(&cashierDevice{}).Error
	if err != nil {
		return err
	}
	c.UpdatedAt = s.now()
	if err := s.db.Conn(ctx).Model(c).Select("updated_at").Updates(c).Error; err != nil {
		return err
	}
	return s.appendCashier(ctx, c, &prev)
}
