package backoffice

import (
	"context"

	"gorm.io/gorm/clause"

	"mypos"
	"mypos/changelog"
	"mypos/db"
	"mypos/protocol"
)

// CreateGroup adds a goods group to the caller's company, at the top or
// under a parent, and tells all its devices. Company only.
// Returns EUNAUTHORIZED, EFORBIDDEN for another kind, EINVALID for a bad
// name, a parent that is not the company's or a tree deeper than 16.
func (s *Service) CreateGroup(ctx context.Context, in GroupInput) (*Group, error) {
	companyID, err := companyOf(ctx)
	if err != nil {
		return nil, err
	}
	p := GroupPatch{Name: &in.Name}
	if in.ParentID != nil {
		p.ParentID = SetTo(*in.ParentID)
	}
	if err := p.validate(); err != nil {
		return nil, err
	}
	g := &Group{ID: mypos.NewID(), CompanyID: companyID, CreatedAt: s.now()}
	g.UpdatedAt = g.CreatedAt
	p.Patch(g)
	err = s.db.InTx(ctx, func(ctx context.Context) error {
		if g.ParentID != nil {
			t, err := s.lockTree(ctx, companyID)
			if err != nil {
				return err
			}
			if err := t.canHold(*g.ParentID, 1); err != nil {
				return err
			}
		}
		if err := s.db.Conn(ctx).Create(g).Error; err != nil {
			return err
		}
		return s.appendGroup(ctx, g)
	})
	if err != nil {
		return nil, err
	}
	return g, nil
}

// GetGroup returns a goods group of the caller's company. Company only.
// Returns EUNAUTHORIZED, EFORBIDDEN, ENOTFOUND when the company has no such group.
func (s *Service) GetGroup(ctx context.Context, id string) (*Group, error) {
	companyID, err := companyOf(ctx)
	if err != nil {
		return nil, err
	}
	return s.findGroup(ctx, companyID, id, "")
}

// ListGroups returns a page of the company's goods groups, searched by
// name (any case, Cyrillic too). Company only.
// Returns EUNAUTHORIZED, EFORBIDDEN, EINVALID for bad list parameters.
func (s *Service) ListGroups(ctx context.Context, p db.ListParams) ([]Group, string, error) {
	companyID, err := companyOf(ctx)
	if err != nil {
		return nil, "", err
	}
	q := s.db.Conn(ctx).Where("company_id = ?", companyID)
	return db.Paginate(searchName(q, p.Query), p, func(g *Group) string { return g.ID })
}

// UpdateGroup renames a group or moves it under another parent (or to the
// top); a patch that changes nothing writes nothing. Company only.
// Returns EUNAUTHORIZED, EFORBIDDEN, ENOTFOUND, EINVALID for a bad name, a
// parent not the company's, a move under itself or its own subgroup (a
// cycle), or a tree deeper than 16.
func (s *Service) UpdateGroup(ctx context.Context, id string, p GroupPatch) (*Group, error) {
	companyID, err := companyOf(ctx)
	if err != nil {
		return nil, err
	}
	if err := p.validate(); err != nil {
		return nil, err
	}
	var g *Group
	err = s.db.InTx(ctx, func(ctx context.Context) error {
		var t *tree
		if p.ParentID.Value != nil {
			// The whole tree first, the group with it: one lock order.
			if t, err = s.lockTree(ctx, companyID); err != nil {
				return err
			}
		}
		if g, err = s.findGroup(ctx, companyID, id, clause.LockingStrengthUpdate); err != nil {
			return err
		}
		if t != nil {
			if err := t.checkMove(g.ID, *p.ParentID.Value); err != nil {
				return err
			}
		}
		before := *g
		p.Patch(g)
		if g.Name == before.Name && sameID(g.ParentID, before.ParentID) {
			return nil
		}
		g.UpdatedAt = s.now()
		if err := s.db.Conn(ctx).Model(g).Select("name", "name_key", "parent_id", "updated_at").Updates(g).Error; err != nil {
			return err
		}
		return s.appendGroup(ctx, g)
	})
	if err != nil {
		return nil, err
	}
	return g, nil
}

