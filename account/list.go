package account

import (
	"context"

	"mypos"
	"mypos/db"
)

// ListPartners returns a page of partners, searched by name, INN, code or
// e-mail. Owner only.
// Returns EFORBIDDEN for anyone else, EINVALID for bad list parameters.
func (s *Service) ListPartners(ctx context.Context, p db.ListParams) ([]Account, string, error) {
	return s.list(ctx, mypos.KindPartner, p)
}

// ListCompanies returns a page of companies, searched as ListPartners. Owner only.
// Returns EFORBIDDEN for anyone else, EINVALID for bad list parameters.
func (s *Service) ListCompanies(ctx context.Context, p db.ListParams) ([]Account, string, error) {
	return s.list(ctx, mypos.KindCompany, p)
}

func (s *Service) list(ctx context.Context, kind string, p db.ListParams) ([]Account, string, error) {
	if _, err := mypos.RequireActor(ctx, mypos.KindOwner); err != nil {
		return nil, "", err
	}
	q := s.db.Conn(ctx).Where("kind = ?", kind)
	if p.Query != "" {
		like := db.Contains(searchKey(p.Query))
		q = q.Where("(name_key LIKE ? ESCAPE '!' OR email_key LIKE ? ESCAPE '!' OR inn = ? OR code = ?)", like, like, p.Query, p.Query)
	}
	return db.Paginate(q, p, func(a *Account) string { return a.ID })
}

// find returns the account of a kind with an ID.
// Returns ENOTFOUND when there is none.
func (s *Service) find(ctx context.Context, kind, id string) (*Account, error) {
	notFound := "No such " + kind + "."
	if !mypos.ValidID(id) {
		return nil, mypos.Errorf(mypos.ENOTFOUND, "%s", notFound)
	}
	var a Account
	if err := s.db.Conn(ctx).Where("id = ? AND kind = ?", id, kind).Take(&a).Error; err != nil {
		return nil, db.NotFound(err, notFound)
	}
	return &a, nil
}
