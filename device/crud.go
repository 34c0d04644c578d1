package device

import (
	"context"
	"time"

	"gorm.io/gorm/clause"

	"mypos"
	"mypos/changelog"
	"mypos/db"
	"mypos/protocol"
)

// Create adds a device to the caller's company and returns it with its
// first enrollment code, shown to people grouped ("K7M2-QX9P-3HRT") and
// valid for CodeLifetime from the device's CreatedAt. Company only; a
// device placed in a store comes through backoffice.CreateDevice, which
// vouches for the store.
// Returns EFORBIDDEN for anyone else, EINVALID for a bad name or serial.
func (s *Service) Create(ctx context.Context, nd NewDevice) (*Device, string, error) {
	actor, err := mypos.RequireActor(ctx, mypos.KindCompany)
	if err != nil {
		return nil, "", err
	}
	row, err := newRow(actor.CompanyID, nd, s.now())
	if err != nil {
		return nil, "", err
	}
	var code string
	err = s.db.InTx(ctx, func(ctx context.Context) error {
		if err := s.db.Conn(ctx).Create(row).Error; err != nil {
			return err
		}
		if code, err = s.issueCode(ctx, row.ID, row.CreatedAt); err != nil {
			return err
		}
		// Logged once committed: a caller's transaction may still roll
		// it back (backoffice refusing the store).
		db.AfterCommit(ctx, func() { s.log.Info("device created", "company", row.CompanyID, "device", row.ID) })
		return s.appendUpsert(ctx, &row.Device)
	})
	if err != nil {
		return nil, "", err
	}
	return &row.Device, code, nil
}

func newRow(companyID string, nd NewDevice, now time.Time) (*deviceRow, error) {
	name, err := mypos.Text("name", nd.Name, 1, maxName)
	if err != nil {
		return nil, err
	}
	serial, err := mypos.Text("serial", nd.Serial, 0, maxSerial)
	if err != nil {
		return nil, err
	}
	d := Device{ID: mypos.NewID(), CompanyID: companyID, Name: name, Serial: serial, StoreID: nd.StoreID, CreatedAt: now}
	return &deviceRow{Device: d, NameKey: searchKey(name)}, nil
}

// Get returns a device of the caller's company, revoked ones included.
// Company only.
// Returns EFORBIDDEN for anyone else, ENOTFOUND when the company has no
// such device.
func (s *Service) Get(ctx context.Context, id string) (*Device, error) {
	actor, err := mypos.RequireActor(ctx, mypos.KindCompany)
	if err != nil {
		return nil, err
	}
	row, err := s.find(ctx, actor.CompanyID, id)
	if err != nil {
		return nil, err
	}
	return &row.Device, nil
}

// List returns a page of the caller's company's live (not revoked) devices,
// searched by name (any case, Cyrillic too) or exact serial. Company only.
// Returns EFORBIDDEN for anyone else, EINVALID for bad list parameters.
func (s *Service) List(ctx context.Context, p db.ListParams) ([]Device, string, error) {
	actor, err := mypos.RequireActor(ctx, mypos.KindCompany)
	if err != nil {
		return nil, "", err
	}
	q := s.db.Conn(ctx).Model(&Device{}).Where("company_id = ? AND revoked_at IS NULL", actor.CompanyID)
	if p.Query != "" {
		q = q.Where("(name_key LIKE ? ESCAPE '!' OR serial = ?)", db.Contains(searchKey(p.Query)), p.Query)
	}
	return db.Paginate(q, p, func(d *Device) string { return d.ID })
}

// Update changes a live device of the caller's company; a patch that
// changes nothing writes nothing. Company only; a patch that places the
// device in a store comes through backoffice.UpdateDevice, which vouches
// for the store.
// Returns EFORBIDDEN for anyone else, ENOTFOUND when the company has no
// such device, ECONFLICT when it is revoked, EINVALID for a bad field.
func (s *Service) Update(ctx context.Context, id string, p DevicePatch) (*Device, error) {
	actor, err := mypos.RequireActor(ctx, mypos.KindCompany)
	if err != nil {
		return nil, err
	}
	var row *deviceRow
	err = s.db.InTx(ctx, func(ctx context.Context) error {
		var err error
		if row, err = s.findLive(ctx, actor.CompanyID, id); err != nil {
			return err
		}
		before := row.Device
		if err := patch(row, p); err != nil || sameBody(before, row.Device) {
			return err
		}
		err = s.db.Conn(ctx).Model(row).Select("name", "name_key", "serial", "store_id").Updates(row).Error
		if err != nil {
			return err
		}
		return s.appendUpsert(ctx, &row.Device)
	})
	if err != nil {
		return nil, err
	}
	return &row.Device, nil
}

