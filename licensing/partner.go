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
	facts := Facts{Sealed: true, CompanyID: ptr(companyID)}
	doc, err := s.writeOwnSealed(ctx, licenseIDs, facts, func(ctx context.Context) (*draft, error) {
		// The link is held (FOR SHARE) until commit, so the company cannot
		// change partners halfway through.
		linked, err := s.accounts.LinkedPartner(ctx, companyID)
		if err != nil && mypos.ErrorCode(err) != mypos.ENOTFOUND {
			return nil, err
		}
		if linked != partner.ID {
			return nil, &mypos.Error{Code: mypos.ECONFLICT, Field: "company_id",
				Message: "This company is not your client: it sends you a link request from its cabinet, and you accept it."}
		}
		d := newDraft(TypeTransfer, partner)
		d.doc.PartnerID, d.doc.CompanyID = ptr(partner.ID), ptr(companyID)
		return d, nil
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
	facts := Facts{Sealed: false, PartnerID: ptr(partner.ID)}
	doc, err := s.writeOwnSealed(ctx, licenseIDs, facts, func(context.Context) (*draft, error) {
		d := newDraft(TypeUnseal, partner)
		d.doc.PartnerID = ptr(partner.ID)
		d.doc.LicenseeName, d.doc.LicenseeINN, d.doc.LicenseeEmail = &licensee.Name, &licensee.INN, &licensee.Email
		return d, nil
	})
	if err != nil {
		return nil, err
	}
	s.log.Info("licenses unsealed", "document", doc.Number, "partner", partner.ID, "count", len(licenseIDs))
	return doc, nil
}

// writeOwnSealed writes a partner's document — a transfer or an unseal — in
// one transaction: prepare checks what it must and drafts the document, which
// names its partner; then each license named gets a line giving it the
// facts to, in the order named, once all are that partner's and sealed.
// Returns prepare's error; ENOTFOUND (field "license_ids") when a license is
// not the partner's; ECONFLICT when one is already unsealed.
func (s *Service) writeOwnSealed(ctx context.Context, ids []string, to Facts, prepare func(context.Context) (*draft, error)) (*Document, error) {
	var doc *Document
	err := s.inTx(ctx, func(ctx context.Context) error {
		d, err := prepare(ctx)
		if err != nil {
			return err
		}
		rows, err := s.lockIDs(ctx, ids)
		if err != nil {
			return err
		}
		for _, id := range ids {
			r := rows[id]
			switch {
			case r == nil || !is(r.PartnerID, *d.doc.PartnerID):
				return &mypos.Error{Code: mypos.ENOTFOUND, Field: "license_ids", Message: "No such license of yours: " + id + "."}
			case !r.Sealed:
				return conflict("License %s is already unsealed: its key is in your list.", id)
			}
		}
		for _, id := range ids {
			d.add(rows[id], to)
		}
		doc, err = s.write(ctx, d)
		return err
	})
	return doc, err
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
