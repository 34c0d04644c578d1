package backoffice

import (
	"context"
	"slices"
	"strings"
	"unicode"

	"gorm.io/gorm"

	"mypos/db"
)

// A name search ("contains, any case") over 100,000 goods cannot scan
// every name: SQLite, pure Go here, spends 300 ms on it. goods_grams holds
// every suffix of each live goods' name_key that starts at a character
// other than a space, cut to gramRunes characters, as bytes (so both
// databases compare them byte by byte): a name contains q exactly when
// some suffix starts with q. A search reads the suffixes starting with
// q's first gramRunes characters — an index range — as candidates, and
// LIKE keeps those whose whole name contains q. When many goods match,
// the candidates are no help: scanning the goods in ID order finds a page
// of matches within a few thousand rows, so the search does that instead.

// gramRunes bounds a stored suffix: longer queries are narrowed by their
// first gramRunes characters, then checked whole.
const gramRunes = 12

// denseGrams is where a search stops counting candidates and scans: with
// that many matches a page of 50 is found within a few thousand rows.
const denseGrams = 2000

// goodsGram is one suffix of a goods' name.
type goodsGram struct {
	CompanyID string `gorm:"column:company_id"`
	Gram      []byte `gorm:"column:gram"`
	GoodsID   string `gorm:"column:goods_id"`
}

func (goodsGram) TableName() string { return "goods_grams" }

// gramsOf lists the suffixes of a name_key, each once.
func gramsOf(key string) [][]byte {
	var out [][]byte
	seen := map[string]bool{}
	for i, r := range key {
		if unicode.IsSpace(r) {
			continue
		}
		g := cutRunes(key[i:], gramRunes)
		if !seen[g] {
			seen[g] = true
			out = append(out, []byte(g))
		}
	}
	return out
}

// cutRunes is s's first n characters.
func cutRunes(s string, n int) string {
	for i := range s {
		if n == 0 {
			return s[:i]
		}
		n--
	}
	return s
}

// gramRange is the byte range of the suffixes that start with the query's
// first gramRunes characters: UTF-8 never holds 0xFF, so key+0xFF is above
// every suffix that starts with key.
func gramRange(key string) ([]byte, []byte) {
	lo := []byte(cutRunes(key, gramRunes))
	return lo, append(slices.Clone(lo), 0xFF)
}

// writeGrams indexes the suffixes of the goods' names, after dropping
// those of the goods in replace (renamed ones), in batches: an import
// writes 100,000 goods at once.
func writeGrams(ctx context.Context, d *db.DB, gs []Goods, replace []string) error {
	for start := 0; start < len(replace); start += batch {
		if err := d.Conn(ctx).Where("goods_id IN ?", replace[start:min(start+batch, len(replace))]).Delete(&goodsGram{}).Error; err != nil {
			return err
		}
	}
	var rows []goodsGram
	for i := range gs {
		for _, g := range gramsOf(gs[i].NameKey) {
			rows = append(rows, goodsGram{CompanyID: gs[i].CompanyID, Gram: g, GoodsID: gs[i].ID})
		}
	}
	return d.InsertRows(ctx, "INSERT INTO goods_grams (company_id, gram, goods_id)", "", 3, len(rows), func(i int, v []any) []any {
		return append(v, rows[i].CompanyID, rows[i].Gram, rows[i].GoodsID)
	})
}

// searchGoods is a page of live goods whose name contains q (any case), or
// whose code or a barcode is q exactly, narrowed by base (the company, the
// groups). The name matches and the exact ones are read apart — each by
// its own index — and merged in ID order.
func (s *Service) searchGoods(ctx context.Context, companyID string, base func() *gorm.DB, p db.ListParams) ([]Goods, string, error) {
	key := searchKey(p.Query)
	names := base().Where("name_key LIKE ? ESCAPE '!'", db.Contains(key))
	lo, hi := gramRange(key)
	var n int64
	err := s.db.Conn(ctx).Raw(`SELECT COUNT(*) FROM (SELECT 1 FROM goods_grams WHERE company_id = ? AND gram >= ? AND gram < ? LIMIT ?) c`,
		companyID, lo, hi, denseGrams).Scan(&n).Error
	if err != nil {
		return nil, "", err
	}
	if n < denseGrams {
		names = names.Where("id IN (SELECT goods_id FROM goods_grams WHERE company_id = ? AND gram >= ? AND gram < ?)", companyID, lo, hi)
	}
	page, next, err := db.Paginate(names, p, func(g *Goods) string { return g.ID })
	if err != nil {
		return nil, "", err
	}
	exact, err := s.exactGoods(ctx, companyID, base, p)
	if err != nil {
		return nil, "", err
	}
	return mergePage(page, next, exact, p.Limit)
}

// exactGoods are the goods past the cursor whose code or a barcode is the
// query: one goods each at most.
func (s *Service) exactGoods(ctx context.Context, companyID string, base func() *gorm.DB, p db.ListParams) ([]Goods, error) {
	var out []Goods
	for _, q := range []*gorm.DB{
		base().Where("code = ?", p.Query),
		base().Where("id IN (SELECT goods_id FROM goods_barcodes WHERE company_id = ? AND barcode = ?)", companyID, p.Query),
	} {
		if p.Cursor != "" {
			q = q.Where("id > ?", p.Cursor)
		}
		var gs []Goods
		if err := q.Find(&gs).Error; err != nil {
			return nil, err
		}
		out = append(out, gs...)
	}
	return out, nil
}

// mergePage adds the exact matches to a page of name matches, in ID order
// and each once, keeping the page's size: what is cut shows on the next.
func mergePage(page []Goods, next string, exact []Goods, limit int) ([]Goods, string, error) {
	if limit == 0 {
		limit = db.DefaultLimit
	}
	for _, g := range exact {
		if next != "" && g.ID > next {
			continue // the next page's
		}
		if !slices.ContainsFunc(page, func(h Goods) bool { return h.ID == g.ID }) {
			page = append(page, g)
		}
	}
	slices.SortFunc(page, func(a, b Goods) int { return strings.Compare(a.ID, b.ID) })
	if len(page) > limit {
		page, next = page[:limit], page[limit-1].ID
	}
	return page, next, nil
}
