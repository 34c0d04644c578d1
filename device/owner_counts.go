package device

import (
	"context"

	"mypos"
)

// CountByCompany counts the live (not revoked) devices of each company, in
// one grouped query, for the owner's list of companies; a company with
// none is absent. Owner only.
// Returns EFORBIDDEN for anyone else.
func (s *Service) CountByCompany(ctx context.Context, companyIDs []string) (map[string]int64, error) {
	if _, err := mypos.RequireActor(ctx, mypos.KindOwner); err != nil {
		return nil, err
	}
	out := make(map[string]int64, len(companyIDs))
	if len(companyIDs) == 0 {
		return out, nil
	}
	var rows []struct {
		CompanyID string
		N         int64
	}
	err := s.db.Conn(ctx).Model(&deviceRow{}).Select("company_id, COUNT(*) AS n").
		Where("company_id IN ? AND revoked_at IS NULL", companyIDs).Group("company_id").Scan(&rows).Error
	for _, r := range rows {
		out[r.CompanyID] = r.N
	}
	return out, err
}
