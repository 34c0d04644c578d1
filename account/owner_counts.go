package account

import (
	"context"

	"mypos"
	"mypos/db"
)

// What the owner's pages ask of accounts in bulk: each method answers a
// whole page of rows in one query, so a list of 50 companies costs the
// same few queries as a list of one. Owner only.

// Census counts the platform's accounts for the owner's home page.
type Census struct {
	PartnersActive  int
	PartnersPending int
	Companies       int
}

// Census counts partners by status and companies, in one grouped query.
// Owner only.
// Returns EFORBIDDEN for anyone else.
func (s *Service) Census(ctx context.Context) (*Census, error) {
	if _, err := mypos.RequireActor(ctx, mypos.KindOwner); err != nil {
		return nil, err
	}
	var rows []struct {
		Kind, Status string
		N            int
	}
	err := s.db.Conn(ctx).Model(&Account{}).Select("kind, status, COUNT(*) AS n").
		Where("kind IN ?", []string{mypos.KindPartner, mypos.KindCompany}).Group("kind, status").Scan(&rows).Error
	var c Census
	for _, r := range rows {
		switch {
		case r.Kind == mypos.KindCompany:
			c.Companies += r.N
		case r.Status == StatusPending:
			c.PartnersPending += r.N
		default:
			c.PartnersActive += r.N
		}
	}
	return &c, err
}

// Partner returns a partner, pending or active. Owner only.
// Returns EFORBIDDEN for anyone else, ENOTFOUND when there is no such partner.
func (s *Service) Partner(ctx context.Context, id string) (*Account, error) {
	if _, err := mypos.RequireActor(ctx, mypos.KindOwner); err != nil {
		return nil, err
	}
	return s.find(ctx, mypos.KindPartner, id)
}

// PartnersOf returns the partner each of the companies is linked to, by
// company ID; a company with no partner is absent. Owner only.
// Returns EFORBIDDEN for anyone else.
func (s *Service) PartnersOf(ctx context.Context, companyIDs []string) (map[string]Account, error) {
	if _, err := mypos.RequireActor(ctx, mypos.KindOwner); err != nil {
		return nil, err
	}
	out := make(map[string]Account, len(companyIDs))
	if len(companyIDs) == 0 {
		return out, nil
	}
	var rows []struct {
		CompanyID string `gorm:"column:company_id"`
		Account   `gorm:"embedded"`
	}
	err := s.db.Conn(ctx).Table("link_requests").Select("link_requests.company_id, accounts.*").
		Joins("JOIN accounts ON accounts.id = link_requests.partner_id").
		Where("link_requests.company_id IN ? AND link_requests.status = ?", companyIDs, LinkAccepted).Scan(&rows).Error
	for _, r := range rows {
		out[r.CompanyID] = r.Account
	}
	return out, err
}

// ClientsOf returns a page of a partner's client companies. Owner only.
// Returns EFORBIDDEN for anyone else, EINVALID for bad list parameters.
func (s *Service) ClientsOf(ctx context.Context, partnerID string, p db.ListParams) ([]Account, string, error) {
	if _, err := mypos.RequireActor(ctx, mypos.KindOwner); err != nil {
		return nil, "", err
	}
	if !mypos.ValidID(partnerID) {
		return []Account{}, "", nil
	}
	return db.Paginate(s.clientsOf(ctx, partnerID), p, func(a *Account) string { return a.ID })
}

// ClientIDsOf returns the IDs of a partner's client companies, for counts
// that span packages. Owner only.
// Returns EFORBIDDEN for anyone else.
func (s *Service) ClientIDsOf(ctx context.Context, partnerID string) ([]string, error) {
	if _, err := mypos.RequireActor(ctx, mypos.KindOwner); err != nil {
		return nil, err
	}
	if !mypos.ValidID(partnerID) {
		return []string{}, nil
	}
	return s.clientIDs(ctx, partnerID)
}
