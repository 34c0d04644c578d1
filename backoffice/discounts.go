package backoffice

import (
	"context"
	"encoding/json"
	"slices"

	"gorm.io/gorm/clause"

	"mypos"
	"mypos/db"
	"mypos/protocol"
)

// CreateDiscount adds a discount to the caller's company and tells the
// devices of the stores it is for (see discount_route.go). Company only.
// Returns EUNAUTHORIZED, EFORBIDDEN for another kind, EINVALID for a bad
// field, or a group_id, goods_ids or store_ids entry that is not the
// company's (nothing written).
func (s *Service) CreateDiscount(ctx context.Context, in DiscountInput) (*Discount, error) {
	companyID, err := companyOf(ctx)
	if err != nil {
		return nil, err
	}
	d := newDiscount(in)
	if err := d.validate(true); err != nil {
		return nil, err
	}
	d.ID, d.CompanyID = mypos.NewID(), companyID
	d.CreatedAt = s.now()
	d.UpdatedAt = d.CreatedAt
	err = s.db.InTx(ctx, func(ctx context.Context) error {
		if err := s.checkRefs(ctx, companyID, d.GroupID, d.GoodsIDs, d.StoreIDs); err != nil {
			return err
		}
		if err := s.db.Conn(ctx).Create(d).Error; err != nil {
			return err
		}
		if err := s.writeDiscountGoods(ctx, d); err != nil {
			return err
		}
		if err := s.writeDiscountStores(ctx, d); err != nil {
			return err
		}
		return s.routeDiscount(ctx, d, nil, reachOf(d))
	})
	if err != nil {
		return nil, err
	}
	return d, nil
}

func newDiscount(in DiscountInput) *Discount {
	d := &Discount{Name: in.Name, Kind: in.Kind, Value: in.Value, Target: in.Target, GroupID: in.GroupID,
		GoodsIDs: in.GoodsIDs, AllStores: in.AllStores, StoreIDs: in.StoreIDs, StartsAt: in.StartsAt,
		EndsAt: in.EndsAt, Days: in.Days, TimeFrom: in.TimeFrom, TimeTo: in.TimeTo, Active: true}
	set(&d.Active, in.Active)
	return d
}

// GetDiscount returns a discount of the caller's company. Company only.
// Returns EUNAUTHORIZED, EFORBIDDEN, ENOTFOUND when the company has no such discount.
func (s *Service) GetDiscount(ctx context.Context, id string) (*Discount, error) {
	companyID, err := companyOf(ctx)
	if err != nil {
		return nil, err
	}
	return s.findDiscount(ctx, companyID, id, false)
}

// ListDiscounts returns a page of the company's discounts, searched by
// name (any case, Cyrillic too). Company only.
// Returns EUNAUTHORIZED, EFORBIDDEN, EINVALID for bad list parameters.
func (s *Service) ListDiscounts(ctx context.Context, p db.ListParams) ([]Discount, string, error) {
	companyID, err := companyOf(ctx)
	if err != nil {
		return nil, "", err
	}
	q := searchName(s.db.Conn(ctx).Where("company_id = ?", companyID), p.Query)
	ds, next, err := db.Paginate(q, p, func(d *Discount) string { return d.ID })
	if err != nil {
		return nil, "", err
	}
	return ds, next, s.loadDiscountLinks(ctx, ds)
}

// UpdateDiscount changes the fields the patch sets; a patch that changes
// nothing writes nothing. Devices of stores the discount no longer reaches
// are told to delete it. Company only.
// Returns EUNAUTHORIZED, EFORBIDDEN, ENOTFOUND, EINVALID as CreateDiscount
// (nothing written).
func (s *Service) UpdateDiscount(ctx context.Context, id string, p DiscountPatch) (*Discount, error) {
	companyID, err := companyOf(ctx)
	if err != nil {
		return nil, err
	}
	var d *Discount
	err = s.db.InTx(ctx, func(ctx context.Context) error {
		// What the patch points at is locked before the discount, in the
		// order DeleteGoods and DeleteStore take them: never in a circle.
		if err := s.checkRefs(ctx, companyID, p.GroupID, deref(p.GoodsIDs), deref(p.StoreIDs)); err != nil {
			return err
		}
		if d, err = s.findDiscount(ctx, companyID, id, true); err != nil {
			return err
		}
		return s.updateDiscount(ctx, d, p)
	})
	if err != nil {
		return nil, err
	}
	return d, nil
}

