package account

import (
	"context"
	"slices"

	"gorm.io/gorm/clause"

	"mypos"
	"mypos/db"
)

// LinkedPartner returns the partner a company is linked to, for other
// packages (a transfer of licenses checks it). Inside a transaction it holds
// the link until commit, so the partner cannot change under the caller's
// feet. It checks nothing of the caller.
// Returns ENOTFOUND when the company has no partner.
func (s *Service) LinkedPartner(ctx context.Context, companyID string) (string, error) {
	if !mypos.ValidID(companyID) {
		return "", mypos.Errorf(mypos.ENOTFOUND, "This company has no partner.")
	}
	var r LinkRequest
	err := s.db.Conn(ctx).Clauses(clause.Locking{Strength: clause.LockingStrengthShare}).
		Where("company_id = ? AND status = ?", companyID, LinkAccepted).Take(&r).Error
	if err != nil {
		return "", db.NotFound(err, "This company has no partner.")
	}
	return r.PartnerID, nil
}

// LinkedCompanies returns a page of the caller's client companies, searched
// as the owner's list. Partner only.
// Returns EFORBIDDEN for anyone else, EINVALID for bad list parameters.
func (s *Service) LinkedCompanies(ctx context.Context, p db.ListParams) ([]Account, string, error) {
	actor, err := mypos.RequireActor(ctx, mypos.KindPartner)
	if err != nil {
		return nil, "", err
	}
	q := s.clientsOf(ctx, actor.ID)
	if p.Query != "" {
		like := db.Contains(searchKey(p.Query))
		q = q.Where("(name_key LIKE ? ESCAPE '!' OR email_key LIKE ? ESCAPE '!' OR inn = ?)", like, like, p.Query)
	}
	return db.Paginate(q, p, func(a *Account) string { return a.ID })
}

// ClientIDs returns the IDs of every company linked to the caller, for views
// that span packages (the partner's devices). Partner only.
// Returns EFORBIDDEN for anyone else.
func (s *Service) ClientIDs(ctx context.Context) ([]string, error) {
	actor, err := mypos.RequireActor(ctx, mypos.KindPartner)
	if err != nil {
		return nil, err
	}
	return s.clientIDs(ctx, actor.ID)
}

// ClientScope returns the IDs of the caller's client companies, or, when
// companyID is set, that one ID once it is the caller's client: the
// companies a partner's view spans (its clients' licenses, their tills).
// Partner only.
// Returns EFORBIDDEN for anyone else, ENOTFOUND when companyID is not the
// caller's client.
func (s *Service) ClientScope(ctx context.Context, companyID string) ([]string, error) {
	clients, err := s.ClientIDs(ctx)
	if err != nil || companyID == "" {
		return clients, err
	}
	if !slices.Contains(clients, companyID) {
		return nil, mypos.Errorf(mypos.ENOTFOUND, "No such client company.")
	}
	return []string{companyID}, nil
}

// Directory returns a page of active partners a company may pick from,
// searched by name (any case), exact INN or exact code. Anyone may call it:
// it shows what a partner shows the public — name, city, INN, code — and
// never an e-mail or a pending partner.
// Returns EINVALID for bad list parameters.
func (s *Service) Directory(ctx context.Context, p db.ListParams) ([]DirectoryEntry, string, error) {
	q := s.db.Conn(ctx).Where("kind = ? AND status = ?", mypos.KindPartner, StatusActive)
	if p.Query != "" {
		like := db.Contains(searchKey(p.Query))
		q = q.Where("(name_key LIKE ? ESCAPE '!' OR inn = ? OR code = ?)", like, p.Query, upper(p.Query))
	}
	as, next, err := db.Paginate(q, p, func(a *Account) string { return a.ID })
	if err != nil {
		return nil, "", err
	}
	out := make([]DirectoryEntry, len(as))
	for i, a := range as {
		out[i] = DirectoryEntry{ID: a.ID, Name: a.Name, City: a.City, INN: a.INN, Code: deref(a.Code)}
	}
	return out, next, nil
}
