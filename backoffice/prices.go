package backoffice

import (
	"context"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"mypos"
	"mypos/changelog"
	"mypos/db"
	"mypos/protocol"
)

// SetStorePrice sets a goods' price in one store of the caller's company
// and tells the devices of that store only. Setting the price it already
// has writes nothing. Company only.
// Returns EUNAUTHORIZED, EFORBIDDEN, ENOTFOUND when the company has no such
// store, EINVALID for a bad price or a goods_id that is not a live goods of
// the company.
func (s *Service) SetStorePrice(ctx context.Context, storeID string, in StorePriceInput) (*StorePrice, error) {
	companyID, err := companyOf(ctx)
	if err != nil {
		return nil, err
	}
	if in.Price == nil {
		return nil, mypos.Invalid("price", "A store price needs a price, in kopecks.")
	}
	if err := validPrice("price", *in.Price); err != nil {
		return nil, err
	}
	var out *StorePrice
	err = s.db.InTx(ctx, func(ctx context.Context) error {
		if _, err := s.findStore(ctx, companyID, storeID, clause.LockingStrengthShare); err != nil {
			return err
		}
		g, err := s.findGoods(ctx, companyID, in.GoodsID, clause.LockingStrengthShare)
		if mypos.ErrorCode(err) == mypos.ENOTFOUND {
			return mypos.Invalid("goods_id", "No such goods in this company.")
		} else if err != nil {
			return err
		}
		if err := s.writePrice(ctx, storePriceRow{StoreID: storeID, GoodsID: g.ID, CompanyID: companyID, Price: *in.Price}); err != nil {
			return err
		}
		out, err = s.findPrice(ctx, companyID, storeID, g.ID)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// writePrice upserts a store price and appends it, unless it is unchanged.
func (s *Service) writePrice(ctx context.Context, row storePriceRow) error {
	var old []int64
	err := s.db.Conn(ctx).Model(&storePriceRow{}).Where("store_id = ? AND goods_id = ?", row.StoreID, row.GoodsID).
		Pluck("price", &old).Error
	if err != nil || len(old) == 1 && old[0] == row.Price {
		return err
	}
	row.UpdatedAt = s.now()
	err = s.db.Conn(ctx).Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "store_id"}, {Name: "goods_id"}},
		DoUpdates: clause.AssignmentColumns([]string{"price", "updated_at"}),
	}).Create(&row).Error
	if err != nil {
		return err
	}
	_, err = s.changes.Append(ctx, row.CompanyID, changelog.Entry{
		Kind: protocol.KindPrice, Entity: priceEntity(row.StoreID, row.GoodsID), Op: protocol.OpUpsert,
		Body: priceBody{GoodsID: row.GoodsID, StoreID: row.StoreID, Price: row.Price}, Scope: changelog.Store(row.StoreID),
	})
	return err
}

// ListStorePrices returns a page of a store's prices, ordered by goods,
// searched by the goods' name (any case). Company only.
// Returns EUNAUTHORIZED, EFORBIDDEN, ENOTFOUND when the company has no such
// store, EINVALID for bad list parameters.
func (s *Service) ListStorePrices(ctx context.Context, storeID string, p db.ListParams) ([]StorePrice, string, error) {
	companyID, err := companyOf(ctx)
	if err != nil {
		return nil, "", err
	}
	if _, err := s.findStore(ctx, companyID, storeID, ""); err != nil {
		return nil, "", err
	}
	q := searchName(s.pricesQuery(ctx).Where("p.store_id = ?", storeID), p.Query)
	return db.Paginate(q, p, func(sp *StorePrice) string { return sp.GoodsID })
}

// DeleteStorePrice drops a goods' price in a store: the goods sells at its
// own price there again, and the store's devices are told. Company only.
// Returns EUNAUTHORIZED, EFORBIDDEN, ENOTFOUND when the store, the goods or
// the store's price for it is not the company's.
func (s *Service) DeleteStorePrice(ctx context.Context, storeID, goodsID string) error {
	companyID, err := companyOf(ctx)
	if err != nil {
		return err
	}
	return s.db.InTx(ctx, func(ctx context.Context) error {
		if _, err := s.findStore(ctx, companyID, storeID, clause.LockingStrengthShare); err != nil {
			return err
		}
		if !mypos.ValidID(goodsID) {
			return notFound("store price")
		}
		res := s.db.Conn(ctx).Where("store_id = ? AND goods_id = ? AND company_id = ?", storeID, goodsID, companyID).
			Delete(&storePriceRow{})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return notFound("store price")
		}
		return s.appendPriceDelete(ctx, companyID, storeID, goodsID)
	})
}

// findPrice reads one store price with its goods.
func (s *Service) findPrice(ctx context.Context, companyID, storeID, goodsID string) (*StorePrice, error) {
	var sp StorePrice
	err := s.pricesQuery(ctx).Where("p.store_id = ? AND p.goods_id = ? AND p.company_id = ?", storeID, goodsID, companyID).
		Take(&sp).Error
	if err != nil {
		return nil, db.NotFound(err, "No such store price.")
	}
	return &sp, nil
}

// pricesQuery selects store prices with their goods; "id" is the goods',
// so db.Paginate pages by goods.
func (s *Service) pricesQuery(ctx context.Context) *gorm.DB {
	return s.db.Conn(ctx).Table("store_prices p").Joins("JOIN goods g ON g.id = p.goods_id").
		Select("g.id, p.store_id, g.code, g.name, g.price AS base_price, p.price, p.updated_at")
}

// dropGoodsPrices deletes a goods' prices in every store, telling each
// store's devices.
func (s *Service) dropGoodsPrices(ctx context.Context, g *Goods) error {
	var stores []string
	err := s.db.Conn(ctx).Model(&storePriceRow{}).Where("goods_id = ?", g.ID).Order("store_id").Pluck("store_id", &stores).Error
	if err != nil || len(stores) == 0 {
		return err
	}
	if err := s.db.Conn(ctx).Where("goods_id = ?", g.ID).Delete(&storePriceRow{}).Error; err != nil {
		return err
	}
	for _, st := range stores {
		if err := s.appendPriceDelete(ctx, g.CompanyID, st, g.ID); err != nil {
			return err
		}
	}
	return nil
}

// dropStorePrices deletes every price of a store being deleted, so the
// changelog's state keeps no price nobody can see.
func (s *Service) dropStorePrices(ctx context.Context, companyID, storeID string) error {
	var goods []string
	err := s.db.Conn(ctx).Model(&storePriceRow{}).Where("store_id = ?", storeID).Order("goods_id").Pluck("goods_id", &goods).Error
	if err != nil || len(goods) == 0 {
		return err
	}
	if err := s.db.Conn(ctx).Where("store_id = ?", storeID).Delete(&storePriceRow{}).Error; err != nil {
		return err
	}
	for _, g := range goods {
		if err := s.appendPriceDelete(ctx, companyID, storeID, g); err != nil {
			return err
		}
	}
	return nil
}

func (s *Service) appendPriceDelete(ctx context.Context, companyID, storeID, goodsID string) error {
	_, err := s.changes.Append(ctx, companyID, changelog.Entry{
		Kind: protocol.KindPrice, Entity: priceEntity(storeID, goodsID), Op: protocol.OpDelete, Scope: changelog.Store(storeID),
	})
	return err
}
