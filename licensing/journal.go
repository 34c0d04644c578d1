package licensing

import (
	"context"

	"mypos"
)

// JournalFilter asks for a page of the journal: documents as
// DocumentFilter asks, and, when Party is set, only those naming that
// partner or company.
type JournalFilter struct {
	DocumentFilter
	Party string
}

// DocumentHead is a document without its lines, and how many lines
// (licenses) it has: a row of a journal, which must not load the thousand
// lines of a big sale to show one number.
type DocumentHead struct {
	Document
	Licenses int64 `json:"licenses"`
}

// Journal returns a page of the documents the caller is party to (as
// Documents), newest first, each with its count of licenses: one query for
// the page, one grouped query for the counts. Owner, partner or company.
// Returns EFORBIDDEN for anyone else, EINVALID as Documents does.
func (s *Service) Journal(ctx context.Context, f JournalFilter) ([]DocumentHead, string, error) {
	actor, err := mypos.RequireActor(ctx, mypos.KindOwner, mypos.KindPartner, mypos.KindCompany)
	if err != nil {
		return nil, "", err
	}
	q, err := filter(s.documentsOf(ctx, actor), f.DocumentFilter)
	if err != nil {
		return nil, "", err
	}
	if f.Party != "" {
		if !mypos.ValidID(f.Party) {
			return []DocumentHead{}, "", nil
		}
		q = q.Where("(partner_id = ? OR company_id = ?)", f.Party, f.Party)
	}
	rows, next, err := byNumber(q, f.ListParams, true)
	if err != nil || len(rows) == 0 {
		return []DocumentHead{}, next, err
	}
	counts, err := s.lineCounts(ctx, rows)
	if err != nil {
		return nil, "", err
	}
	out := make([]DocumentHead, len(rows))
	for i := range rows {
		out[i] = DocumentHead{Document: rows[i].document(nil), Licenses: counts[rows[i].ID]}
	}
	return out, next, nil
}

// lineCounts counts the lines of each document, in one grouped query.
func (s *Service) lineCounts(ctx context.Context, rows []documentRow) (map[string]int64, error) {
	ids := make([]string, len(rows))
	for i := range rows {
		ids[i] = rows[i].ID
	}
	var counts []struct {
		DocumentID string
		N          int64
	}
	err := s.db.Conn(ctx).Model(&lineRow{}).Select("document_id, COUNT(*) AS n").
		Where("document_id IN ?", ids).Group("document_id").Scan(&counts).Error
	out := make(map[string]int64, len(counts))
	for _, c := range counts {
		out[c.DocumentID] = c.N
	}
	return out, err
}
