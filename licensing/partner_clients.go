package licensing

import (
	"context"

	"mypos"
)

// The partner's cabinet reads here what licensing's lists do not give it:
// its clients' licenses, and a check of whom it unseals to.

// ClientLicenses returns a page of the licenses the caller's client
// companies hold — all clients', or one's (companyID) — of one state or
// any, found by key when the filter's Query is set. The keys show as the
// License view decides: a sealed key to nobody but the owner, so a partner
// sees its clients' licenses without their keys. Partner only.
// Returns EFORBIDDEN for anyone else, ENOTFOUND when companyID is not the
// caller's client, EINVALID for a bad state, key or list parameters.
func (s *Service) ClientLicenses(ctx context.Context, companyID string, f LicenseFilter) ([]License, string, error) {
	actor, err := mypos.RequireActor(ctx, mypos.KindPartner)
	if err != nil {
		return nil, "", err
	}
	clients, err := s.accounts.ClientScope(ctx, companyID)
	if err != nil {
		return nil, "", err
	}
	if len(clients) == 0 {
		return []License{}, "", f.Validate()
	}
	q, err := byState(s.db.Conn(ctx).Model(&licenseRow{}).Where("company_id IN ?", clients), f.State)
	if err != nil {
		return nil, "", err
	}
	return s.licensePage(q, f, actor)
}

// CheckLicensee trims and checks whom a partner means to unseal licenses
// to, as Unseal will, so a form can say what is wrong before it asks to
// confirm.
// Returns EINVALID (fields "licensee.name", "licensee.inn", "licensee.email").
func CheckLicensee(l Licensee) (Licensee, error) { return cleanLicensee(l) }
