package backoffice

import (
	"context"

	"gorm.io/gorm/clause"

	"mypos"
	"mypos/changelog"
	"mypos/protocol"
)

// discountGoods and discountStore are a discount's listed goods and stores.
type discountGoods struct {
	DiscountID string `gorm:"column:discount_id;primaryKey"`
	GoodsID    string `gorm:"column:goods_id;primaryKey"`
}

func (discountGoods) TableName() string { return "discount_goods" }

type discountStore struct {
	DiscountID string `gorm:"column:discount_id;primaryKey"`
	StoreID    string `gorm:"column:store_id;primaryKey"`
}

func (discountStore) TableName() string { return "discount_stores" }

// batch is how many IDs one IN list carries: well under SQLite's and
// Postgres's limits on parameters.
const batch = 500

// checkOwned share-locks the rows of a company's table whose IDs are
// given, live ones only, so a concurrent delete waits and then sees the
// link. Returns EINVALID under field, naming the first ID that is not one.
func (s *Service) checkOwned(ctx context.Context, table, liveCond, companyID string, ids []string, field, what string) error {
	found := make(map[string]bool, len(ids))
	var valid []string
	for _, id := range ids {
		if mypos.ValidID(id) {
			valid = append(valid, id)
		}
	}
	for start := 0; start < len(valid); start += batch {
		var part []string
		err := s.db.Conn(ctx).Table(table).Clauses(clause.Locking{Strength: clause.LockingStrengthShare}).
			Where("company_id = ? AND id IN ? AND "+liveCond, companyID, valid[start:min(start+batch, len(valid))]).
			Order("id").Pluck("id", &part).Error
		if err != nil {
			return err
		}
		for _, id := range part {
			found[id] = true
		}
	}
	for _, id := range ids {
		if !found[id] {
			return mypos.Invalid(field, "No such %s in this company: %q.", what, id)
		}
	}
	return nil
}

// checkRefs vouches for what a discount (or a patch of one) points at.
func (s *Service) checkRefs(ctx context.Context, companyID string, groupID *string, goodsIDs, storeIDs []string) error {
	if err := s.checkGroup(ctx, companyID, groupID); err != nil {
		return err
	}
	if err := s.checkOwned(ctx, "goods", "deleted_at IS NULL", companyID, goodsIDs, "goods_ids", "goods"); err != nil {
		return err
	}
	return s.checkOwned(ctx, "stores", "deleted_at IS NULL", companyID, storeIDs, "store_ids", "store")
}

// loadDiscountLinks fills in each discount's goods and stores.
func (s *Service) loadDiscountLinks(ctx context.Context, ds []Discount) error {
	if len(ds) == 0 {
		return nil
	}
	ids := make([]string, len(ds))
	at := make(map[string]*Discount, len(ds))
	for i := range ds {
		ids[i], at[ds[i].ID] = ds[i].ID, &ds[i]
		ds[i].GoodsIDs, ds[i].StoreIDs = []string{}, []string{}
	}
	var goods []discountGoods
	if err := s.db.Conn(ctx).Where("discount_id IN ?", ids).Order("goods_id").Find(&goods).Error; err != nil {
		return err
	}
	for _, g := range goods {
		at[g.DiscountID].GoodsIDs = append(at[g.DiscountID].GoodsIDs, g.GoodsID)
	}
	var stores []discountStore
	if err := s.db.Conn(ctx).Where("discount_id IN ?", ids).Order("store_id").Find(&stores).Error; err != nil {
		return err
	}
	for _, st := range stores {
		at[st.DiscountID].StoreIDs = append(at[st.DiscountID].StoreIDs, st.StoreID)
	}
	for i := range ds {
		ds[i].derive()
	}
	return nil
}

// writeDiscountGoods makes the discount's goods list its stored one.
func (s *Service) writeDiscountGoods(ctx context.Context, d *Discount) error {
	if err := s.db.Conn(ctx).Where("discount_id = ?", d.ID).Delete(&discountGoods{}).Error; err != nil {
		return err
	}
	return s.db.InsertRows(ctx, "INSERT INTO discount_goods (discount_id, goods_id)", "", 2, len(d.GoodsIDs),
		func(i int, v []any) []any { return append(v, d.ID, d.GoodsIDs[i]) })
}

// writeDiscountStores makes the discount's store list its stored one.
func (s *Service) writeDiscountStores(ctx context.Context, d *Discount) error {
	if err := s.db.Conn(ctx).Where("discount_id = ?", d.ID).Delete(&discountStore{}).Error; err != nil {
		return err
	}
	return s.db.InsertRows(ctx, "INSERT INTO discount_stores (discount_id, store_id)", "", 2, len(d.StoreIDs),
		func(i int, v []any) []any { return append(v, d.ID, d.StoreIDs[i]) })
}

// dropGoodsFromDiscounts takes a deleted goods off every discount that
// lists it, and sends those discounts' new state where they reach.
func (s *Service) dropGoodsFromDiscounts(ctx context.Context, g *Goods) error {
	ds, err := s.lockDiscounts(ctx, g.CompanyID, "SELECT discount_id FROM discount_goods WHERE goods_id = ?", g.ID)
	if err != nil || len(ds) == 0 {
		return err
	}
	if err := s.db.Conn(ctx).Where("goods_id = ?", g.ID).Delete(&discountGoods{}).Error; err != nil {
		return err
	}
	for i := range ds {
		d := &ds[i]
		d.GoodsIDs = without(d.GoodsIDs, g.ID)
		if err := s.touchDiscount(ctx, d); err != nil {
			return err
		}
		if err := s.routeDiscount(ctx, d, reachOf(d), reachOf(d)); err != nil {
			return err
		}
	}
	return nil
}

// dropStoreFromDiscounts takes a deleted store off every discount that
// lists it; only that store's copies go, the others are unchanged.
func (s *Service) dropStoreFromDiscounts(ctx context.Context, companyID, storeID string) error {
	ds, err := s.lockDiscounts(ctx, companyID, "SELECT discount_id FROM discount_stores WHERE store_id = ?", storeID)
	if err != nil || len(ds) == 0 {
		return err
	}
	if err := s.db.Conn(ctx).Where("store_id = ?", storeID).Delete(&discountStore{}).Error; err != nil {
		return err
	}
	for i := range ds {
		d := &ds[i]
		if err := s.touchDiscount(ctx, d); err != nil {
			return err
		}
		_, err := s.changes.Append(ctx, companyID, changelog.Entry{
			Kind: protocol.KindDiscount, Entity: discountCopy(d.ID, storeID), Op: protocol.OpDelete, Scope: changelog.Store(storeID),
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// lockDiscounts locks, in ID order, the company's discounts whose IDs the
// subquery selects, and loads them whole.
func (s *Service) lockDiscounts(ctx context.Context, companyID, subquery string, arg any) ([]Discount, error) {
	var ds []Discount
	err := s.db.Conn(ctx).Clauses(clause.Locking{Strength: clause.LockingStrengthUpdate}).
		Where("company_id = ? AND id IN ("+subquery+")", companyID, arg).Order("id").Find(&ds).Error
	if err != nil {
		return nil, err
	}
	return ds, s.loadDiscountLinks(ctx, ds)
}

// touchDiscount records that a discount's lists changed under it.
func (s *Service) touchDiscount(ctx context.Context, d *Discount) error {
	d.UpdatedAt = s.now()
	return s.db.Conn(ctx).Model(d).Select("updated_at").Updates(d).Error
}

func without(ids []string, id string) []string {
	out := []string{}
	for _, x := range ids {
		if x != id {
			out = append(out, x)
		}
	}
	return out
}
