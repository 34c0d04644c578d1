package backoffice

import (
	"slices"
	"strings"
	"time"
	"unicode"

	"mypos"
	"mypos/protocol"
)

// Goods is an item of a company's catalog. Price is kopecks per piece or
// per kilogram (Unit); a store price may override it in one store. VAT is a
// rate of protocol.VATRates. Barcodes are EAN-13 or EAN-8, unique across
// the company's live goods.
type Goods struct {
	ID        string     `gorm:"column:id;primaryKey" json:"id"`
	CompanyID string     `gorm:"column:company_id" json:"-"`
	Code      string     `gorm:"column:code" json:"code"`
	Name      string     `gorm:"column:name" json:"name"`
	NameKey   string     `gorm:"column:name_key" json:"-"`
	Price     int64      `gorm:"column:price" json:"price"`
	Unit      string     `gorm:"column:unit" json:"unit"`
	VAT       string     `gorm:"column:vat" json:"vat"`
	GroupID   *string    `gorm:"column:group_id" json:"group_id"`
	Active    bool       `gorm:"column:active" json:"active"`
	CreatedAt time.Time  `gorm:"column:created_at" json:"created_at"`
	UpdatedAt time.Time  `gorm:"column:updated_at" json:"updated_at"`
	DeletedAt *time.Time `gorm:"column:deleted_at" json:"-"`
	// Barcodes are sorted; never null in JSON.
	Barcodes []string `gorm:"-" json:"barcodes"`
}

// TableName tells gorm the table.
func (Goods) TableName() string { return "goods" }

// GoodsInput is what a company tells about a new goods. Price, unit and
// vat are required; Active is true when left out.
type GoodsInput struct {
	Code     string   `json:"code"`
	Name     string   `json:"name"`
	Barcodes []string `json:"barcodes"`
	Price    *int64   `json:"price"`
	Unit     string   `json:"unit"`
	VAT      string   `json:"vat"`
	GroupID  *string  `json:"group_id"`
	Active   *bool    `json:"active"`
}

// GoodsPatch changes the fields it sets. Barcodes, when set, replaces the
// whole set; group_id null takes the goods out of any group.
type GoodsPatch struct {
	Code     *string          `json:"code"`
	Name     *string          `json:"name"`
	Barcodes *[]string        `json:"barcodes"`
	Price    *int64           `json:"price"`
	Unit     *string          `json:"unit"`
	VAT      *string          `json:"vat"`
	GroupID  Nullable[string] `json:"group_id"`
	Active   *bool            `json:"active"`
}

// Field limits, in characters.
const (
	maxCode      = 50
	maxGoodsName = 200
)

// validate checks and normalises the fields the patch sets, so a bad one
// is refused before any row is locked. Whether the group is the company's
// is the service's to check.
func (p *GoodsPatch) validate() error {
	if p.Code != nil {
		code, err := validCode(*p.Code)
		if err != nil {
			return err
		}
		p.Code = &code
	}
	if p.Name != nil {
		name, err := mypos.Text("name", *p.Name, 1, maxGoodsName)
		if err != nil {
			return err
		}
		p.Name = &name
	}
	if p.Barcodes != nil {
		set, err := barcodeSet("barcodes", *p.Barcodes)
		if err != nil {
			return err
		}
		p.Barcodes = &set
	}
	return p.validateSale()
}

// validateSale checks what the till computes with: price, unit and rate.
func (p *GoodsPatch) validateSale() error {
	if p.Price != nil {
		if err := validPrice("price", *p.Price); err != nil {
			return err
		}
	}
	if p.Unit != nil && !protocol.ValidUnit(*p.Unit) {
		return mypos.Invalid("unit", "A unit is %q or %q.", protocol.UnitPiece, protocol.UnitWeight)
	}
	if p.VAT != nil && !protocol.ValidVAT(*p.VAT) {
		return mypos.Invalid("vat", "A VAT rate is one of %s.", strings.Join(protocol.VATRates(), ", "))
	}
	if p.GroupID.Value != nil && !mypos.ValidID(*p.GroupID.Value) {
		return mypos.Invalid("group_id", "No such goods group.")
	}
	return nil
}

// Patch applies the set fields to g; validate has checked them.
func (p GoodsPatch) Patch(g *Goods) {
	if p.Code != nil {
		g.Code = *p.Code
	}
	if p.Name != nil {
		g.Name, g.NameKey = *p.Name, searchKey(*p.Name)
	}
	if p.Barcodes != nil {
		g.Barcodes = *p.Barcodes
	}
	if p.Price != nil {
		g.Price = *p.Price
	}
	if p.Unit != nil {
		g.Unit = *p.Unit
	}
	if p.VAT != nil {
		g.VAT = *p.VAT
	}
	p.GroupID.apply(&g.GroupID)
	if p.Active != nil {
		g.Active = *p.Active
	}
}

// newGoods validates the input through the same rules as a patch, with
// the required fields required.
func newGoods(in GoodsInput) (*Goods, error) {
	if in.Price == nil {
		return nil, mypos.Invalid("price", "A goods needs a price, in kopecks.")
	}
	active := in.Active == nil || *in.Active
	p := GoodsPatch{Code: &in.Code, Name: &in.Name, Barcodes: &in.Barcodes, Price: in.Price,
		Unit: &in.Unit, VAT: &in.VAT, Active: &active}
	if in.GroupID != nil {
		p.GroupID = SetTo(*in.GroupID)
	}
	if err := p.validate(); err != nil {
		return nil, err
	}
	g := &Goods{}
	p.Patch(g)
	return g, nil
}

// validCode checks a goods code by the text rule, and refuses what a
// person could not read off a label: codes compare exactly, so "A-1" and
// "a-1" are two goods, and a code with a zero-width joiner or a no-break
// space inside would be a third that looks like one of them.
func validCode(code string) (string, error) {
	code, err := mypos.Text("code", code, 1, maxCode)
	if err != nil {
		return "", err
	}
	for _, r := range code {
		if !unicode.IsPrint(r) {
			return "", mypos.Invalid("code", "A code has printable characters and spaces only (not %U).", r)
		}
	}
	return code, nil
}

// validPrice refuses a price the till could not compute with.
func validPrice(field string, price int64) error {
	if price < 0 || price > protocol.MaxPrice {
		return mypos.Invalid(field, "A price is 0 to %d kopecks.", int64(protocol.MaxPrice))
	}
	return nil
}

// sameGoods reports whether two states of a goods look the same to a till.
func sameGoods(a, b *Goods) bool {
	return a.Code == b.Code && a.Name == b.Name && a.Price == b.Price && a.Unit == b.Unit &&
		a.VAT == b.VAT && a.Active == b.Active && sameID(a.GroupID, b.GroupID) && slices.Equal(a.Barcodes, b.Barcodes)
}

func sameID(a, b *string) bool {
	return a == nil && b == nil || a != nil && b != nil && *a == *b
}

// goodsBody is a goods as terminals receive it.
type goodsBody struct {
	ID       string   `json:"id"`
	Code     string   `json:"code"`
	Name     string   `json:"name"`
	Barcodes []string `json:"barcodes"`
	Price    int64    `json:"price"`
	Unit     string   `json:"unit"`
	VAT      string   `json:"vat"`
	GroupID  *string  `json:"group_id"`
	Active   bool     `json:"active"`
}

func (g *Goods) body() goodsBody {
	return goodsBody{ID: g.ID, Code: g.Code, Name: g.Name, Barcodes: g.Barcodes, Price: g.Price,
		Unit: g.Unit, VAT: g.VAT, GroupID: g.GroupID, Active: g.Active}
}
