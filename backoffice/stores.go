package backoffice

import (
	"context"

	"gorm.io/gorm/clause"

	"mypos"
	"mypos/changelog"
	"mypos/db"
	"mypos/protocol"
)

// CreateStore adds a store to the caller's company. Company only.
// Returns EUNAUTHORIZED, EFORBIDDEN for another kind, EINVALID for bad fields.
func (s *Service) CreateStore(ctx context.Context, in StoreInput) (*Store, error) {
	companyID, err := companyOf(ctx)
	if err != nil {
		return nil, err
	}
	st := &Store{ID: mypos.NewID(), CompanyID: companyID, Name: in.Name, Address: in.Address, CreatedAt: s.now()}
	if err := st.validate(); err != nil {
		return nil, err
	}
	err = s.db.InTx(ctx, func(ctx context.Context) error {
		if err := s.db.Conn(ctx).Create(st).Error; err != nil {
			return err
		}
		return s.appendStore(ctx, st)
	})
	if err != nil {
		return nil, err
	}
	return st, nil
}

// GetStore returns a live store of the caller's company. Company only.
// Returns EUNAUTHORIZED, EFORBIDDEN, ENOTFOUND when the company has no such store.
func (s *Service) GetStore(ctx context.Context, id string) (*Store, error) {
	companyID, err := companyOf(ctx)
	if err != nil {
		return nil, err
	}
	return s.findStore(ctx, companyID, id, "")
}

// ListStores returns a page of the company's live stores, searched by name
// (any case, Cyrillic too). Company only.
// Returns EUNAUTHORIZED, EFORBIDDEN, EINVALID for bad list parameters.
func (s *Service) ListStores(ctx context.Context, p db.ListParams) ([]Store, string, error) {
	companyID, err := companyOf(ctx)
	if err != nil {
		return nil, "", err
	}
	q := s.db.Conn(ctx).Where("company_id = ? AND deleted_at IS NULL", companyID)
	return db.Paginate(searchName(q, p.Query), p, func(st *Store) string { return st.ID })
}

// UpdateStore changes the fields the patch sets. Company only.
// Returns EUNAUTHORIZED, EFORBIDDEN, ENOTFOUND, EINVALID for bad fields.
func (s *Service) UpdateStore(ctx context.Context, id string, p StorePatch) (*Store, error) {
	companyID, err := companyOf(ctx)
	if err != nil {
		return nil, err
	}
	var st *Store
	err = s.db.InTx(ctx, func(ctx context.Context) error {
		if st, err = s.findStore(ctx, companyID, id, clause.LockingStrengthUpdate); err != nil {
			return err
		}
		before := *st
		p.Patch(st)
		if err := st.validate(); err != nil {
			return err
		}
		if *st == before {
			return nil // nothing to tell the devices
		}
		if err := s.db.Conn(ctx).Model(st).Select("name", "name_key", "address").Updates(st).Error; err != nil {
			return err
		}
		return s.appendStore(ctx, st)
	})
	if err != nil {
		return nil, err
	}
	return st, nil
}

// DeleteStore deletes a store of the caller's company, with its prices,
// and takes it off the discounts that list it. Company only.
// Returns EUNAUTHORIZED, EFORBIDDEN, ENOTFOUND, ECONFLICT while devices are
// placed in it: they would be left in a store that is gone.
func (s *Service) DeleteStore(ctx context.Context, id string) error {
	companyID, err := companyOf(ctx)
	if err != nil {
		return err
	}
	return s.db.InTx(ctx, func(ctx context.Context) error {
		// The row lock makes a concurrent checkStore (placing a device
		// here) wait, so the count below cannot go stale before commit.
		st, err := s.findStore(ctx, companyID, id, clause.LockingStrengthUpdate)
		if err != nil {
			return err
		}
		n, err := s.devices.InStore(ctx, companyID, st.ID)
		if err != nil {
			return err
		}
		if n > 0 {
			return mypos.Errorf(mypos.ECONFLICT, "The store has %d device(s) in it: move them to another store first.", n)
		}
		if err := s.dropStorePrices(ctx, companyID, st.ID); err != nil {
			return err
		}
		if err := s.dropStoreFromDiscounts(ctx, companyID, st.ID); err != nil {
			return err
		}
		now := s.now()
		st.DeletedAt = &now
		if err := s.db.Conn(ctx).Model(st).Select("deleted_at").Updates(st).Error; err != nil {
			return err
		}
		_, err = s.changes.Append(ctx, companyID, changelog.Entry{
			Kind: protocol.KindStore, Entity: st.ID, Op: protocol.OpDelete, Scope: changelog.Company(),
		})
		return err
	})
}

// checkStore vouches for a store a device is placed in (devices.go). Call
// it in the transaction that places the device: it holds a share lock on
// the store, so a concurrent DeleteStore waits and then sees the device.
// The caller has already checked who acts.
// Returns EINVALID (field "store_id") unless the store is a live store of the company.
func (s *Service) checkStore(ctx context.Context, companyID, storeID string) error {
	_, err := s.findStore(ctx, companyID, storeID, clause.LockingStrengthShare)
	if mypos.ErrorCode(err) == mypos.ENOTFOUND {
		return mypos.Invalid("store_id", "No such store in this company.")
	}
	return err
}

// findStore returns a live store of the company, locked with the strength
// given ("" for none; SQLite serialises writers and ignores it).
// Returns ENOTFOUND when there is none.
func (s *Service) findStore(ctx context.Context, companyID, id, lock string) (*Store, error) {
	if !mypos.ValidID(id) {
		return nil, notFound("store")
	}
	q := s.db.Conn(ctx)
	if lock != "" {
		q = q.Clauses(clause.Locking{Strength: lock})
	}
	var st Store
	err := q.Where("id = ? AND company_id = ? AND deleted_at IS NULL", id, companyID).Take(&st).Error
	if err != nil {
		return nil, db.NotFound(err, "No such store.")
	}
	return &st, nil
}

// appendStore tells every device of the company the store's new state.
func (s *Service) appendStore(ctx context.Context, st *Store) error {
	_, err := s.changes.Append(ctx, st.CompanyID, changelog.Entry{
		Kind: protocol.KindStore, Entity: st.ID, Op: protocol.OpUpsert, Body: st.body(), Scope: changelog.Company(),
	})
	return err
}
