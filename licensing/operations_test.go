package licensing_test

import (
	"context"
	"testing"

	"mypos"
	"mypos/account"
	"mypos/licensing"
)

// world is the cast of the operations table: partner p with client c (two
// devices and a revoked one), partner p2 with client c2 (device e1), a
// company with no partner, and licenses in every state.
type world struct {
	*fixture
	p, p2, c, c2, lone                            context.Context
	d1, d2, e1, revoked                           string
	sealedP, sealedP2, unsealedP, atC, onD1, onE1 string
	keyUnsealed, keySealed, keyOnE1               string
}

func newWorld(t *testing.T) *world {
	t.Helper()
	w := &world{fixture: newFixture(t)}
	w.p, w.p2 = w.partner(t), w.partner(t)
	w.c, w.c2, w.lone = w.company(t), w.company(t), w.company(t)
	w.link(t, w.c, w.p)
	w.link(t, w.c2, w.p2)
	w.d1, w.d2, w.e1, w.revoked = w.device(t, w.c), w.device(t, w.c), w.device(t, w.c2), w.device(t, w.c)
	if err := w.devices.Revoke(w.c, w.revoked); err != nil {
		t.Fatal(err)
	}
	w.sealedP, w.sealedP2 = w.sell(t, w.p, 1)[0], w.sell(t, w.p2, 1)[0]
	w.unsealedP, w.keyUnsealed = w.unsealed(t, w.p)
	w.atC = w.atCompany(t, w.p, w.c)
	w.onD1 = w.onDevice(t, w.p, w.c, w.d1)
	w.onE1 = w.onDevice(t, w.p2, w.c2, w.e1)
	w.keySealed, w.keyOnE1 = w.license(t, w.sealedP).Key, w.license(t, w.onE1).Key
	return w
}

// okCase is one operation from given facts by a given caller: the document
// it writes and the facts the license ends with.
type okCase struct {
	name, by, from, typ string
	run                 func(t *testing.T, w *world) (doc *licensing.Document, id string, want licensing.Facts, err error)
}

func ptr(s string) *string { return &s }

