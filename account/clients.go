package account

import (
	"context"

	"gorm.io/gorm"

	"mypos"
)

// A partner's clients are asked two ways — by the owner about a partner
// (ClientsOf, ClientIDsOf) and by a partner about itself
// (LinkedCompanies, ClientIDs); the doors check different actors, the
// question is one and lives here.

// clientsOf narrows the accounts to the partner's client companies: those
// whose link request it accepted.
func (s *Service) clientsOf(ctx context.Context, partnerID string) *gorm.DB {
	return s.db.Conn(ctx).Where("kind = ? AND id IN (?)", mypos.KindCompany, s.linked(ctx, "company_id", "partner_id", partnerID))
}

// clientIDs are the IDs of the partner's client companies, in order; never
// nil, so an API answers [] for none.
func (s *Service) clientIDs(ctx context.Context, partnerID string) ([]string, error) {
	ids := []string{}
	err := s.linked(ctx, "company_id", "partner_id", partnerID).Order("company_id").Pluck("company_id", &ids).Error
	return ids, err
}

// linked selects the column `other` of the accepted links whose column
// `side` is id: a partner's companies ("company_id", "partner_id", its
// ID), a company's partner ("partner_id", "company_id", its ID).
func (s *Service) linked(ctx context.Context, other, side, id string) *gorm.DB {
	return s.db.Conn(ctx).Model(&LinkRequest{}).Select(other).Where(side+" = ? AND status = ?", id, LinkAccepted)
}