// updateDiscount writes the patch to d, locked in the transaction of ctx.
func (s *Service) updateDiscount(ctx context.Context, d *Discount, p DiscountPatch) error {
	before, oldReach, oldGoods := discountState(d), reachOf(d), d.GoodsIDs
	p.Patch(d)
	listsSet := p.Target != nil || p.GoodsIDs != nil || p.AllStores != nil || p.StoreIDs != nil
	if err := d.validate(listsSet); err != nil {
		return err
	}
	if discountState(d) == before {
		return nil // nothing to tell the devices
	}
	d.UpdatedAt = s.now()
	err := s.db.Conn(ctx).Model(d).Select("name", "name_key", "kind", "value", "target", "target_group", "all_stores",
		"starts_at", "ends_at", "days", "time_from", "time_to", "active", "updated_at").Updates(d).Error
	if err != nil {
		return err
	}
	// Lists are rewritten only when they changed: inserting a link checks
	// its key against the goods or store, which a concurrent delete of
	// one of them may hold, and the patch did not lock it first.
	if !slices.Equal(oldGoods, d.GoodsIDs) {
		if err := s.writeDiscountGoods(ctx, d); err != nil {
			return err
		}
	}
	if !slices.Equal(oldReach.stores, d.StoreIDs) {
		if err := s.writeDiscountStores(ctx, d); err != nil {
			return err
		}
	}
	return s.routeDiscount(ctx, d, oldReach, reachOf(d))
}

// discountState is what devices and the API see of a discount, to tell
// whether a patch changed anything.
func discountState(d *Discount) string {
	b, _ := json.Marshal(struct {
		discountBody
		AllStores bool
		StoreIDs  []string
	}{d.body(), d.AllStores, d.StoreIDs})
	return string(b)
}

// DeleteDiscount deletes a discount of the caller's company; every device
// it reached is told. Company only.
// Returns EUNAUTHORIZED, EFORBIDDEN, ENOTFOUND.
func (s *Service) DeleteDiscount(ctx context.Context, id string) error {
	companyID, err := companyOf(ctx)
	if err != nil {
		return err
	}
	return s.db.InTx(ctx, func(ctx context.Context) error {
		d, err := s.findDiscount(ctx, companyID, id, true)
		if err != nil {
			return err
		}
		if err := s.db.Conn(ctx).Where("discount_id = ?", d.ID).Delete(&discountGoods{}).Error; err != nil {
			return err
		}
		if err := s.db.Conn(ctx).Where("discount_id = ?", d.ID).Delete(&discountStore{}).Error; err != nil {
			return err
		}
		if err := s.db.Conn(ctx).Delete(d).Error; err != nil {
			return err
		}
		if err := s.remember(ctx, protocol.KindDiscount, d.ID, companyID); err != nil {
			return err
		}
		return s.routeDiscount(ctx, d, reachOf(d), nil)
	})
}

// findDiscount returns a discount of the company with its lists, its row
// locked for update when lock is set.
// Returns ENOTFOUND when there is none.
func (s *Service) findDiscount(ctx context.Context, companyID, id string, lock bool) (*Discount, error) {
	if !mypos.ValidID(id) {
		return nil, notFound("discount")
	}
	q := s.db.Conn(ctx)
	if lock {
		q = q.Clauses(clause.Locking{Strength: clause.LockingStrengthUpdate})
	}
	var d Discount
	if err := q.Where("id = ? AND company_id = ?", id, companyID).Take(&d).Error; err != nil {
		return nil, db.NotFound(err, "No such discount.")
	}
	ds := []Discount{d}
	if err := s.loadDiscountLinks(ctx, ds); err != nil {
		return nil, err
	}
	return &ds[0], nil
}

func deref[T any](p *[]T) []T {
	if p == nil {
		return nil
	}
	return *p
}