var okCases = []okCase{
	{"Sale", "owner", "nothing", licensing.TypeSale, func(t *testing.T, w *world) (*licensing.Document, string, licensing.Facts, error) {
		doc, err := w.lic.Sell(w.owner, idOf(w.p), 3)
		if err == nil && len(doc.LicenseIDs) != 3 {
			t.Fatalf("a sale of 3 answers with %d license IDs", len(doc.LicenseIDs))
		}
		return doc, doc.LicenseIDs[2], licensing.Facts{Sealed: true, PartnerID: ptr(idOf(w.p))}, err
	}},
	{"Transfer", "partner", "sealed at the partner", licensing.TypeTransfer, func(t *testing.T, w *world) (*licensing.Document, string, licensing.Facts, error) {
		id := w.sell(t, w.p, 1)[0]
		doc, err := w.lic.Transfer(w.p, idOf(w.c), []string{id})
		return doc, id, licensing.Facts{Sealed: true, CompanyID: ptr(idOf(w.c))}, err
	}},
	{"Unseal", "partner", "sealed at the partner", licensing.TypeUnseal, func(t *testing.T, w *world) (*licensing.Document, string, licensing.Facts, error) {
		id := w.sell(t, w.p, 1)[0]
		doc, err := w.lic.Unseal(w.p, []string{id}, licensee)
		return doc, id, licensing.Facts{PartnerID: ptr(idOf(w.p))}, err
	}},
	{"AssignSealed", "company", "sealed at the company, no device", licensing.TypeAssign, func(t *testing.T, w *world) (*licensing.Document, string, licensing.Facts, error) {
		id, d := w.atCompany(t, w.p, w.c), w.device(t, w.c)
		doc, err := w.lic.Assign(w.c, id, d)
		return doc, id, licensing.Facts{Sealed: true, CompanyID: ptr(idOf(w.c)), DeviceID: &d}, err
	}},
	{"AssignFromOtherDevice", "company", "on another device of the company", licensing.TypeMove, func(t *testing.T, w *world) (*licensing.Document, string, licensing.Facts, error) {
		d, d2 := w.device(t, w.c), w.device(t, w.c)
		id := w.onDevice(t, w.p, w.c, d)
		doc, err := w.lic.Assign(w.c, id, d2)
		return doc, id, licensing.Facts{Sealed: true, CompanyID: ptr(idOf(w.c)), DeviceID: &d2}, err
	}},
	{"AssignDisplaces", "company", "the target device has a license", licensing.TypeAssign, func(t *testing.T, w *world) (*licensing.Document, string, licensing.Facts, error) {
		d := w.device(t, w.c)
		old, id := w.onDevice(t, w.p, w.c, d), w.atCompany(t, w.p, w.c)
		doc, err := w.lic.Assign(w.c, id, d)
		mustFacts(t, w, old, licensing.Facts{Sealed: true, CompanyID: ptr(idOf(w.c))}) // the company's, on no device
		return doc, id, licensing.Facts{Sealed: true, CompanyID: ptr(idOf(w.c)), DeviceID: &d}, err
	}},
	{"Move", "company", "on a device of the company", licensing.TypeMove, func(t *testing.T, w *world) (*licensing.Document, string, licensing.Facts, error) {
		d, d2 := w.device(t, w.c), w.device(t, w.c)
		id := w.onDevice(t, w.p, w.c, d)
		doc, err := w.lic.Move(w.c, id, d2)
		return doc, id, licensing.Facts{Sealed: true, CompanyID: ptr(idOf(w.c)), DeviceID: &d2}, err
	}},
	{"Release", "company", "on a device of the company", licensing.TypeRelease, func(t *testing.T, w *world) (*licensing.Document, string, licensing.Facts, error) {
		id := w.onDevice(t, w.p, w.c, w.device(t, w.c))
		doc, err := w.lic.Release(w.c, id)
		return doc, id, licensing.Facts{Sealed: true, CompanyID: ptr(idOf(w.c))}, err
	}},
	{"ReleaseDevice", "company", "on the device", licensing.TypeRelease, func(t *testing.T, w *world) (*licensing.Document, string, licensing.Facts, error) {
		d := w.device(t, w.c)
		id := w.onDevice(t, w.p, w.c, d)
		doc, err := w.lic.ReleaseDevice(w.c, d)
		return doc, id, licensing.Facts{Sealed: true, CompanyID: ptr(idOf(w.c))}, err
	}},
	{"ActivateUnsealed", "device", "unsealed at a partner (not the company's)", licensing.TypeActivate, func(t *testing.T, w *world) (*licensing.Document, string, licensing.Facts, error) {
		id, key := w.unsealed(t, w.p2) // any partner's key works on any terminal
		d := w.device(t, w.c)
		_, err := w.lic.Activate(context.Background(), d, idOf(w.c), key)
		doc := lastDocument(t, w, id)
		if doc.PartnerID == nil || *doc.PartnerID != idOf(w.p2) {
			t.Fatalf("the activation does not name the partner whose key it was: %+v", doc)
		}
		return doc, id, licensing.Facts{CompanyID: ptr(idOf(w.c)), DeviceID: &d}, err
	}},
	{"ActivateOwnOnNoDevice", "device", "the company's, on no device", licensing.TypeActivate, func(t *testing.T, w *world) (*licensing.Document, string, licensing.Facts, error) {
		id := w.atCompany(t, w.p, w.c)
		d := w.device(t, w.c)
		_, err := w.lic.Activate(context.Background(), d, idOf(w.c), w.license(t, id).Key)
		return lastDocument(t, w, id), id, licensing.Facts{Sealed: true, CompanyID: ptr(idOf(w.c)), DeviceID: &d}, err
	}},
	{"ActivateOwnOnOtherDevice", "device", "the company's, on another device", licensing.TypeMove, func(t *testing.T, w *world) (*licensing.Document, string, licensing.Facts, error) {
		id, key := w.unsealed(t, w.p)
		d, d2 := w.device(t, w.c), w.device(t, w.c)
		if _, err := w.lic.Activate(context.Background(), d, idOf(w.c), key); err != nil {
			t.Fatal(err)
		}
		_, err := w.lic.Activate(context.Background(), d2, idOf(w.c), key)
		return lastDocument(t, w, id), id, licensing.Facts{CompanyID: ptr(idOf(w.c)), DeviceID: &d2}, err
	}},
	{"ActivateDisplaces", "device", "the device has another license", licensing.TypeActivate, func(t *testing.T, w *world) (*licensing.Document, string, licensing.Facts, error) {
		d := w.device(t, w.c)
		old := w.onDevice(t, w.p, w.c, d)
		id, key := w.unsealed(t, w.p)
		l, err := w.lic.Activate(context.Background(), d, idOf(w.c), key)
		if err == nil && (l.Key != key || l.State != licensing.StateActive) {
			t.Fatalf("the terminal is answered %+v", l)
		}
		mustFacts(t, w, old, licensing.Facts{Sealed: true, CompanyID: ptr(idOf(w.c))})
		return lastDocument(t, w, id), id, licensing.Facts{CompanyID: ptr(idOf(w.c)), DeviceID: &d}, err
	}},
	{"ActivateOnItsDevice", "device", "already on this device", "", func(t *testing.T, w *world) (*licensing.Document, string, licensing.Facts, error) {
		id, key := w.unsealed(t, w.p)
		d := w.device(t, w.c)
		if _, err := w.lic.Activate(context.Background(), d, idOf(w.c), key); err != nil {
			t.Fatal(err)
		}
		before := w.snapshot(t)
		_, err := w.lic.Activate(context.Background(), d, idOf(w.c), key)
		if !before.same(w.snapshot(t)) {
			t.Fatal("typing a key again on its own device wrote something")
		}
		return nil, id, licensing.Facts{CompanyID: ptr(idOf(w.c)), DeviceID: &d}, err
	}},
}

