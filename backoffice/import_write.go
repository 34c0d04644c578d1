package backoffice

import (
	"context"
	"slices"
	"sort"
	"strings"

	"gorm.io/gorm/clause"

	"mypos"
	"mypos/changelog"
	"mypos/db"
)

// lockByCode loads the company's live goods that have the file's codes,
// with their barcodes, locked for update in code order (one order for
// every import, so two never wait in a circle).
func (s *Service) lockByCode(ctx context.Context, companyID string, rows []importRow) (map[string]*Goods, error) {
	codes := make([]string, len(rows))
	for i, r := range rows {
		codes[i] = r.code
	}
	slices.Sort(codes)
	out := make(map[string]*Goods, len(codes))
	for start := 0; start < len(codes); start += batch {
		var gs []Goods
		err := s.db.Conn(ctx).Clauses(clause.Locking{Strength: clause.LockingStrengthUpdate}).
			Where("company_id = ? AND deleted_at IS NULL AND code IN ?", companyID, codes[start:min(start+batch, len(codes))]).
			Order("code").Find(&gs).Error
		if err != nil {
			return nil, err
		}
		if err := s.loadBarcodes(ctx, gs); err != nil {
			return nil, err
		}
		for i := range gs {
			out[gs[i].Code] = &gs[i]
		}
	}
	return out, nil
}

// checkImportBarcodes refuses, row by row, a barcode of the file that a
// goods outside the file has. A barcode moving between two goods of the
// file is fine: the file is the new truth for both.
func (s *Service) checkImportBarcodes(ctx context.Context, companyID string, rows []importRow) error {
	rowOf := map[string]int{}
	inFile := make(map[string]bool, len(rows))
	var all []string
	for _, r := range rows {
		inFile[r.code] = true
		for _, b := range r.barcodes {
			rowOf[b] = r.row
			all = append(all, b)
		}
	}
	hs, err := s.holders(ctx, companyID, all)
	if err != nil {
		return err
	}
	sort.Slice(hs, func(i, j int) bool { return rowOf[hs[i].Barcode] < rowOf[hs[j].Barcode] })
	bad := &ImportError{}
	for _, h := range hs {
		if !inFile[h.Code] {
			bad.add(rowOf[h.Barcode], "barcode", errInvalid("The barcode %s is already on the goods with code %s.", h.Barcode, quote(h.Code)))
		}
	}
	return bad.orNil()
}

// importPlan is what an import writes.
type importPlan struct {
	companyID string
	res       ImportResult
	groups    int               // groups created
	changes   []changelog.Entry // the groups' changes, then the goods'
	upserts   []Goods           // created and changed goods
	rebarcode []string          // existing goods whose barcodes are replaced
	barcodes  []goodsBarcode    // barcodes to insert
	named     []Goods           // created and renamed goods: their names' suffixes to index
	renamed   []string          // existing goods whose suffixes are replaced
}

// planImport compares each row with its goods, if any, and counts.
func (s *Service) planImport(p *importPlan, rows []importRow, groups map[string]string, existing map[string]*Goods) {
	now := s.now()
	p.upserts = make([]Goods, 0, len(rows))
	p.changes = slices.Grow(p.changes, len(rows))
	for _, r := range rows {
		g := Goods{CompanyID: p.companyID, Code: r.code, Name: r.name, NameKey: searchKey(r.name), Price: r.price,
			Unit: r.unit, VAT: r.vat, Barcodes: r.barcodes, Active: true, CreatedAt: now, UpdatedAt: now}
		if r.group != nil {
			id := groups[strings.Join(r.group, pathSep)]
			g.GroupID = &id
		}
		old := existing[r.code]
		switch {
		case old == nil:
			g.ID = mypos.NewID()
			p.res.Created++
		case sameGoodsBut(old, &g):
			p.res.Unchanged++
			continue
		default:
			g.ID, g.CreatedAt, g.Active = old.ID, old.CreatedAt, old.Active
			p.res.Updated++
		}
		if old == nil || !slices.Equal(old.Barcodes, g.Barcodes) {
			if old != nil {
				p.rebarcode = append(p.rebarcode, g.ID)
			}
			for _, b := range g.Barcodes {
				p.barcodes = append(p.barcodes, goodsBarcode{CompanyID: p.companyID, Barcode: b, GoodsID: g.ID})
			}
		}
		p.upserts = append(p.upserts, g)
		if old == nil || old.NameKey != g.NameKey {
			p.named = append(p.named, g)
			if old != nil {
				p.renamed = append(p.renamed, g.ID)
			}
		}
	}
}

// sameGoodsBut reports whether a row changes nothing of old; a file has
// no "active" column, so an import keeps a goods' active flag.
func sameGoodsBut(old, g *Goods) bool {
	withFlag := *g
	withFlag.Active = old.Active
	return sameGoods(old, &withFlag)
}

// writeImport writes the plan in batches and appends every change.
func (s *Service) writeImport(ctx context.Context, p *importPlan) error {
	err := s.db.InsertRows(ctx, `INSERT INTO goods (id, company_id, code, name, name_key, price, unit, vat, group_id,
		active, created_at, updated_at)`, `ON CONFLICT (id) DO UPDATE SET name = excluded.name, name_key = excluded.name_key,
		price = excluded.price, unit = excluded.unit, vat = excluded.vat, group_id = excluded.group_id,
		updated_at = excluded.updated_at`, 12, len(p.upserts), func(i int, v []any) []any {
		g := &p.upserts[i]
		return append(v, g.ID, g.CompanyID, g.Code, g.Name, g.NameKey, g.Price, g.Unit, g.VAT, g.GroupID, g.Active, g.CreatedAt, g.UpdatedAt)
	})
	if db.IsDuplicate(err) { // only a concurrent writer can, after lockByCode
		return mypos.Errorf(mypos.ECONFLICT, "Goods with a code of this file were just created by someone else: import again.")
	} else if err != nil {
		return err
	}
	for start := 0; start < len(p.rebarcode); start += batch {
		err := s.db.Conn(ctx).Where("goods_id IN ?", p.rebarcode[start:min(start+batch, len(p.rebarcode))]).Delete(&goodsBarcode{}).Error
		if err != nil {
			return err
		}
	}
	err = s.db.InsertRows(ctx, "INSERT INTO goods_barcodes (company_id, barcode, goods_id)", "", 3, len(p.barcodes), func(i int, v []any) []any {
		b := &p.barcodes[i]
		return append(v, b.CompanyID, b.Barcode, b.GoodsID)
	})
	if err := barcodeConflict(err); err != nil {
		return err
	}
	if err := writeGrams(ctx, s.db, p.named, p.renamed); err != nil {
		return err
	}
	for i := range p.upserts {
		p.changes = append(p.changes, goodsEntry(&p.upserts[i]))
	}
	if len(p.changes) == 0 {
		return nil
	}
	_, err = s.changes.AppendMany(ctx, p.companyID, p.changes)
	return err
}
