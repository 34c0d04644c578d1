package licensing

import (
	"context"

	"mypos"
	"mypos/account"
)

// CheckSale says whether Sell would accept a sale, without making it: the
// cabinet asks before a confirmation page, so the form shows a mistake at
// its field instead of on a page that promises a sale. Sell checks the
// same. Owner only.
// Returns the partner; EFORBIDDEN for anyone else, EINVALID (field
// "count") for a count outside 1..MaxSale, ENOTFOUND (field "partner_id")
// when there is no such active partner.
func (s *Service) CheckSale(ctx context.Context, partnerID string, count int) (*account.Account, error) {
	if _, err := mypos.RequireActor(ctx, mypos.KindOwner); err != nil {
		return nil, err
	}
	if count < 1 || count > MaxSale {
		return nil, mypos.Invalid("count", "A sale has 1 to %d licenses.", MaxSale)
	}
	p, err := s.accounts.ActivePartner(ctx, partnerID)
	if mypos.ErrorCode(err) == mypos.ENOTFOUND {
		return nil, notFound("partner_id", "partner")
	}
	return p, err
}
