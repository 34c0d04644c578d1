package backoffice

import (
	"slices"
	"time"

	"mypos"
)

// Cashier roles: what the till lets a cashier do.
const (
	RoleCashier       = "cashier"
	RoleSeniorCashier = "senior_cashier"
	RoleAdministrator = "administrator"
)

// Cashier is a person who sells on a company's tills, allowed on some of
// its devices. PinHash is never shown through the API: it travels only to
// the cashier's devices, which check PINs offline.
type Cashier struct {
	ID        string    `gorm:"column:id;primaryKey" json:"id"`
	CompanyID string    `gorm:"column:company_id" json:"-"`
	Name      string    `gorm:"column:name" json:"name"`
	NameKey   string    `gorm:"column:name_key" json:"-"`
	PinHash   string    `gorm:"column:pin_hash" json:"-"`
	Role      string    `gorm:"column:role" json:"role"`
	Active    bool      `gorm:"column:active" json:"active"`
	CreatedAt time.Time `gorm:"column:created_at" json:"created_at"`
	UpdatedAt time.Time `gorm:"column:updated_at" json:"updated_at"`
	// DeviceIDs are the devices the cashier may work on, sorted.
	DeviceIDs []string `gorm:"-" json:"device_ids"`
}

// TableName tells gorm the table.
func (Cashier) TableName() string { return "cashiers" }

// CashierInput is what a company tells about a new cashier. Active is
// true when left out.
type CashierInput struct {
	Name      string   `json:"name"`
	PIN       string   `json:"pin"`
	Role      string   `json:"role"`
	Active    *bool    `json:"active"`
	DeviceIDs []string `json:"device_ids"`
}

// CashierPatch changes the fields it sets and leaves the nil ones alone.
// DeviceIDs, when set, replaces the whole set (an empty list clears it).
type CashierPatch struct {
	Name      *string   `json:"name"`
	PIN       *string   `json:"pin"`
	Role      *string   `json:"role"`
	Active    *bool     `json:"active"`
	DeviceIDs *[]string `json:"device_ids"`
}

// validate checks and normalises the fields the patch sets, so a bad one
// is refused before a PIN is hashed or a row is locked.
func (p *CashierPatch) validate() error {
	if p.Name != nil {
		name, err := mypos.Text("name", *p.Name, 1, maxName)
		if err != nil {
			return err
		}
		p.Name = &name
	}
	if p.Role != nil {
		if err := validRole(*p.Role); err != nil {
			return err
		}
	}
	if p.PIN != nil {
		if err := validPIN(*p.PIN); err != nil {
			return err
		}
	}
	if p.DeviceIDs != nil {
		ids, err := deviceSet(*p.DeviceIDs)
		if err != nil {
			return err
		}
		p.DeviceIDs = &ids
	}
	return nil
}

// Patch applies the set fields to c, except the PIN, which the service
// hashes; validate has checked them.
func (p CashierPatch) Patch(c *Cashier) {
	if p.Name != nil {
		c.Name, c.NameKey = *p.Name, searchKey(*p.Name)
	}
	if p.Role != nil {
		c.Role = *p.Role
	}
	if p.Active != nil {
		c.Active = *p.Active
	}
	if p.DeviceIDs != nil {
		c.DeviceIDs = *p.DeviceIDs
	}
}

func validRole(role string) error {
	switch role {
	case RoleCashier, RoleSeniorCashier, RoleAdministrator:
		return nil
	}
	return mypos.Invalid("role", "A role is %q, %q or %q.", RoleCashier, RoleSeniorCashier, RoleAdministrator)
}

// PIN bounds, in digits: what a till's keypad takes.
const (
	minPIN = 4
	maxPIN = 8
)

func validPIN(pin string) error {
	ok := len(pin) >= minPIN && len(pin) <= maxPIN
	for i := 0; ok && i < len(pin); i++ {
		ok = '0' <= pin[i] && pin[i] <= '9'
	}
	if !ok {
		return mypos.Invalid("pin", "A PIN is %d to %d digits.", minPIN, maxPIN)
	}
	return nil
}

// maxDevices bounds a cashier's device set: far above any real shop, low
// enough that the set fits one query.
const maxDevices = 1000

// deviceSet returns the IDs sorted and without repeats, or refuses a list
// that is too long. Whether each is a device of the company is the device
// package's to say.
func deviceSet(ids []string) ([]string, error) {
	if len(ids) > maxDevices {
		return nil, mypos.Invalid("device_ids", "A cashier may be allowed on at most %d devices.", maxDevices)
	}
	set := slices.Clone(ids)
	slices.Sort(set)
	set = slices.Compact(set)
	if set == nil {
		set = []string{}
	}
	return set, nil
}

// cashierBody is a cashier as its devices receive it, PIN hash included:
// terminals check PINs offline.
type cashierBody struct {
	ID        string   `json:"id"`
	Name      string   `json:"name"`
	Role      string   `json:"role"`
	Active    bool     `json:"active"`
	PinHash   string   `json:"pin_hash"`
	DeviceIDs []string `json:"device_ids"`
}

func (c *Cashier) body() cashierBody {
	return cashierBody{ID: c.ID, Name: c.Name, Role: c.Role, Active: c.Active, PinHash: c.PinHash, DeviceIDs: c.DeviceIDs}
}
