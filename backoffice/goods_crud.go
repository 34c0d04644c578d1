package backoffice

import (
	"context"

	"gorm.io/gorm/clause"

	"mypos"
	"mypos/changelog"
	"mypos/db"
	"mypos/protocol"
)

// CreateGoods adds a goods to the caller's company and tells all its
// devices. Company only.
// Returns EUNAUTHORIZED, EFORBIDDEN for another kind, EINVALID for a bad
// field (a bad EAN check digit: field "barcodes"; a group not the
// company's: "group_id"), ECONFLICT when the code (field "code") or a
// barcode (field "barcodes", naming the goods that has it) is taken.
func (s *Service) CreateGoods(ctx context.Context, in GoodsInput) (*Goods, error) {
	companyID, err := companyOf(ctx)
	if err != nil {
		return nil, err
	}
	g, err := newGoods(in)
	if err != nil {
		return nil, err
	}
	g.ID, g.CompanyID = mypos.NewID(), companyID
	g.CreatedAt = s.now()
	g.UpdatedAt = g.CreatedAt
	err = s.db.InTx(ctx, func(ctx context.Context) error {
		if err := s.checkGroup(ctx, companyID, g.GroupID); err != nil {
			return err
		}
		if err := s.checkBarcodes(ctx, companyID, g.ID, g.Barcodes); err != nil {
			return err
		}
		if err := s.db.Conn(ctx).Create(g).Error; err != nil {
			return codeTaken(err, g.Code)
		}
		if err := s.insertBarcodes(ctx, g); err != nil {
			return err
		}
		if err := writeGrams(ctx, s.db, []Goods{*g}, nil); err != nil {
			return err
		}
		return s.appendGoods(ctx, g)
	})
	if err != nil {
		return nil, err
	}
	return g, nil
}

// GetGoods returns a live goods of the caller's company. Company only.
// Returns EUNAUTHORIZED, EFORBIDDEN, ENOTFOUND when the company has no such goods.
func (s *Service) GetGoods(ctx context.Context, id string) (*Goods, error) {
	companyID, err := companyOf(ctx)
	if err != nil {
		return nil, err
	}
	return s.findGoods(ctx, companyID, id, "")
}

// ListGoods returns a page of the company's live goods. The query matches
// a name containing it (any case, Cyrillic too), or a code or a barcode
// exactly. Company only.
// Returns EUNAUTHORIZED, EFORBIDDEN, EINVALID for bad list parameters.
func (s *Service) ListGoods(ctx context.Context, p db.ListParams) ([]Goods, string, error) {
	return s.ListGoodsIn(ctx, nil, p)
}

// UpdateGoods changes the fields the patch sets; a patch that changes
// nothing writes nothing. Company only.
// Returns EUNAUTHORIZED, EFORBIDDEN, ENOTFOUND, and EINVALID or ECONFLICT
// as CreateGoods (nothing written).
func (s *Service) UpdateGoods(ctx context.Context, id string, p GoodsPatch) (*Goods, error) {
	companyID, err := companyOf(ctx)
	if err != nil {
		return nil, err
	}
	if err := p.validate(); err != nil {
		return nil, err
	}
	var g *Goods
	err = s.db.InTx(ctx, func(ctx context.Context) error {
		if p.GroupID.Value != nil {
			if err := s.checkGroup(ctx, companyID, p.GroupID.Value); err != nil {
				return err
			}
		}
		if g, err = s.findGoods(ctx, companyID, id, clause.LockingStrengthUpdate); err != nil {
			return err
		}
		return s.updateGoods(ctx, g, p)
	})
	if err != nil {
		return nil, err
	}
	return g, nil
}

