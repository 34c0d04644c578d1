package backoffice

import "time"

// StorePrice is a goods' price in one store, overriding the goods' own
// price there. Code, Name and BasePrice are the goods', for a readable list.
type StorePrice struct {
	GoodsID   string    `gorm:"column:id" json:"goods_id"`
	StoreID   string    `gorm:"column:store_id" json:"store_id"`
	Code      string    `gorm:"column:code" json:"code"`
	Name      string    `gorm:"column:name" json:"name"`
	BasePrice int64     `gorm:"column:base_price" json:"base_price"`
	Price     int64     `gorm:"column:price" json:"price"`
	UpdatedAt time.Time `gorm:"column:updated_at" json:"updated_at"`
}

// StorePriceInput sets the price of a goods in a store.
type StorePriceInput struct {
	GoodsID string `json:"goods_id"`
	Price   *int64 `json:"price"`
}

// storePriceRow is the stored row.
type storePriceRow struct {
	StoreID   string    `gorm:"column:store_id;primaryKey"`
	GoodsID   string    `gorm:"column:goods_id;primaryKey"`
	CompanyID string    `gorm:"column:company_id"`
	Price     int64     `gorm:"column:price"`
	UpdatedAt time.Time `gorm:"column:updated_at"`
}

func (storePriceRow) TableName() string { return "store_prices" }

// priceBody is a store price as the devices of that store receive it.
type priceBody struct {
	GoodsID string `json:"goods_id"`
	StoreID string `json:"store_id"`
	Price   int64  `json:"price"`
}
