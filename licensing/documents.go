package licensing

import (
	"context"
	"time"

	"gorm.io/gorm"

	"mypos"
	"mypos/db"
)

// DocumentFilter asks for a page of documents: of one type or any, created
// on or after From and before To (either may be zero).
type DocumentFilter struct {
	db.ListParams
	Type     string
	From, To time.Time
}

var types = map[string]bool{
	TypeSale: true, TypeTransfer: true, TypeUnseal: true, TypeAssign: true,
	TypeActivate: true, TypeMove: true, TypeRelease: true,
}

// Documents returns a page of the caller's documents in number order: the
// owner sees all; a partner those it is party to (a sale to it, its
// transfers and unseals, the activation of a key it held); a company those
// it is party to. Owner, partner or company.
// Returns EFORBIDDEN for anyone else, EINVALID for an unknown type (field
// "type"), a From after To (field "from") or bad list parameters.
func (s *Service) Documents(ctx context.Context, f DocumentFilter) ([]Document, string, error) {
	actor, err := mypos.RequireActor(ctx, mypos.KindOwner, mypos.KindPartner, mypos.KindCompany)
	if err != nil {
		return nil, "", err
	}
	q, err := filter(s.documentsOf(ctx, actor), f)
	if err != nil {
		return nil, "", err
	}
	return s.page(ctx, q, f.ListParams, "")
}

// documentsOf narrows the documents to those the actor is party to: the
// owner all, a partner or a company those naming it.
func (s *Service) documentsOf(ctx context.Context, actor mypos.Actor) *gorm.DB {
	q := s.db.Conn(ctx).Model(&documentRow{})
	switch actor.Kind {
	case mypos.KindPartner:
		return q.Where("partner_id = ?", actor.ID)
	case mypos.KindCompany:
		return q.Where("company_id = ?", actor.CompanyID)
	}
	return q
}

func filter(q *gorm.DB, f DocumentFilter) (*gorm.DB, error) {
	if f.Type != "" && !types[f.Type] {
		return nil, mypos.Invalid("type", "No document type %q.", f.Type)
	}
	if !f.From.IsZero() && !f.To.IsZero() && f.From.After(f.To) {
		return nil, mypos.Invalid("from", "The period starts after it ends.")
	}
	if f.Type != "" {
		q = q.Where("type = ?", f.Type)
	}
	if !f.From.IsZero() {
		q = q.Where("created_at >= ?", f.From.UTC())
	}
	if !f.To.IsZero() {
		q = q.Where("created_at < ?", f.To.UTC())
	}
	return q, nil
}

// History returns a page of the documents of one license in number order,
// each with the license's own line only. Whoever may open the license (as
// Get) may read its history: the owner, its holder, the partner of the
// company that holds it. Owner, partner or company.
// Returns EFORBIDDEN for anyone else, ENOTFOUND when the caller may not open
// the license, EINVALID for bad list parameters.
func (s *Service) History(ctx context.Context, licenseID string, p db.ListParams) ([]Document, string, error) {
	actor, err := mypos.RequireActor(ctx, mypos.KindOwner, mypos.KindPartner, mypos.KindCompany)
	if err != nil {
		return nil, "", err
	}
	if _, err := s.find(ctx, actor, licenseID); err != nil {
		return nil, "", err
	}
	q := s.db.Conn(ctx).Model(&documentRow{}).
		Where("id IN (SELECT document_id FROM license_document_lines WHERE license_id = ?)", licenseID)
	return s.page(ctx, q, p, licenseID)
}

// page loads a page of documents in number order, with their lines — all
// of them, or only one license's.
func (s *Service) page(ctx context.Context, q *gorm.DB, p db.ListParams, licenseID string) ([]Document, string, error) {
	rows, next, err := byNumber(q, p, false)
	if err != nil || len(rows) == 0 {
		return []Document{}, next, err
	}
	ids := make([]string, len(rows))
	for i := range rows {
		ids[i] = rows[i].ID
	}
	lq := s.db.Conn(ctx).Where("document_id IN ?", ids)
	if licenseID != "" {
		lq = lq.Where("license_id = ?", licenseID)
	}
	var lines []lineRow
	if err := lq.Order("document_id, line").Find(&lines).Error; err != nil {
		return nil, "", err
	}
	byDoc := make(map[string][]lineRow, len(rows))
	for _, l := range lines {
		byDoc[l.DocumentID] = append(byDoc[l.DocumentID], l)
	}
	out := make([]Document, len(rows))
	for i := range rows {
		out[i] = rows[i].document(byDoc[rows[i].ID])
	}
	return out, next, nil
}

// byNumber is db.Paginate in number order, or newest first: the cursor is
// the ID of the last document of the previous page, and the next page
// starts past its number. (IDs are drawn before a document is numbered, so
// under concurrent writers their order may differ from the numbers'.)
func byNumber(q *gorm.DB, p db.ListParams, newest bool) ([]documentRow, string, error) {
	if err := p.Validate(); err != nil {
		return nil, "", err
	}
	limit := p.Limit
	if limit == 0 {
		limit = db.DefaultLimit
	}
	past, order := ">", "number"
	if newest {
		past, order = "<", "number DESC"
	}
	if p.Cursor != "" {
		q = q.Where("number "+past+" (SELECT number FROM license_documents WHERE id = ?)", p.Cursor)
	}
	var rows []documentRow
	if err := q.Order(order).Limit(limit + 1).Find(&rows).Error; err != nil {
		return nil, "", err
	}
	if len(rows) <= limit {
		return rows, "", nil
	}
	rows = rows[:limit]
	return rows, rows[limit-1].ID, nil
}