// updateGoods writes the patch to g, locked in the transaction of ctx.
func (s *Service) updateGoods(ctx context.Context, g *Goods, p GoodsPatch) error {
	before := *g
	p.Patch(g)
	if sameGoods(&before, g) {
		return nil // nothing to tell the devices
	}
	if p.Barcodes != nil {
		if err := s.checkBarcodes(ctx, g.CompanyID, g.ID, g.Barcodes); err != nil {
			return err
		}
	}
	g.UpdatedAt = s.now()
	err := s.db.Conn(ctx).Model(g).
		Select("code", "name", "name_key", "price", "unit", "vat", "group_id", "active", "updated_at").Updates(g).Error
	if err != nil {
		return codeTaken(err, g.Code)
	}
	if p.Barcodes != nil {
		if err := s.replaceBarcodes(ctx, g); err != nil {
			return err
		}
	}
	if g.NameKey != before.NameKey {
		if err := writeGrams(ctx, s.db, []Goods{*g}, []string{g.ID}); err != nil {
			return err
		}
	}
	return s.appendGoods(ctx, g)
}

// DeleteGoods deletes a goods of the caller's company: its code and
// barcodes become free, its store prices go, discounts that list it stop
// listing it, and every device is told. Company only.
// Returns EUNAUTHORIZED, EFORBIDDEN, ENOTFOUND.
func (s *Service) DeleteGoods(ctx context.Context, id string) error {
	companyID, err := companyOf(ctx)
	if err != nil {
		return err
	}
	return s.db.InTx(ctx, func(ctx context.Context) error {
		g, err := s.findGoods(ctx, companyID, id, clause.LockingStrengthUpdate)
		if err != nil {
			return err
		}
		now := s.now()
		g.DeletedAt, g.UpdatedAt = &now, now
		if err := s.db.Conn(ctx).Model(g).Select("deleted_at", "updated_at").Updates(g).Error; err != nil {
			return err
		}
		if err := s.db.Conn(ctx).Where("goods_id = ?", g.ID).Delete(&goodsBarcode{}).Error; err != nil {
			return err
		}
		if err := s.db.Conn(ctx).Where("goods_id = ?", g.ID).Delete(&goodsGram{}).Error; err != nil {
			return err
		}
		if err := s.dropGoodsPrices(ctx, g); err != nil {
			return err
		}
		if err := s.dropGoodsFromDiscounts(ctx, g); err != nil {
			return err
		}
		_, err = s.changes.Append(ctx, companyID, changelog.Entry{
			Kind: protocol.KindGoods, Entity: g.ID, Op: protocol.OpDelete, Scope: changelog.Company(),
		})
		return err
	})
}

// findGoods returns a live goods of the company with its barcodes, locked
// with the strength given ("" for none).
// Returns ENOTFOUND when there is none.
func (s *Service) findGoods(ctx context.Context, companyID, id, lock string) (*Goods, error) {
	if !mypos.ValidID(id) {
		return nil, notFound("goods")
	}
	q := s.db.Conn(ctx)
	if lock != "" {
		q = q.Clauses(clause.Locking{Strength: lock})
	}
	var g Goods
	if err := q.Where("id = ? AND company_id = ? AND deleted_at IS NULL", id, companyID).Take(&g).Error; err != nil {
		return nil, db.NotFound(err, "No such goods.")
	}
	gs := []Goods{g}
	if err := s.loadBarcodes(ctx, gs); err != nil {
		return nil, err
	}
	return &gs[0], nil
}

// codeTaken turns a unique violation of the goods' code into ECONFLICT.
func codeTaken(err error, code string) error {
	if db.IsDuplicate(err) {
		return &mypos.Error{Code: mypos.ECONFLICT, Field: "code", Message: "Another goods has the code " + quote(code) + "."}
	}
	return err
}

// appendGoods tells every device of the company the goods' new state.
func (s *Service) appendGoods(ctx context.Context, g *Goods) error {
	_, err := s.changes.Append(ctx, g.CompanyID, goodsEntry(g))
	return err
}

func goodsEntry(g *Goods) changelog.Entry {
	return changelog.Entry{Kind: protocol.KindGoods, Entity: g.ID, Op: protocol.OpUpsert, Body: g.body(), Scope: changelog.Company()}
}