// DeleteGroup deletes an empty goods group. Company only.
// Returns EUNAUTHORIZED, EFORBIDDEN, ENOTFOUND, ECONFLICT while the group
// has subgroups or goods, or a discount targets it: move or delete them first.
func (s *Service) DeleteGroup(ctx context.Context, id string) error {
	companyID, err := companyOf(ctx)
	if err != nil {
		return err
	}
	return s.db.InTx(ctx, func(ctx context.Context) error {
		g, err := s.findGroup(ctx, companyID, id, clause.LockingStrengthUpdate)
		if err != nil {
			return err
		}
		if err := s.checkEmptyGroup(ctx, g.ID); err != nil {
			return err
		}
		// Deleted goods keep no group: the key would hold the row otherwise.
		err = s.db.Conn(ctx).Model(&Goods{}).Where("group_id = ? AND deleted_at IS NOT NULL", g.ID).
			Update("group_id", nil).Error
		if err != nil {
			return err
		}
		if err := s.db.Conn(ctx).Delete(g).Error; err != nil {
			return err
		}
		_, err = s.changes.Append(ctx, companyID, changelog.Entry{
			Kind: protocol.KindGoodsGroup, Entity: g.ID, Op: protocol.OpDelete, Scope: changelog.Company(),
		})
		return err
	})
}

// checkEmptyGroup refuses to delete a group something still points at.
// The group's row lock makes concurrent writers that share-lock it (a new
// goods in it, a discount on it) or lock the tree (a new subgroup) wait.
func (s *Service) checkEmptyGroup(ctx context.Context, id string) error {
	for _, c := range []struct{ query, what string }{
		{"SELECT COUNT(*) FROM goods_groups WHERE parent_id = ?", "subgroups"},
		{"SELECT COUNT(*) FROM goods WHERE group_id = ? AND deleted_at IS NULL", "goods"},
		{"SELECT COUNT(*) FROM discounts WHERE target_group = ?", "discounts"},
	} {
		var n int64
		if err := s.db.Conn(ctx).Raw(c.query, id).Scan(&n).Error; err != nil {
			return err
		}
		if n > 0 {
			return mypos.Errorf(mypos.ECONFLICT, "The group has %d %s: move or delete them first.", n, c.what)
		}
	}
	return nil
}

// checkGroup vouches for a group a goods or a discount is to point at,
// share-locking it so a concurrent DeleteGroup waits and then sees it.
// Returns EINVALID (field "group_id") unless it is a group of the company.
func (s *Service) checkGroup(ctx context.Context, companyID string, id *string) error {
	if id == nil {
		return nil
	}
	_, err := s.findGroup(ctx, companyID, *id, clause.LockingStrengthShare)
	if mypos.ErrorCode(err) == mypos.ENOTFOUND {
		return mypos.Invalid("group_id", "No such goods group in this company.")
	}
	return err
}

// findGroup returns a group of the company, locked with the strength given.
// Returns ENOTFOUND when there is none.
func (s *Service) findGroup(ctx context.Context, companyID, id, lock string) (*Group, error) {
	if !mypos.ValidID(id) {
		return nil, notFound("goods group")
	}
	q := s.db.Conn(ctx)
	if lock != "" {
		q = q.Clauses(clause.Locking{Strength: lock})
	}
	var g Group
	if err := q.Where("id = ? AND company_id = ?", id, companyID).Take(&g).Error; err != nil {
		return nil, db.NotFound(err, "No such goods group.")
	}
	return &g, nil
}

// appendGroup tells every device of the company the group's new state.
func (s *Service) appendGroup(ctx context.Context, g *Group) error {
	_, err := s.changes.Append(ctx, g.CompanyID, groupEntry(g))
	return err
}

func groupEntry(g *Group) changelog.Entry {
	return changelog.Entry{Kind: protocol.KindGoodsGroup, Entity: g.ID, Op: protocol.OpUpsert, Body: g.body(), Scope: changelog.Company()}
}
