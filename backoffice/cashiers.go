package backoffice

import (
	"context"

	"golang.org/x/crypto/bcrypt"
	"gorm.io/gorm/clause"

	"mypos"
	"mypos/changelog"
	"mypos/db"
	"mypos/protocol"
)

// CreateCashier adds a cashier to the caller's company, allowed on the
// devices given, and tells those devices. Company only.
// Returns EUNAUTHORIZED, EFORBIDDEN for another kind, EINVALID for a bad
// name, PIN or role, and (field "device_ids") for a device that is not a
// live device of the company — in which case nothing is written.
func (s *Service) CreateCashier(ctx context.Context, in CashierInput) (*Cashier, error) {
	companyID, err := companyOf(ctx)
	if err != nil {
		return nil, err
	}
	c, err := newCashier(in)
	if err != nil {
		return nil, err
	}
	if c.PinHash, err = s.hashPIN(in.PIN); err != nil {
		return nil, err
	}
	c.ID, c.CompanyID = mypos.NewID(), companyID
	c.CreatedAt = s.now()
	c.UpdatedAt = c.CreatedAt
	err = s.db.InTx(ctx, func(ctx context.Context) error {
		if err := s.checkDevices(ctx, companyID, c.DeviceIDs); err != nil {
			return err
		}
		if err := s.db.Conn(ctx).Create(c).Error; err != nil {
			return err
		}
		if err := s.insertDevices(ctx, c.ID, c.DeviceIDs); err != nil {
			return err
		}
		return s.appendCashier(ctx, c, nil)
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// newCashier validates the input through the same rules as a patch.
func newCashier(in CashierInput) (*Cashier, error) {
	active := true
	if in.Active != nil {
		active = *in.Active
	}
	p := CashierPatch{Name: &in.Name, PIN: &in.PIN, Role: &in.Role, Active: &active, DeviceIDs: &in.DeviceIDs}
	if err := p.validate(); err != nil {
		return nil, err
	}
	c := &Cashier{}
	p.Patch(c)
	return c, nil
}

// GetCashier returns a cashier of the caller's company with its devices. Company only.
// Returns EUNAUTHORIZED, EFORBIDDEN, ENOTFOUND when the company has no such cashier.
func (s *Service) GetCashier(ctx context.Context, id string) (*Cashier, error) {
	companyID, err := companyOf(ctx)
	if err != nil {
		return nil, err
	}
	return s.findCashier(ctx, companyID, id, false)
}

// ListCashiers returns a page of the company's cashiers with their devices,
// searched by name (any case, Cyrillic too). Company only.
// Returns EUNAUTHORIZED, EFORBIDDEN, EINVALID for bad list parameters.
func (s *Service) ListCashiers(ctx context.Context, p db.ListParams) ([]Cashier, string, error) {
	companyID, err := companyOf(ctx)
	if err != nil {
		return nil, "", err
	}
	q := searchName(s.db.Conn(ctx).Where("company_id = ?", companyID), p.Query)
	cs, next, err := db.Paginate(q, p, func(c *Cashier) string { return c.ID })
	if err != nil {
		return nil, "", err
	}
	if err := s.loadDevices(ctx, cs); err != nil {
		return nil, "", err
	}
	return cs, next, nil
}

// UpdateCashier changes the fields the patch sets; device_ids replaces the
// set, and a device that loses the cashier is told to delete it. Company only.
// Returns EUNAUTHORIZED, EFORBIDDEN, ENOTFOUND, EINVALID as CreateCashier
// (nothing written).
func (s *Service) UpdateCashier(ctx context.Context, id string, p CashierPatch) (*Cashier, error) {
	companyID, err := companyOf(ctx)
	if err != nil {
		return nil, err
	}
	if err := p.validate(); err != nil {
		return nil, err
	}
	if p == (CashierPatch{}) {
		return s.findCashier(ctx, companyID, id, false) // nothing to change or tell
	}
	var pinHash string
	if p.PIN != nil {
		if pinHash, err = s.hashPIN(*p.PIN); err != nil {
			return nil, err
		}
	}
	var c *Cashier
	err = s.db.InTx(ctx, func(ctx context.Context) error {
		// Devices are locked before the cashier, in the order Revoke takes
		// them, so the two never wait for each other in a circle.
		if p.DeviceIDs != nil {
			if err := s.checkDevices(ctx, companyID, *p.DeviceIDs); err != nil {
				return err
			}
		}
		if c, err = s.findCashier(ctx, companyID, id, true); err != nil {
			return err
		}
		return s.updateCashier(ctx, c, p, pinHash)
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// updateCashier writes the patch to c, locked in the transaction of ctx.
func (s *Service) updateCashier(ctx context.Context, c *Cashier, p CashierPatch, pinHash string) error {
	prev := changelog.Devices(c.DeviceIDs...)
	p.Patch(c)
	if pinHash != "" {
		c.PinHash = pinHash
	}
	c.UpdatedAt = s.now()
	err := s.db.Conn(ctx).Model(c).Select("name", "name_key", "pin_hash", "role", "active", "updated_at").Updates(c).Error
	if err != nil {
		return err
	}
	if p.DeviceIDs != nil {
		if err := s.replaceDevices(ctx, c.ID, c.DeviceIDs); err != nil {
			return err
		}
	}
	return s.appendCashier(ctx, c, &prev)
}

// DeleteCashier deletes a cashier of the caller's company; its devices are
// told to delete it. Company only.
// Returns EUNAUTHORIZED, EFORBIDDEN, ENOTFOUND.
func (s *Service) DeleteCashier(ctx context.Context, id string) error {
	companyID, err := companyOf(ctx)
	if err != nil {
		return err
	}
	return s.db.InTx(ctx, func(ctx context.Context) error {
		c, err := s.findCashier(ctx, companyID, id, true)
		if err != nil {
			return err
		}
		if err := s.replaceDevices(ctx, c.ID, nil); err != nil {
			return err
		}
		if err := s.db.Conn(ctx).Delete(c).Error; err != nil {
			return err
		}
		if err := s.remember(ctx, protocol.KindCashier, c.ID, companyID); err != nil {
			return err
		}
		_, err = s.changes.Append(ctx, companyID, changelog.Entry{
			Kind: protocol.KindCashier, Entity: c.ID, Op: protocol.OpDelete, Scope: changelog.Devices(c.DeviceIDs...),
		})
		return err
	})
}

// findCashier returns a cashier of the company with its devices, its row
// locked for update when lock is set, so concurrent edits of one cashier
// queue and each sees the device set the other left.
// Returns ENOTFOUND when there is none.
func (s *Service) findCashier(ctx context.Context, companyID, id string, lock bool) (*Cashier, error) {
	if !mypos.ValidID(id) {
		return nil, notFound("cashier")
	}
	q := s.db.Conn(ctx)
	if lock {
		q = q.Clauses(clause.Locking{Strength: clause.LockingStrengthUpdate})
	}
	var c Cashier
	if err := q.Where("id = ? AND company_id = ?", id, companyID).Take(&c).Error; err != nil {
		return nil, db.NotFound(err, "No such cashier.")
	}
	cs := []Cashier{c}
	if err := s.loadDevices(ctx, cs); err != nil {
		return nil, err
	}
	return &cs[0], nil
}

// hashPIN hashes a validated PIN. It runs before the transaction, so the
// hashing work does not hold the database's write lock.
func (s *Service) hashPIN(pin string) (string, error) {
	h, err := bcrypt.GenerateFromPassword([]byte(pin), s.hashCost)
	return string(h), err
}
