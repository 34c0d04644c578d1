package licensing

import "mypos"

// rule checks one line of a document against what its type allows, from
// the document alone — written apart from the operations on purpose, so a
// replay checks them rather than repeats them. It returns what is wrong,
// or "".
func rule(doc *Document, l Line) string {
	if problem := authorRule(doc); problem != "" {
		return problem
	}
	if (l.From == nil) != (doc.Type == TypeSale) {
		return "breaks the rule: a sale creates licenses, every other document changes existing ones"
	}
	switch doc.Type {
	case TypeSale:
		return expect(l.To.Equal(Facts{Sealed: true, PartnerID: doc.PartnerID}) && doc.PartnerID != nil,
			"a sale creates a sealed license held by the partner it names")
	case TypeTransfer:
		return expect(l.From.Equal(Facts{Sealed: true, PartnerID: doc.PartnerID}) &&
			l.To.Equal(Facts{Sealed: true, CompanyID: doc.CompanyID}) && doc.CompanyID != nil,
			"a transfer passes a sealed license of its partner, on no device, to the company it names")
	case TypeUnseal:
		return expect(l.From.Equal(Facts{Sealed: true, PartnerID: doc.PartnerID}) &&
			l.To.Equal(Facts{PartnerID: doc.PartnerID}) && doc.Licensee != nil,
			"an unseal opens a sealed license of its partner to the licensee it names")
	case TypeRelease:
		return expect(off(doc, l), "a release takes a license of its company off the device it names")
	case TypeAssign, TypeActivate, TypeMove:
		return ontoRule(doc, l)
	}
	return "unknown document type " + doc.Type
}

// ontoRule checks a line of a document that puts a license on a device:
// the first line is the license going on, any other the one it displaced.
func ontoRule(doc *Document, l Line) string {
	if l.LicenseID != doc.Lines[0].LicenseID {
		return expect(off(doc, l), "a license this document displaces only leaves the device")
	}
	if doc.CompanyID == nil || doc.DeviceID == nil ||
		!l.To.Equal(Facts{Sealed: l.From.Sealed, CompanyID: doc.CompanyID, DeviceID: doc.DeviceID}) {
		return "the license goes onto the device the document names, as its company's"
	}
	own := same(l.From.CompanyID, doc.CompanyID)
	switch doc.Type {
	case TypeAssign:
		return expect(own && l.From.DeviceID == nil, "an assign takes a license of the company on no device")
	case TypeMove:
		return expect(own && l.From.DeviceID != nil && !same(l.From.DeviceID, doc.DeviceID),
			"a move takes a license of the company off another of its devices")
	}
	fromPartner := l.From.PartnerID != nil && !l.From.Sealed && same(l.From.PartnerID, doc.PartnerID)
	return expect(own && l.From.DeviceID == nil || fromPartner,
		"an activation takes an unsealed key of the partner it names, or a key of the company on no device")
}

// off reports whether a line takes a license of the document's company off
// the document's device and changes nothing else.
func off(doc *Document, l Line) bool {
	return l.From != nil && doc.DeviceID != nil && same(l.From.DeviceID, doc.DeviceID) &&
		same(l.From.CompanyID, doc.CompanyID) &&
		l.To.Equal(Facts{Sealed: l.From.Sealed, CompanyID: l.From.CompanyID})
}

// authorRule checks who may have issued a document of its type.
func authorRule(doc *Document) string {
	a := doc.Author
	ok := false
	switch doc.Type {
	case TypeSale:
		ok = a.Kind == mypos.KindOwner
	case TypeTransfer, TypeUnseal:
		ok = a.Kind == mypos.KindPartner && same(&a.ID, doc.PartnerID)
	case TypeAssign, TypeRelease:
		ok = a.Kind == mypos.KindCompany && same(&a.ID, doc.CompanyID)
	case TypeActivate:
		ok = a.Kind == mypos.KindDevice && same(&a.ID, doc.DeviceID)
	case TypeMove:
		ok = a.Kind == mypos.KindCompany && same(&a.ID, doc.CompanyID) || a.Kind == mypos.KindDevice && same(&a.ID, doc.DeviceID)
	}
	return expect(ok, "a "+a.Kind+" may not issue a "+doc.Type+" document")
}

func expect(ok bool, rule string) string {
	if ok {
		return ""
	}
	return "breaks the rule: " + rule
}