// patch applies p to row, validating each field it sets.
func patch(row *deviceRow, p DevicePatch) error {
	if p.Name != nil {
		name, err := mypos.Text("name", *p.Name, 1, maxName)
		if err != nil {
			return err
		}
		row.Name, row.NameKey = name, searchKey(name)
	}
	if p.Serial != nil {
		serial, err := mypos.Text("serial", *p.Serial, 0, maxSerial)
		if err != nil {
			return err
		}
		row.Serial = serial
	}
	if p.Store.Set {
		row.StoreID = p.Store.StoreID
	}
	return nil
}

// Revoke takes a device out of service for good: its secret and unused
// codes are void at once, and its row stays for history. Revoking a revoked
// device changes nothing. Company only.
// Returns EFORBIDDEN for anyone else, ENOTFOUND when the company has no
// such device.
func (s *Service) Revoke(ctx context.Context, id string) error {
	actor, err := mypos.RequireActor(ctx, mypos.KindCompany)
	if err != nil {
		return err
	}
	err = s.db.InTx(ctx, func(ctx context.Context) error {
		row, err := s.find(ctx, actor.CompanyID, id)
		if err != nil || row.RevokedAt != nil {
			return err
		}
		err = s.db.Conn(ctx).Model(&deviceRow{}).Where("id = ?", id).
			Updates(map[string]any{"revoked_at": s.now(), "secret_hash": nil}).Error
		if err != nil {
			return err
		}
		if err := s.voidCodes(ctx, id); err != nil {
			return err
		}
		s.forgetAfterCommit(ctx, id)
		_, err = s.changes.Append(ctx, actor.CompanyID, changelog.Entry{
			Kind: protocol.KindDevice, Entity: id, Op: protocol.OpDelete, Scope: changelog.Devices(id),
		})
		return err
	})
	if err == nil {
		s.log.Info("device revoked", "company", actor.CompanyID, "device", id)
	}
	return err
}

// CheckOwned reports whether every ID is a live device of the company, for
// other packages that link to devices (a cashier's devices). It checks
// nothing else, the caller included.
// Returns EINVALID with field "device_ids" naming the first bad ID.
func (s *Service) CheckOwned(ctx context.Context, companyID string, ids []string) error {
	var valid []string
	for _, id := range ids {
		if mypos.ValidID(id) {
			valid = append(valid, id)
		}
	}
	var found []string
	if len(valid) > 0 && mypos.ValidID(companyID) {
		// FOR SHARE holds the devices live until the caller commits: a
		// concurrent Revoke waits, then sees the caller's links and forgets
		// them. Lock order: devices, then what refers to them.
		err := s.db.Conn(ctx).Model(&Device{}).Clauses(clause.Locking{Strength: clause.LockingStrengthShare}).
			Where("company_id = ? AND id IN ? AND revoked_at IS NULL", companyID, valid).Order("id").
			Pluck("id", &found).Error
		if err != nil {
			return err
		}
	}
	owned := make(map[string]bool, len(found))
	for _, id := range found {
		owned[id] = true
	}
	for _, id := range ids {
		if !owned[id] {
			return mypos.Invalid("device_ids", "No such device: %q.", id)
		}
	}
	return nil
}

// InStore counts the live devices of the company placed in a store, for
// backoffice to refuse deleting a store that still has devices. It checks
// nothing else, the caller included.
func (s *Service) InStore(ctx context.Context, companyID, storeID string) (int, error) {
	if !mypos.ValidID(companyID) || !mypos.ValidID(storeID) {
		return 0, nil
	}
	var n int64
	err := s.db.Conn(ctx).Model(&Device{}).
		Where("company_id = ? AND store_id = ? AND revoked_at IS NULL", companyID, storeID).Count(&n).Error
	return int(n), err
}

// find returns a device of the company, revoked or not.
// Returns ENOTFOUND when there is none.
func (s *Service) find(ctx context.Context, companyID, id string) (*deviceRow, error) {
	const notFound = "No such device."
	if !mypos.ValidID(id) {
		return nil, mypos.Errorf(mypos.ENOTFOUND, "%s", notFound)
	}
	var row deviceRow
	if err := s.db.Conn(ctx).Where("id = ? AND company_id = ?", id, companyID).Take(&row).Error; err != nil {
		return nil, db.NotFound(err, notFound)
	}
	return &row, nil
}

// findLive returns a live device of the company.
// Returns ENOTFOUND when there is none, ECONFLICT when it is revoked.
func (s *Service) findLive(ctx context.Context, companyID, id string) (*deviceRow, error) {
	row, err := s.find(ctx, companyID, id)
	if err == nil && row.RevokedAt != nil {
		return nil, mypos.Errorf(mypos.ECONFLICT, "This device has been revoked: add a new device instead.")
	}
	return row, err
}
