package account

import (
	"context"

	"gorm.io/gorm"

	"mypos"
)

// Accounts returns, by ID, the accounts of the IDs that exist and that the
// caller may know by name, to name the parties of documents and the
// holders of licenses on a page in one query: the owner any account; a
// partner itself and its current client companies; a company itself and
// its partner (as the Directory shows a partner: no e-mail). Any other ID
// is absent, and the page shows that party by its kind alone. Owner,
// partner or company.
// Returns EFORBIDDEN for anyone else.
func (s *Service) Accounts(ctx context.Context, ids []string) (map[string]Account, error) {
	actor, err := mypos.RequireActor(ctx, mypos.KindOwner, mypos.KindPartner, mypos.KindCompany)
	if err != nil {
		return nil, err
	}
	out := make(map[string]Account, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	var rows []Account
	if err := s.known(ctx, actor).Where("id IN ?", ids).Find(&rows).Error; err != nil {
		return nil, err
	}
	for _, a := range rows {
		if actor.Kind == mypos.KindCompany && a.Kind == mypos.KindPartner {
			a.Email = ""
		}
		out[a.ID] = a
	}
	return out, nil
}

// known narrows the accounts to those the actor may know by name.
func (s *Service) known(ctx context.Context, actor mypos.Actor) *gorm.DB {
	q := s.db.Conn(ctx).Model(&Account{})
	switch actor.Kind {
	case mypos.KindPartner:
		return q.Where("(id = ? OR id IN (?))", actor.ID, s.linked(ctx, "company_id", "partner_id", actor.ID))
	case mypos.KindCompany:
		return q.Where("(id = ? OR id IN (?))", actor.CompanyID, s.linked(ctx, "partner_id", "company_id", actor.CompanyID))
	}
	return q
}
