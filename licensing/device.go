package licensing

import (
	"context"

	"mypos"
)

// Activate is a key typed on a terminal: fleet calls it for the device the
// broker authenticated and that device's company, and answers the terminal
// with the license as the device sees it.
//   - An unsealed key held by a partner becomes the company's, on this
//     device: an activate document.
//   - A key of this company moves onto this device: a move document when it
//     was on another device (which loses it), an activate one otherwise; on
//     this device already, nothing is written.
//   - A license already on this device stays the company's, on no device.
//
// Returns EINVALID (field "key") for a mistyped key, before any lookup;
// ENOTFOUND (field "key") when no license has the key; ECONFLICT when the
// key is held by another company — once used, the key alone is no proof of
// ownership — or is still sealed at its partner; ENOTFOUND (field
// "device_id") when the device is not a live device of the company.
func (s *Service) Activate(ctx context.Context, deviceID, companyID, key string) (*Activation, error) {
	bare, err := NormalizeKey(key)
	if err != nil {
		return nil, err
	}
	if !mypos.ValidID(deviceID) || !mypos.ValidID(companyID) {
		return nil, notFound("device_id", "device")
	}
	author := mypos.Actor{Kind: mypos.KindDevice, ID: deviceID, CompanyID: companyID}
	var row *licenseRow
	var typ string
	err = s.inTx(ctx, func(ctx context.Context) error {
		it, displaced, err := s.lockWithDevice(ctx, "key_norm = ?", bare, deviceID, func(r *licenseRow) bool { return r.KeyNorm == bare })
		if err != nil {
			return err
		}
		if row = it; it == nil {
			return &mypos.Error{Code: mypos.ENOTFOUND, Field: "key", Message: "No license has this key: check it with whoever gave it to you."}
		}
		typ, err = activationType(it, companyID, deviceID)
		if err != nil || typ == "" {
			return err
		}
		d := s.onto(typ, author, it, displaced, companyID, deviceID)
		if it.PartnerID != nil {
			d.doc.PartnerID = it.PartnerID // the partner sees where its key went
		}
		return s.place(ctx, d, companyID, deviceID)
	})
	if err != nil {
		return nil, err
	}
	return &Activation{License: row.view(author), Moved: typ == TypeMove}, nil
}

// Activation is what a key typed on a device did: the license, now on the
// device, and whether it came from another of the company's devices (which
// lost it) rather than being put on a device for the first time.
type Activation struct {
	License
	Moved bool `json:"moved"`
}

// activationType decides what typing a key on a device of a company means
// from the license's facts: a document type, or "" when it is already there.
func activationType(it *licenseRow, companyID, deviceID string) (string, error) {
	switch {
	case is(it.CompanyID, companyID) && is(it.DeviceID, deviceID):
		return "", nil
	case is(it.CompanyID, companyID) && it.DeviceID != nil:
		return TypeMove, nil
	case is(it.CompanyID, companyID):
		return TypeActivate, nil
	case it.CompanyID != nil:
		return "", conflict("This key is in use by another company: a used key is not proof of ownership. Ask your partner for a license.")
	case it.Sealed:
		return "", conflict("This license is sealed: its partner must unseal it, or transfer it to your company, first.")
	}
	return TypeActivate, nil
}

// Assign puts a license the caller's company holds, sealed or not, on one of
// its devices: an assign document, or a move when it was on another device
// (which loses it). A license already on the target device stays the
// company's, on no device. Company only.
// Returns EFORBIDDEN for anyone else; ENOTFOUND (field "license_id" or
// "device_id") when the license or the live device is not the company's;
// ECONFLICT when the license is on that device already.
func (s *Service) Assign(ctx context.Context, licenseID, deviceID string) (*Document, error) {
	return s.put(ctx, licenseID, deviceID, false)
}

// Move takes a license of the caller's company off the device it is on and
// puts it on another of the company's devices, as Assign. Company only.
// Returns what Assign returns, and ECONFLICT when the license is on no
// device: assign it instead.
func (s *Service) Move(ctx context.Context, licenseID, deviceID string) (*Document, error) {
	return s.put(ctx, licenseID, deviceID, true)
}

func (s *Service) put(ctx context.Context, licenseID, deviceID string, mustBeOn bool) (*Document, error) {
	company, err := mypos.RequireActor(ctx, mypos.KindCompany)
	if err != nil {
		return nil, err
	}
	if !mypos.ValidID(licenseID) {
		return nil, notFound("license_id", "license")
	}
	if !mypos.ValidID(deviceID) {
		return nil, notFound("device_id", "device")
	}
	var doc *Document
	err = s.inTx(ctx, func(ctx context.Context) error {
		it, displaced, err := s.lockWithDevice(ctx, "id = ?", licenseID, deviceID, func(r *licenseRow) bool { return r.ID == licenseID })
		switch {
		case err != nil:
			return err
		case it == nil || !is(it.CompanyID, company.ID):
			return notFound("license_id", "license")
		case is(it.DeviceID, deviceID):
			return conflict("The license is on this device already.")
		case mustBeOn && it.DeviceID == nil:
			return conflict("The license is on no device: assign it instead of moving it.")
		}
		typ := TypeAssign
		if it.DeviceID != nil {
			typ = TypeMove
		}
		d := s.onto(typ, company, it, displaced, company.ID, deviceID)
		if err := s.place(ctx, d, company.ID, deviceID); err != nil {
			return err
		}
		doc = d.written
		return nil
	})
	return doc, err
}

// onto drafts a license going onto a device of a company, and the license
// it displaces going off it.
func (s *Service) onto(typ string, author mypos.Actor, it, displaced *licenseRow, companyID, deviceID string) *draft {
	d := newDraft(typ, author)
	d.doc.CompanyID, d.doc.DeviceID = ptr(companyID), ptr(deviceID)
	d.add(it, Facts{Sealed: it.Sealed, CompanyID: ptr(companyID), DeviceID: ptr(deviceID)})
	if displaced != nil {
		d.add(displaced, Facts{Sealed: displaced.Sealed, CompanyID: displaced.CompanyID})
	}
	return d
}

// place writes a draft that puts a license on a device and tells the
// devices concerned. The device is checked once the counter is held: a
// device revoked meanwhile — its licenses released under the same counter —
// is seen revoked here, so no license lands on a dead device.
func (s *Service) place(ctx context.Context, d *draft, companyID, deviceID string) error {
	d.check = func(ctx context.Context) error {
		if err := s.devices.CheckOwned(ctx, companyID, []string{deviceID}); err != nil {
			if mypos.ErrorCode(err) == mypos.EINVALID {
				return notFound("device_id", "device")
			}
			return err
		}
		return nil
	}
	if _, err := s.write(ctx, d); err != nil {
		return err
	}
	return s.announce(ctx, d)
}