func TestOperations(t *testing.T) {
	w := newWorld(t)
	for _, tc := range okCases {
		t.Run(tc.name, func(t *testing.T) {
			doc, id, want, err := tc.run(t, w)
			if err != nil {
				t.Fatalf("%s by the %s from %s: %v", tc.name, tc.by, tc.from, err)
			}
			if tc.typ != "" && (doc == nil || doc.Type != tc.typ || doc.Number == 0 || doc.Author.Kind != tc.by) {
				t.Fatalf("document %+v, want a numbered %s by the %s", doc, tc.typ, tc.by)
			}
			mustFacts(t, w, id, want)
		})
	}
}

func mustFacts(t *testing.T, w *world, id string, want licensing.Facts) {
	t.Helper()
	l := w.license(t, id)
	got := licensing.Facts{Sealed: l.Sealed, PartnerID: l.PartnerID, CompanyID: l.CompanyID, DeviceID: l.DeviceID}
	if !got.Equal(want) {
		t.Fatalf("license facts %+v, want %+v", l, want)
	}
}

// lastDocument is the newest document in a license's history.
func lastDocument(t *testing.T, w *world, id string) *licensing.Document {
	t.Helper()
	docs, _, err := w.lic.History(w.owner, id, pageAll)
	if err != nil || len(docs) == 0 {
		t.Fatalf("history of %s: %v, %v", id, docs, err)
	}
	return &docs[len(docs)-1]
}

// refusal is an operation that must fail with a code (and a field) and
// write nothing.
type refusal struct {
	name, code, field string
	run               func(w *world) error
}

func typo(key string) string {
	b := []byte(key)
	if b[0] == 'A' {
		b[0] = 'B'
	} else {
		b[0] = 'A'
	}
	return string(b)
}

func swap(key string) string {
	b := []byte(key)
	for i := 0; i+1 < len(b); i++ {
		if b[i] != b[i+1] && b[i] != '-' && b[i+1] != '-' {
			b[i], b[i+1] = b[i+1], b[i]
			return string(b)
		}
	}
	panic("no pair to swap")
}

