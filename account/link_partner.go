package account

import (
	"context"

	"mypos"
	"mypos/db"
)

// PartnerLinkRequests returns a page of the link requests sent to the
// caller, either those waiting for its answer (pending) or those answered
// or withdrawn, so a partner's cabinet lists what needs doing first without
// reading its whole history. Partner only.
// Returns EFORBIDDEN for anyone else, EINVALID for bad list parameters.
func (s *Service) PartnerLinkRequests(ctx context.Context, pending bool, p db.ListParams) ([]LinkRequest, string, error) {
	actor, err := mypos.RequireActor(ctx, mypos.KindPartner)
	if err != nil {
		return nil, "", err
	}
	op := "<>"
	if pending {
		op = "="
	}
	q := s.db.Conn(ctx).Model(&LinkRequest{}).Where("partner_id = ? AND status "+op+" ?", actor.ID, LinkPending)
	rs, next, err := db.Paginate(q, p, func(r *LinkRequest) string { return r.ID })
	if err != nil {
		return nil, "", err
	}
	return rs, next, s.nameRequests(ctx, rs)
}

// PendingLinkCount counts the link requests waiting for the caller's
// answer. Partner only.
// Returns EFORBIDDEN for anyone else.
func (s *Service) PendingLinkCount(ctx context.Context) (int64, error) {
	actor, err := mypos.RequireActor(ctx, mypos.KindPartner)
	if err != nil {
		return 0, err
	}
	var n int64
	err = s.db.Conn(ctx).Model(&LinkRequest{}).Where("partner_id = ? AND status = ?", actor.ID, LinkPending).Count(&n).Error
	return n, err
}

// LinkedCompany returns one of the caller's client companies. Partner only.
// Returns EFORBIDDEN for anyone else, ENOTFOUND when the company is not the
// caller's client — another partner's client and no company at all are
// the same answer.
func (s *Service) LinkedCompany(ctx context.Context, id string) (*Account, error) {
	actor, err := mypos.RequireActor(ctx, mypos.KindPartner)
	if err != nil {
		return nil, err
	}
	linked, err := s.LinkedPartner(ctx, id)
	if err != nil && mypos.ErrorCode(err) != mypos.ENOTFOUND {
		return nil, err
	}
	if linked != actor.ID {
		return nil, mypos.Errorf(mypos.ENOTFOUND, "No such client company.")
	}
	return s.find(ctx, mypos.KindCompany, id)
}
