package licensing

import (
	"context"

	"mypos"
	"mypos/db"
)

// DocumentDetail is one document with all its lines and the keys of its
// licenses, as the reader may see them now.
type DocumentDetail struct {
	Document
	// Keys are the licenses' keys by license ID, where the reader may
	// read them: the owner every key, a holder its unsealed ones (as
	// License.Key). A key the reader may not read is absent.
	Keys map[string]string `json:"keys"`
	// Open are the licenses the reader may open now (as Get): a partner's
	// sold on to a company that is its client no more, or unsealed and
	// typed on a stranger's till, are absent.
	Open map[string]bool `json:"open"`
}

// GetDocument returns a document with its lines: the owner any; a partner
// or a company one it is party to (as Documents). Owner, partner or
// company.
// Returns EFORBIDDEN for anyone else, ENOTFOUND when there is no such
// document or the caller is not party to it.
func (s *Service) GetDocument(ctx context.Context, id string) (*DocumentDetail, error) {
	actor, err := mypos.RequireActor(ctx, mypos.KindOwner, mypos.KindPartner, mypos.KindCompany)
	if err != nil {
		return nil, err
	}
	if !mypos.ValidID(id) {
		return nil, notFound("", "document")
	}
	var row documentRow
	if err := s.documentsOf(ctx, actor).Where("id = ?", id).Take(&row).Error; err != nil {
		return nil, db.NotFound(err, "No such document.")
	}
	var lines []lineRow
	if err := s.db.Conn(ctx).Where("document_id = ?", id).Order("line").Find(&lines).Error; err != nil {
		return nil, err
	}
	d := &DocumentDetail{Document: row.document(lines), Keys: map[string]string{}, Open: map[string]bool{}}
	var licenses []licenseRow
	if err := s.db.Conn(ctx).Where("id IN (SELECT license_id FROM license_document_lines WHERE document_id = ?)", id).
		Find(&licenses).Error; err != nil {
		return nil, err
	}
	opens, err := s.opener(ctx, actor)
	if err != nil {
		return nil, err
	}
	for i := range licenses {
		d.Open[licenses[i].ID] = opens(&licenses[i])
		if key := licenses[i].view(actor).Key; key != "" {
			d.Keys[licenses[i].ID] = key
		}
	}
	return d, nil
}

// State is the state a license with these facts is in: sealed, unsealed
// or active.
func (f Facts) State() string { return state(f) }