var refusals = []refusal{
	{"SaleByPartner", mypos.EFORBIDDEN, "", func(w *world) error { _, err := w.lic.Sell(w.p, idOf(w.p), 1); return err }},
	{"SaleByCompany", mypos.EFORBIDDEN, "", func(w *world) error { _, err := w.lic.Sell(w.c, idOf(w.p), 1); return err }},
	{"SaleAnonymous", mypos.EUNAUTHORIZED, "", func(w *world) error { _, err := w.lic.Sell(context.Background(), idOf(w.p), 1); return err }},
	{"SaleOfNone", mypos.EINVALID, "count", func(w *world) error { _, err := w.lic.Sell(w.owner, idOf(w.p), 0); return err }},
	{"SaleTooBig", mypos.EINVALID, "count", func(w *world) error { _, err := w.lic.Sell(w.owner, idOf(w.p), licensing.MaxSale+1); return err }},
	{"SaleToNobody", mypos.ENOTFOUND, "partner_id", func(w *world) error { _, err := w.lic.Sell(w.owner, mypos.NewID(), 1); return err }},
	{"SaleToCompany", mypos.ENOTFOUND, "partner_id", func(w *world) error { _, err := w.lic.Sell(w.owner, idOf(w.c), 1); return err }},
	{"SaleToPendingPartner", mypos.ENOTFOUND, "partner_id", func(w *world) error {
		p, err := w.accounts.Register(context.Background(), account.Registration{Kind: mypos.KindPartner, Name: "Новый", INN: innFirm, Email: w.email("pending"), Password: "partner-pass"})
		if err != nil {
			return err
		}
		_, err = w.lic.Sell(w.owner, p.ID, 1)
		return err
	}},

	{"TransferByOwner", mypos.EFORBIDDEN, "", func(w *world) error { _, err := w.lic.Transfer(w.owner, idOf(w.c), []string{w.sealedP}); return err }},
	{"TransferByCompany", mypos.EFORBIDDEN, "", func(w *world) error { _, err := w.lic.Transfer(w.c, idOf(w.c), []string{w.sealedP}); return err }},
	{"TransferNotLinked", mypos.ECONFLICT, "company_id", func(w *world) error { _, err := w.lic.Transfer(w.p, idOf(w.lone), []string{w.sealedP}); return err }},
	{"TransferToOthersClient", mypos.ECONFLICT, "company_id", func(w *world) error { _, err := w.lic.Transfer(w.p, idOf(w.c2), []string{w.sealedP}); return err }},
	{"TransferOthersLicense", mypos.ENOTFOUND, "license_ids", func(w *world) error { _, err := w.lic.Transfer(w.p, idOf(w.c), []string{w.sealedP2}); return err }},
	{"TransferOneOfTwoBad", mypos.ENOTFOUND, "license_ids", func(w *world) error {
		_, err := w.lic.Transfer(w.p, idOf(w.c), []string{w.sealedP, w.sealedP2})
		return err
	}},
	{"TransferUnsealed", mypos.ECONFLICT, "", func(w *world) error { _, err := w.lic.Transfer(w.p, idOf(w.c), []string{w.unsealedP}); return err }},
	{"TransferCompanyHeld", mypos.ENOTFOUND, "license_ids", func(w *world) error { _, err := w.lic.Transfer(w.p, idOf(w.c), []string{w.atC}); return err }},
	{"TransferNone", mypos.EINVALID, "license_ids", func(w *world) error { _, err := w.lic.Transfer(w.p, idOf(w.c), nil); return err }},
	{"TransferTwice", mypos.EINVALID, "license_ids", func(w *world) error {
		_, err := w.lic.Transfer(w.p, idOf(w.c), []string{w.sealedP, w.sealedP})
		return err
	}},

	{"UnsealByCompany", mypos.EFORBIDDEN, "", func(w *world) error { _, err := w.lic.Unseal(w.c, []string{w.atC}, licensee); return err }},
	{"UnsealByOwner", mypos.EFORBIDDEN, "", func(w *world) error { _, err := w.lic.Unseal(w.owner, []string{w.sealedP}, licensee); return err }},
	{"UnsealBadINNChecksum", mypos.EINVALID, "licensee.inn", func(w *world) error {
		_, err := w.lic.Unseal(w.p, []string{w.sealedP}, licensing.Licensee{Name: "ООО", INN: "7707083894", Email: "a@b.test"})
		return err
	}},
	{"UnsealBadINNLength", mypos.EINVALID, "licensee.inn", func(w *world) error {
		_, err := w.lic.Unseal(w.p, []string{w.sealedP}, licensing.Licensee{Name: "ООО", INN: "12345", Email: "a@b.test"})
		return err
	}},
	{"UnsealBadEmail", mypos.EINVALID, "licensee.email", func(w *world) error {
		_, err := w.lic.Unseal(w.p, []string{w.sealedP}, licensing.Licensee{Name: "ООО", INN: innFirm, Email: "nobody"})
		return err
	}},
	{"UnsealNoName", mypos.EINVALID, "licensee.name", func(w *world) error {
		_, err := w.lic.Unseal(w.p, []string{w.sealedP}, licensing.Licensee{Name: " ", INN: innFirm, Email: "a@b.test"})
		return err
	}},
	{"UnsealOthersLicense", mypos.ENOTFOUND, "license_ids", func(w *world) error { _, err := w.lic.Unseal(w.p, []string{w.sealedP2}, licensee); return err }},
	{"UnsealAgain", mypos.ECONFLICT, "", func(w *world) error { _, err := w.lic.Unseal(w.p, []string{w.unsealedP}, licensee); return err }},

	{"AssignByPartner", mypos.EFORBIDDEN, "", func(w *world) error { _, err := w.lic.Assign(w.p, w.atC, w.d2); return err }},
	{"AssignByOwner", mypos.EFORBIDDEN, "", func(w *world) error { _, err := w.lic.Assign(w.owner, w.atC, w.d2); return err }},
	{"AssignOthersLicense", mypos.ENOTFOUND, "license_id", func(w *world) error { _, err := w.lic.Assign(w.c, w.onE1, w.d2); return err }},
	{"AssignPartnersLicense", mypos.ENOTFOUND, "license_id", func(w *world) error { _, err := w.lic.Assign(w.c, w.unsealedP, w.d2); return err }},
	{"AssignToOthersDevice", mypos.ENOTFOUND, "device_id", func(w *world) error { _, err := w.lic.Assign(w.c, w.atC, w.e1); return err }},
	{"AssignToRevokedDevice", mypos.ENOTFOUND, "device_id", func(w *world) error { _, err := w.lic.Assign(w.c, w.atC, w.revoked); return err }},
	{"AssignToItsDevice", mypos.ECONFLICT, "", func(w *world) error { _, err := w.lic.Assign(w.c, w.onD1, w.d1); return err }},
	{"AssignMalformedID", mypos.ENOTFOUND, "license_id", func(w *world) error { _, err := w.lic.Assign(w.c, "42", w.d1); return err }},

	{"MoveByPartner", mypos.EFORBIDDEN, "", func(w *world) error { _, err := w.lic.Move(w.p, w.onD1, w.d2); return err }},
	{"MoveFromNoDevice", mypos.ECONFLICT, "", func(w *world) error { _, err := w.lic.Move(w.c, w.atC, w.d2); return err }},
	{"MoveToOthersDevice", mypos.ENOTFOUND, "device_id", func(w *world) error { _, err := w.lic.Move(w.c, w.onD1, w.e1); return err }},
	{"MoveOthersLicense", mypos.ENOTFOUND, "license_id", func(w *world) error { _, err := w.lic.Move(w.c, w.onE1, w.d2); return err }},

	{"ReleaseByPartner", mypos.EFORBIDDEN, "", func(w *world) error { _, err := w.lic.Release(w.p, w.onD1); return err }},
	{"ReleaseOthers", mypos.ENOTFOUND, "license_id", func(w *world) error { _, err := w.lic.Release(w.c, w.onE1); return err }},
	{"ReleaseFromNoDevice", mypos.ECONFLICT, "", func(w *world) error { _, err := w.lic.Release(w.c, w.atC); return err }},
	{"ReleaseOthersDevice", mypos.ENOTFOUND, "", func(w *world) error { _, err := w.lic.ReleaseDevice(w.c, w.e1); return err }},
	{"ReleaseDeviceByPartner", mypos.EFORBIDDEN, "", func(w *world) error { _, err := w.lic.ReleaseDevice(w.p, w.d1); return err }},
	{"ReleaseDeviceWithout", mypos.ENOTFOUND, "", func(w *world) error { _, err := w.lic.ReleaseDevice(w.c, w.d2); return err }},

	{"ActivateTypo", mypos.EINVALID, "key", func(w *world) error { return activate(w, w.d2, w.c, typo(w.keyUnsealed)) }},
	{"ActivateSwapped", mypos.EINVALID, "key", func(w *world) error { return activate(w, w.d2, w.c, swap(w.keyUnsealed)) }},
	{"ActivateShort", mypos.EINVALID, "key", func(w *world) error { return activate(w, w.d2, w.c, w.keyUnsealed[:20]) }},
	{"ActivateUnknownKey", mypos.ENOTFOUND, "key", func(w *world) error {
		_, key := licensing.NewKey()
		return activate(w, w.d2, w.c, key)
	}},
	{"ActivateOthersKey", mypos.ECONFLICT, "", func(w *world) error { return activate(w, w.d2, w.c, w.keyOnE1) }},
	{"ActivateSealedAtPartner", mypos.ECONFLICT, "", func(w *world) error { return activate(w, w.d2, w.c, w.keySealed) }},
	{"ActivateOnOthersDevice", mypos.ENOTFOUND, "device_id", func(w *world) error { return activate(w, w.e1, w.c, w.keyUnsealed) }},
	{"ActivateOnRevokedDevice", mypos.ENOTFOUND, "device_id", func(w *world) error { return activate(w, w.revoked, w.c, w.keyUnsealed) }},
	{"ActivateMalformedDevice", mypos.ENOTFOUND, "device_id", func(w *world) error { return activate(w, "till-1", w.c, w.keyUnsealed) }},
}

func activate(w *world, deviceID string, company context.Context, key string) error {
	_, err := w.lic.Activate(context.Background(), deviceID, idOf(company), key)
	return err
}

func TestOperationRefusals(t *testing.T) {
	w := newWorld(t)
	for _, tc := range refusals {
		t.Run("Err"+tc.name, func(t *testing.T) {
			before := w.snapshot(t)
			err := tc.run(w)
			wantCode(t, err, tc.code)
			if got := mypos.ErrorField(err); got != tc.field {
				t.Fatalf("field %q, want %q (%v)", got, tc.field, err)
			}
			if after := w.snapshot(t); !before.same(after) {
				t.Fatalf("a refused operation wrote: %+v → %+v", before, after)
			}
		})
	}
}
