package backoffice

import (
	"context"

	"mypos"
	"mypos/protocol"
)

// remember records, in the deleting transaction, whose a cashier or
// discount deleted outright was; kind is its entity kind
// (protocol.KindCashier or KindDiscount). Goods are deleted softly and stay
// in their table.
func (s *Service) remember(ctx context.Context, kind, id, companyID string) error {
	return s.db.Conn(ctx).Exec(`INSERT INTO deleted_ids (id, kind, company_id, deleted_at) VALUES (?, ?, ?, ?)`,
		id, kind, companyID, s.now()).Error
}

// CashierOwners returns the company of each of ids that is or was a
// cashier — deleted ones included: a till offline when its cashier was
// deleted still sold what it sold —; an ID no company ever had is absent.
// It answers the check of uploaded receipts (sales asks once a batch) and
// checks nothing of the caller.
func (s *Service) CashierOwners(ctx context.Context, ids []string) (map[string]string, error) {
	return s.owners(ctx, "cashiers", protocol.KindCashier, ids)
}

// GoodsOwners is CashierOwners for goods, deleted ones included.
func (s *Service) GoodsOwners(ctx context.Context, ids []string) (map[string]string, error) {
	return s.owners(ctx, "goods", "", ids)
}

// DiscountOwners is CashierOwners for discounts, deleted ones included.
func (s *Service) DiscountOwners(ctx context.Context, ids []string) (map[string]string, error) {
	return s.owners(ctx, "discounts", protocol.KindDiscount, ids)
}

// ownersPerQuery bounds the IDs of one lookup: the pure-Go SQLite driver
// binds parameters in time quadratic in their number (see db.InsertRows).
const ownersPerQuery = 200

// owners looks ids up in table and, for a kind deleted outright, in
// deleted_ids. IDs that are not IDs are nobody's, and never reach the query.
func (s *Service) owners(ctx context.Context, table, deleted string, ids []string) (map[string]string, error) {
	valid := make([]string, 0, len(ids))
	for _, id := range ids {
		if mypos.ValidID(id) {
			valid = append(valid, id)
		}
	}
	q := `SELECT id, company_id FROM ` + table + ` WHERE id IN ?`
	if deleted != "" {
		q += ` UNION ALL SELECT id, company_id FROM deleted_ids WHERE kind = ? AND id IN ?`
	}
	out := make(map[string]string, len(valid))
	for start := 0; start < len(valid); start += ownersPerQuery {
		part := valid[start:min(start+ownersPerQuery, len(valid))]
		args := []any{part}
		if deleted != "" {
			args = append(args, deleted, part)
		}
		var rows []struct{ ID, CompanyID string }
		if err := s.db.Conn(ctx).Raw(q, args...).Scan(&rows).Error; err != nil {
			return nil, err
		}
		for _, r := range rows {
			out[r.ID] = r.CompanyID
		}
	}
	return out, nil
}
