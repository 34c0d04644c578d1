package backoffice

import (
	"context"

	"gorm.io/gorm"

	"mypos/db"
)

// ListGoodsIn is ListGoods narrowed to goods in the groups given (a group
// and its subgroups, as the cabinet's tree gives them); no groups is every
// goods. The company's own goods only: another company's group ID matches
// nothing. Company only.
// Returns EUNAUTHORIZED, EFORBIDDEN, EINVALID for bad list parameters.
func (s *Service) ListGoodsIn(ctx context.Context, groupIDs []string, p db.ListParams) ([]Goods, string, error) {
	companyID, err := companyOf(ctx)
	if err != nil {
		return nil, "", err
	}
	base := func() *gorm.DB {
		q := s.db.Conn(ctx).Where("company_id = ? AND deleted_at IS NULL", companyID)
		if len(groupIDs) > 0 {
			q = q.Where("group_id IN ?", groupIDs)
		}
		return q
	}
	var gs []Goods
	var next string
	if p.Query == "" {
		gs, next, err = db.Paginate(base(), p, func(g *Goods) string { return g.ID })
	} else {
		gs, next, err = s.searchGoods(ctx, companyID, base, p)
	}
	if err != nil {
		return nil, "", err
	}
	if err := s.loadBarcodes(ctx, gs); err != nil {
		return nil, "", err
	}
	return gs, next, nil
}
