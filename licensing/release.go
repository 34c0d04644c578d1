package licensing

import (
	"context"
	"errors"
	"slices"

	"gorm.io/gorm/clause"

	"mypos"
)

// Release takes a license of the caller's company off its device, in a
// release document; it stays the company's, and the device is told it lost
// it. Company only.
// Returns EFORBIDDEN for anyone else, ENOTFOUND (field "license_id") when
// the license is not the company's, ECONFLICT when it is on no device.
func (s *Service) Release(ctx context.Context, licenseID string) (*Document, error) {
	company, err := mypos.RequireActor(ctx, mypos.KindCompany)
	if err != nil {
		return nil, err
	}
	var doc *Document
	err = s.inTx(ctx, func(ctx context.Context) error {
		it, err := s.lockOne(ctx, licenseID)
		switch {
		case err != nil:
			return err
		case !is(it.CompanyID, company.ID):
			return notFound("license_id", "license")
		case it.DeviceID == nil:
			return conflict("The license is on no device.")
		}
		doc, err = s.release(ctx, company, []*licenseRow{it})
		return err
	})
	return doc, err
}

// ErrNoLicense is ReleaseDevice's answer for a device that carries no
// license; deleting a device goes on past it.
var ErrNoLicense = &mypos.Error{Code: mypos.ENOTFOUND, Message: "This device has no license."}

// ReleaseDevice takes whatever license is on a device of the caller's
// company off it, in a release document. Deleting a device calls it first,
// in the same transaction as the device's revocation, so a license never
// stays on a dead device and the device is told it lost it. Company only.
// Returns EFORBIDDEN for anyone else, ENOTFOUND when the device is not the
// company's, ErrNoLicense (ENOTFOUND) when it carries none, ECONFLICT when a
// concurrent operation holds the license that just reached the device (try
// again).
func (s *Service) ReleaseDevice(ctx context.Context, deviceID string) (*Document, error) {
	company, err := mypos.RequireActor(ctx, mypos.KindCompany)
	if err != nil {
		return nil, err
	}
	if _, err := s.devices.Get(ctx, deviceID); err != nil {
		return nil, err
	}
	var doc *Document
	err = s.inTx(ctx, func(ctx context.Context) error {
		rows, err := s.lockDevice(ctx, company.ID, deviceID)
		switch {
		case err != nil:
			return err
		case len(rows) == 0:
			return ErrNoLicense
		}
		doc, err = s.release(ctx, company, rows)
		return err
	})
	return doc, err
}

// lockDevice locks the license on a device exactly. A lock taken by a
// condition sees the rows that matched when the statement began; a license
// activated onto the device just before could be missed. So the counter is
// locked too — every license write holds it until commit — and the device
// is read again: what that read finds is final. A license newly found is
// locked without waiting: whoever holds it waits for the counter we hold.
func (s *Service) lockDevice(ctx context.Context, companyID, deviceID string) ([]*licenseRow, error) {
	var locked []licenseRow
	if err := s.forUpdate(ctx).Where("company_id = ? AND device_id = ?", companyID, deviceID).Find(&locked).Error; err != nil {
		return nil, err
	}
	if err := s.lockCounter(ctx); err != nil {
		return nil, err
	}
	var now []licenseRow
	if err := s.db.Conn(ctx).Where("company_id = ? AND device_id = ?", companyID, deviceID).Find(&now).Error; err != nil {
		return nil, err
	}
	out := make([]*licenseRow, 0, len(now))
	for i := range now {
		if j := slices.IndexFunc(locked, func(r licenseRow) bool { return r.ID == now[i].ID }); j >= 0 {
			out = append(out, &locked[j])
			continue
		}
		err := s.db.Conn(ctx).Clauses(clause.Locking{Strength: clause.LockingStrengthUpdate, Options: clause.LockingOptionsNoWait}).
			Where("id = ?", now[i].ID).Take(&now[i]).Error
		if isLockBusy(err) {
			return nil, conflict("The device's license is being changed right now: try again.")
		} else if err != nil {
			return nil, err
		}
		out = append(out, &now[i])
	}
	return out, nil
}

// release writes a release document for licenses on one device, and tells
// the device.
func (s *Service) release(ctx context.Context, company mypos.Actor, rows []*licenseRow) (*Document, error) {
	d := newDraft(TypeRelease, company)
	d.doc.CompanyID, d.doc.DeviceID = ptr(company.ID), rows[0].DeviceID
	for _, r := range rows {
		d.add(r, Facts{Sealed: r.Sealed, CompanyID: r.CompanyID})
	}
	doc, err := s.write(ctx, d)
	if err != nil {
		return nil, err
	}
	return doc, s.announce(ctx, d)
}

// lockCounter locks the document counter without taking a number.
func (s *Service) lockCounter(ctx context.Context) error {
	var last []int64
	return s.db.Conn(ctx).Table("license_counter").Clauses(clause.Locking{Strength: clause.LockingStrengthUpdate}).
		Where("id = 1").Pluck("last", &last).Error
}

// isLockBusy reports Postgres's "lock not available" (SQLSTATE 55P03), the
// answer to a lock taken without waiting.
func isLockBusy(err error) bool {
	var state interface{ SQLState() string }
	return errors.As(err, &state) && state.SQLState() == "55P03"
}
