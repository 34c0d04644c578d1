package backoffice

import (
	"gorm.io/gorm"

	"mypos/db"
)

// gramsTable is goods_grams: a name suffix (bytes, compared byte by byte
// on both databases) per row, found by company and prefix.
var gramsTable = db.SQL(`
CREATE TABLE goods_grams (
	company_id {uuid} NOT NULL,
	gram {bytes} NOT NULL,
	goods_id {uuid} NOT NULL REFERENCES goods (id)
)`,
	`CREATE INDEX goods_grams_gram ON goods_grams (company_id, gram)`,
	`CREATE INDEX goods_grams_goods ON goods_grams (goods_id)`,
)

// gramsUp creates goods_grams and fills it for the live goods, a page of
// goods at a time.
func gramsUp(tx *gorm.DB, dialect string) error {
	if err := gramsTable(tx, dialect); err != nil {
		return err
	}
	for cursor := ""; ; {
		var gs []Goods
		q := tx.Select("id", "company_id", "name_key").Where("deleted_at IS NULL")
		if cursor != "" {
			q = q.Where("id > ?", cursor)
		}
		err := q.Order("id").Limit(batch).Find(&gs).Error
		if err != nil || len(gs) == 0 {
			return err
		}
		var rows []goodsGram
		for _, g := range gs {
			for _, gram := range gramsOf(g.NameKey) {
				rows = append(rows, goodsGram{CompanyID: g.CompanyID, Gram: gram, GoodsID: g.ID})
			}
		}
		if err := tx.CreateInBatches(rows, 200).Error; err != nil {
			return err
		}
		cursor = gs[len(gs)-1].ID
	}
}
