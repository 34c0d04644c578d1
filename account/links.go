package account

import (
	"context"

	"gorm.io/gorm/clause"

	"mypos"
	"mypos/db"
)

// RequestLink sends a link request from the caller's company to a partner
// found by code or ID. Company only.
// Returns EFORBIDDEN for anyone else; EINVALID when the partner is not named
// or no active partner matches; ECONFLICT when the company is already linked
// to that partner or already has a pending request.
func (s *Service) RequestLink(ctx context.Context, in LinkRequestInput) (*LinkRequest, error) {
	actor, err := mypos.RequireActor(ctx, mypos.KindCompany)
	if err != nil {
		return nil, err
	}
	partner, err := s.partnerByInput(ctx, in)
	if err != nil {
		return nil, err
	}
	if current, err := s.LinkedPartner(ctx, actor.ID); err == nil && current == partner.ID {
		return nil, mypos.Errorf(mypos.ECONFLICT, "You already work with this partner.")
	} else if err != nil && mypos.ErrorCode(err) != mypos.ENOTFOUND {
		return nil, err
	}
	r := &LinkRequest{ID: mypos.NewID(), CompanyID: actor.ID, PartnerID: partner.ID, Status: LinkPending, CreatedAt: s.now()}
	// The unique index on pending requests decides a race of two requests.
	if err := s.db.Conn(ctx).Create(r).Error; db.IsDuplicate(err) {
		return nil, mypos.Errorf(mypos.ECONFLICT, "You already have a pending request: wait for the partner's answer, or cancel it.")
	} else if err != nil {
		return nil, err
	}
	r.CompanyName, r.PartnerName, r.PartnerCode = actor.Name, partner.Name, deref(partner.Code)
	return r, nil
}

// CancelLink withdraws the caller's company's pending request. Company only.
// Returns EFORBIDDEN for anyone else, ENOTFOUND when the company has no such
// request, ECONFLICT when it is no longer pending.
func (s *Service) CancelLink(ctx context.Context, id string) (*LinkRequest, error) {
	actor, err := mypos.RequireActor(ctx, mypos.KindCompany)
	if err != nil {
		return nil, err
	}
	return s.decide(ctx, "company_id", actor.ID, id, LinkCancelled)
}

// AcceptLink accepts a pending request to the caller: the company becomes
// its client, and the company's previous link, if any, ends. Partner only.
// Returns EFORBIDDEN for anyone else, ENOTFOUND when the partner has no such
// request, ECONFLICT when it is no longer pending.
func (s *Service) AcceptLink(ctx context.Context, id string) (*LinkRequest, error) {
	actor, err := mypos.RequireActor(ctx, mypos.KindPartner)
	if err != nil {
		return nil, err
	}
	return s.decide(ctx, "partner_id", actor.ID, id, LinkAccepted)
}

// DeclineLink declines a pending request to the caller. Partner only.
// Returns EFORBIDDEN for anyone else, ENOTFOUND when the partner has no such
// request, ECONFLICT when it is no longer pending.
func (s *Service) DeclineLink(ctx context.Context, id string) (*LinkRequest, error) {
	actor, err := mypos.RequireActor(ctx, mypos.KindPartner)
	if err != nil {
		return nil, err
	}
	return s.decide(ctx, "partner_id", actor.ID, id, LinkDeclined)
}

// decide moves a pending request of a party (the column says which side) to
// a final status, ending the company's old link first when it is accepted.
func (s *Service) decide(ctx context.Context, side, party, id, status string) (*LinkRequest, error) {
	var r LinkRequest
	err := s.db.InTx(ctx, func(ctx context.Context) error {
		if !mypos.ValidID(id) {
			return mypos.Errorf(mypos.ENOTFOUND, "No such link request.")
		}
		err := s.db.Conn(ctx).Clauses(clause.Locking{Strength: clause.LockingStrengthUpdate}).
			Where("id = ? AND "+side+" = ?", id, party).Take(&r).Error
		if err != nil {
			return db.NotFound(err, "No such link request.")
		}
		if r.Status != LinkPending {
			return mypos.Errorf(mypos.ECONFLICT, "This request is already %s.", r.Status)
		}
		now := s.now()
		if status == LinkAccepted {
			// The old link ends before the new one starts: the unique index
			// allows one accepted request per company.
			err := s.db.Conn(ctx).Model(&LinkRequest{}).Where("company_id = ? AND status = ?", r.CompanyID, LinkAccepted).
				Updates(map[string]any{"status": LinkEnded, "ended_at": now}).Error
			if err != nil {
				return err
			}
		}
		r.Status, r.DecidedAt = status, &now
		return s.db.Conn(ctx).Model(&r).Select("status", "decided_at").Updates(&r).Error
	})
	if err != nil {
		return nil, err
	}
	named := []LinkRequest{r} // nameRequests fills in the slice's element, not r
	if err := s.nameRequests(ctx, named); err != nil {
		return nil, err
	}
	s.log.Info("link request decided", "request", r.ID, "company", r.CompanyID, "partner", r.PartnerID, "status", status)
	return &named[0], nil
}

// LinkRequests returns a page of the caller's link requests, pending and
// past: a company sees those it sent, a partner those sent to it. Company or
// partner.
// Returns EFORBIDDEN for anyone else, EINVALID for bad list parameters.
func (s *Service) LinkRequests(ctx context.Context, p db.ListParams) ([]LinkRequest, string, error) {
	actor, err := mypos.RequireActor(ctx, mypos.KindCompany, mypos.KindPartner)
	if err != nil {
		return nil, "", err
	}
	side := "company_id"
	if actor.Kind == mypos.KindPartner {
		side = "partner_id"
	}
	q := s.db.Conn(ctx).Model(&LinkRequest{}).Where(side+" = ?", actor.ID)
	rs, next, err := db.Paginate(q, p, func(r *LinkRequest) string { return r.ID })
	if err != nil {
		return nil, "", err
	}
	return rs, next, s.nameRequests(ctx, rs)
}

// nameRequests fills in the names of both sides with one query.
func (s *Service) nameRequests(ctx context.Context, rs []LinkRequest) error {
	if len(rs) == 0 {
		return nil
	}
	ids := make([]string, 0, 2*len(rs))
	for _, r := range rs {
		ids = append(ids, r.CompanyID, r.PartnerID)
	}
	var as []Account
	if err := s.db.Conn(ctx).Select("id", "name", "code").Where("id IN ?", ids).Find(&as).Error; err != nil {
		return err
	}
	byID := make(map[string]Account, len(as))
	for _, a := range as {
		byID[a.ID] = a
	}
	for i := range rs {
		rs[i].CompanyName = byID[rs[i].CompanyID].Name
		partner := byID[rs[i].PartnerID]
		rs[i].PartnerName, rs[i].PartnerCode = partner.Name, deref(partner.Code)
	}
	return nil
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
