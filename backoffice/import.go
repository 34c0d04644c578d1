package backoffice

import (
	"context"
	"io"
)

// ImportResult counts what an import did. A row that changes nothing of
// its goods is Unchanged and costs no revision: importing the same file
// twice tells the devices nothing the second time.
type ImportResult struct {
	Rows          int `json:"rows"`
	Created       int `json:"created"`
	Updated       int `json:"updated"`
	Unchanged     int `json:"unchanged"`
	GroupsCreated int `json:"groups_created"`
}

// ImportGoods loads a catalog from a CSV file (the format is described at
// importColumns) in one transaction: every row creates or updates the live
// goods with its code, groups named in it are created, and each change is
// appended for the devices. Either every row is imported or none. Company only.
// Returns EUNAUTHORIZED, EFORBIDDEN for another kind; an *ImportError
// (code EINVALID) listing each bad row — a bad field, a code or barcode
// repeated in the file, a barcode another goods of the company has — with
// nothing written; ECONFLICT when a concurrent writer took a code or barcode.
func (s *Service) ImportGoods(ctx context.Context, r io.Reader) (*ImportResult, error) {
	companyID, err := companyOf(ctx)
	if err != nil {
		return nil, err
	}
	rows, bad := parseImport(r)
	if err := bad.orNil(); err != nil {
		return nil, err
	}
	var res *ImportResult
	err = s.db.InTx(ctx, func(ctx context.Context) error {
		res, err = s.importRows(ctx, companyID, rows)
		return err
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

// importRows writes valid rows in the transaction of ctx.
func (s *Service) importRows(ctx context.Context, companyID string, rows []importRow) (*ImportResult, error) {
	p := &importPlan{companyID: companyID, res: ImportResult{Rows: len(rows)}}
	groups, err := s.importGroups(ctx, companyID, rows, p)
	if err != nil {
		return nil, err
	}
	existing, err := s.lockByCode(ctx, companyID, rows)
	if err != nil {
		return nil, err
	}
	if err := s.checkImportBarcodes(ctx, companyID, rows); err != nil {
		return nil, err
	}
	s.planImport(p, rows, groups, existing)
	if err := s.writeImport(ctx, p); err != nil {
		return nil, err
	}
	p.res.GroupsCreated = p.groups
	return &p.res, nil
}
