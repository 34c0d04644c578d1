package licensing

import (
	"context"
	"strings"

	"mypos"
	"mypos/account"
)

// maxLines bounds the licenses one transfer or unseal names.
const maxLines = MaxSale

// Transfer passes sealed licenses of the caller to a company linked to it,
// in one transfer document. Partner only.
// Returns EFORBIDDEN for anyone else; EINVALID (field "license_ids") for an
// empty, overlong or repeating list; ECONFLICT (field "company_id") when the
// company is not the caller's client; ENOTFOUND (field "license_ids") when a
// license is not the caller's; ECONFLICT when one is unsealed — an unsealed
// key is sold by typing it on a terminal.
func (s *Service) Transfer(ctx context.Context, companyID string, licenseIDs []string) (*Document, error) {
	partner, err := mypos.RequireActor(ctx, mypos.KindPartner)
	if err != nil {
		return nil, err
	}
	if err := uniqueIDs(licenseIDs, maxLines); err != nil {
		return nil, err
	}
	var doc *Document
	err = s.inTx(ctx, func(ctx context.Context) error {
		// The link is held (FOR SHARE) until commit, so the company cannot
		// change partners halfway through.
		linked, err := s.accounts.LinkedPartner(ctx, companyID)
		if err != nil && mypos.ErrorCode(err) != mypos.ENOTFOUND {
			return err
		}
		if linked != partner.ID {
			return &mypos.Error{Code: mypos.ECONFLICT, Field: "company_id",
				Message: "This company is not your client: it sends you a link request from its cabinet, and you accept it."}
		}
		d := newDraft(TypeTransfer, partner)
		d.doc.PartnerID, d.doc.CompanyID = ptr(partner.ID), ptr(companyID)
		err = s.eachOwnSealed(ctx, partner.ID, licenseIDs, func(r *licenseRow) {
			d.add(r, Facts{Sealed: true, CompanyID: ptr(companyID)})
		})
		if err != nil {
			return err
		}
		doc, err = s.write(ctx, d)
		return err
	})
	if err != nil {
		return nil, err
	}
	s.log.Info("licenses transferred", "document", doc.Number, "partner", partner.ID, "company", companyID, "count", len(licenseIDs))
	return doc, nil
}

// Unseal opens sealed licenses of the caller to itself for a licensee, in
// one unseal document: their keys show in the caller's list from then on,
// to be typed on any terminal. Partner only.
// Returns EFORBIDDEN for anyone else; EINVALID for a bad list or licensee
// (fields "license_ids", "licensee.name", "licensee.inn" — checksum
// included —, "licensee.email"); ENOTFOUND (field "license_ids") when a
// license is not the caller's; ECONFLICT when one is already unsealed.
func (s *Service) Unseal(ctx context.Context, licenseIDs []string, to Licensee) (*Document, error) {
	partner, err := mypos.RequireActor(ctx, mypos.KindPartner)
	if err != nil {
		return nil, err
	}
	if err := uniqueIDs(licenseIDs, maxLines); err != nil {
		return nil, err
	}
	licensee, err := cleanLicensee(to)
	if err != nil {
		return nil, err
	}
	var doc *Document
	err = s.inTx(ctx, func(ctx context.Context) error {
		d := newDraft(TypeUnseal, partner)
		d.doc.PartnerID = ptr(partner.ID)
		d.doc.LicenseeName, d.doc.LicenseeINN, d.doc.LicenseeEmail = &licensee.Name, &licensee.INN, &licensee.Email
		err := s.eachOwnSealed(ctx, partner.ID, licenseIDs, func(r *licenseRow) {
			d.add(r, Facts{Sealed: false, PartnerID: ptr(partner.ID)})
		})
		if err != nil {
			return err
		}
		doc, err = s.write(ctx, d)
		return err
	})
	if err != nil {
		return nil, err
	}
	s.log.Info("licenses unsealed", "document", doc.Number, "partner", partner.ID, "count", len(licenseIDs))
	return doc, nil
}

// eachOwnSealed locks the licenses and calls add for each, in the order
// named, once all are the partner's and sealed.
func (s *Service) eachOwnSealed(ctx context.Context, partnerID string, ids []string, add func(*licenseRow)) error {
	rows, err := s.lockIDs(ctx, ids)
	if err != nil {
		return err
	}
	for _, id := range ids {
		r := rows[id]
		switch {
		case r == nil || !is(r.PartnerID, partnerID):
			return &mypos.Error{Code: mypos.ENOTFOUND, Field: "license_ids", Message: "No such license of yours: " + id + "."}
		case !r.Sealed:
			return conflict("License %s is already unsealed: its key is in your list.", id)
		}
	}
	for _, id := range ids {
		add(rows[id])
	}
	return nil
}

// maxLicensee bounds a licensee's name, in characters: an account's bound.
const maxLicensee = 200

// cleanLicensee trims and checks whom a license is unsealed to.
func cleanLicensee(l Licensee) (Licensee, error) {
	name, err := mypos.Text("licensee.name", l.Name, 1, maxLicensee)
	if err != nil {
		return l, err
	}
	inn := strings.TrimSpace(l.INN)
	if err := account.ValidateINN("licensee.inn", inn); err != nil {
		return l, err
	}
	email, err := mypos.Email("licensee.email", l.Email)
	if err != nil {
		return l, err
	}
	return Licensee{Name: name, INN: inn, Email: email}, nil
}
