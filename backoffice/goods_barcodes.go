package backoffice

import (
	"context"
	"fmt"

	"mypos"
	"mypos/db"
)

// goodsBarcode is one barcode of a goods. Its key (company, barcode) makes
// a barcode unique across the company's goods.
type goodsBarcode struct {
	CompanyID string `gorm:"column:company_id;primaryKey"`
	Barcode   string `gorm:"column:barcode;primaryKey"`
	GoodsID   string `gorm:"column:goods_id"`
}

func (goodsBarcode) TableName() string { return "goods_barcodes" }

// barcodeHolder is a barcode and the code of the goods that has it.
type barcodeHolder struct {
	Barcode string
	Code    string
}

// holders returns which of the barcodes other goods of the company have,
// in batches that keep under both databases' parameter limits.
func (s *Service) holders(ctx context.Context, companyID string, barcodes []string) ([]barcodeHolder, error) {
	var out []barcodeHolder
	for start := 0; start < len(barcodes); start += batch {
		var part []barcodeHolder
		err := s.db.Conn(ctx).Raw(`SELECT b.barcode, g.code FROM goods_barcodes b JOIN goods g ON g.id = b.goods_id
			WHERE b.company_id = ? AND b.barcode IN ?`, companyID, barcodes[start:min(start+batch, len(barcodes))]).
			Scan(&part).Error
		if err != nil {
			return nil, err
		}
		out = append(out, part...)
	}
	return out, nil
}

// checkBarcodes refuses barcodes another goods of the company has, naming
// the barcode and that goods' code, before anything is written. The key
// of goods_barcodes still refuses a barcode taken by a concurrent writer.
// Returns ECONFLICT (field "barcodes").
func (s *Service) checkBarcodes(ctx context.Context, companyID, goodsID string, barcodes []string) error {
	if len(barcodes) == 0 {
		return nil
	}
	var taken []struct{ Barcode, Code, GoodsID string }
	err := s.db.Conn(ctx).Raw(`SELECT b.barcode, g.code, b.goods_id FROM goods_barcodes b JOIN goods g ON g.id = b.goods_id
		WHERE b.company_id = ? AND b.barcode IN ? AND b.goods_id <> ? ORDER BY b.barcode LIMIT 1`,
		companyID, barcodes, goodsID).Scan(&taken).Error
	if err != nil {
		return err
	}
	if len(taken) > 0 {
		return barcodeTaken(taken[0].Barcode, taken[0].Code)
	}
	return nil
}

func barcodeTaken(barcode, code string) error {
	return &mypos.Error{Code: mypos.ECONFLICT, Field: "barcodes",
		Message: fmt.Sprintf("The barcode %s is already on the goods with code %s.", barcode, quote(code))}
}

// loadBarcodes fills in the barcodes of each goods with one query.
func (s *Service) loadBarcodes(ctx context.Context, gs []Goods) error {
	if len(gs) == 0 {
		return nil
	}
	ids := make([]string, len(gs))
	for i := range gs {
		ids[i] = gs[i].ID
	}
	var rows []goodsBarcode
	if err := s.db.Conn(ctx).Where("goods_id IN ?", ids).Order("barcode").Find(&rows).Error; err != nil {
		return err
	}
	sets := make(map[string][]string, len(gs))
	for _, r := range rows {
		sets[r.GoodsID] = append(sets[r.GoodsID], r.Barcode)
	}
	for i := range gs {
		gs[i].Barcodes = sets[gs[i].ID]
		if gs[i].Barcodes == nil {
			gs[i].Barcodes = []string{}
		}
	}
	return nil
}

// insertBarcodes adds a goods' checked barcodes. A barcode a concurrent
// writer took in between is refused by the key.
// Returns ECONFLICT (field "barcodes").
func (s *Service) insertBarcodes(ctx context.Context, g *Goods) error {
	if len(g.Barcodes) == 0 {
		return nil
	}
	rows := make([]goodsBarcode, len(g.Barcodes))
	for i, b := range g.Barcodes {
		rows[i] = goodsBarcode{CompanyID: g.CompanyID, Barcode: b, GoodsID: g.ID}
	}
	return barcodeConflict(s.db.Conn(ctx).Create(&rows).Error)
}

// replaceBarcodes makes g.Barcodes the goods' whole set.
func (s *Service) replaceBarcodes(ctx context.Context, g *Goods) error {
	if err := s.db.Conn(ctx).Where("goods_id = ?", g.ID).Delete(&goodsBarcode{}).Error; err != nil {
		return err
	}
	return s.insertBarcodes(ctx, g)
}

// barcodeConflict turns a unique violation of a barcode, which only a
// concurrent writer can cause after checkBarcodes, into ECONFLICT.
func barcodeConflict(err error) error {
	if db.IsDuplicate(err) {
		return &mypos.Error{Code: mypos.ECONFLICT, Field: "barcodes", Message: "A barcode was just given to another goods."}
	}
	return err
}
