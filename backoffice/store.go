package backoffice

import (
	"time"

	"mypos"
)

// Store is a trade object of a company: a shop, a kiosk, a café.
type Store struct {
	ID        string     `gorm:"column:id;primaryKey" json:"id"`
	CompanyID string     `gorm:"column:company_id" json:"-"`
	Name      string     `gorm:"column:name" json:"name"`
	NameKey   string     `gorm:"column:name_key" json:"-"`
	Address   string     `gorm:"column:address" json:"address"`
	CreatedAt time.Time  `gorm:"column:created_at" json:"created_at"`
	DeletedAt *time.Time `gorm:"column:deleted_at" json:"-"`
}

// TableName tells gorm the table.
func (Store) TableName() string { return "stores" }

// StoreInput is what a company tells about a new store.
type StoreInput struct {
	Name    string `json:"name"`
	Address string `json:"address"`
}

// StorePatch changes the fields it sets and leaves the nil ones alone.
type StorePatch struct {
	Name    *string `json:"name"`
	Address *string `json:"address"`
}

// Patch applies the set fields to st; validate checks the result.
func (p StorePatch) Patch(st *Store) {
	if p.Name != nil {
		st.Name = *p.Name
	}
	if p.Address != nil {
		st.Address = *p.Address
	}
}

// maxAddress bounds a store's address, in characters.
const maxAddress = 300

// validate trims the store's fields, refuses bad ones, and keeps the
// search key in step with the name.
func (st *Store) validate() error {
	name, err := mypos.Text("name", st.Name, 1, maxName)
	if err != nil {
		return err
	}
	st.Name, st.NameKey = name, searchKey(name)
	st.Address, err = mypos.Text("address", st.Address, 0, maxAddress)
	return err
}

// storeBody is a store as terminals receive it.
type storeBody struct {
	ID      string `json:"id"`
	Name    string `json:"name"`
	Address string `json:"address"`
}

func (st *Store) body() storeBody {
	return storeBody{ID: st.ID, Name: st.Name, Address: st.Address}
}
