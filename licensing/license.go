package licensing

import (
	"time"

	"mypos"
)

// License is a license as its caller may see it. Key is set only where the
// caller may read it: the owner always; the holder once it is unsealed.
type License struct {
	ID        string    `json:"id"`
	Sealed    bool      `json:"sealed"`
	State     string    `json:"state"`
	Key       string    `json:"key,omitempty"`
	PartnerID *string   `json:"partner_id,omitempty"`
	CompanyID *string   `json:"company_id,omitempty"`
	DeviceID  *string   `json:"device_id,omitempty"`
	Licensee  *Licensee `json:"licensee,omitempty"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// Licensee is whom a partner unsealed a license to: a firm, its INN and
// e-mail.
type Licensee struct {
	Name  string `json:"name"`
	INN   string `json:"inn"`
	Email string `json:"email"`
}

// Facts are a license's independent facts: sealed or not, its holder (a
// partner or a company), and the device it is on.
type Facts struct {
	Sealed    bool    `json:"sealed"`
	PartnerID *string `json:"partner_id,omitempty"`
	CompanyID *string `json:"company_id,omitempty"`
	DeviceID  *string `json:"device_id,omitempty"`
}

// Equal reports whether two sets of facts are the same.
func (f Facts) Equal(o Facts) bool {
	return f.Sealed == o.Sealed && same(f.PartnerID, o.PartnerID) && same(f.CompanyID, o.CompanyID) && same(f.DeviceID, o.DeviceID)
}

// licenseRow is the stored license.
type licenseRow struct {
	ID            string    `gorm:"column:id;primaryKey"`
	Key           string    `gorm:"column:key"`
	KeyNorm       string    `gorm:"column:key_norm"`
	Sealed        bool      `gorm:"column:sealed"`
	PartnerID     *string   `gorm:"column:partner_id"`
	CompanyID     *string   `gorm:"column:company_id"`
	DeviceID      *string   `gorm:"column:device_id"`
	LicenseeName  *string   `gorm:"column:licensee_name"`
	LicenseeINN   *string   `gorm:"column:licensee_inn"`
	LicenseeEmail *string   `gorm:"column:licensee_email"`
	CreatedAt     time.Time `gorm:"column:created_at"`
	UpdatedAt     time.Time `gorm:"column:updated_at"`
}

func (licenseRow) TableName() string { return "licenses" }

func (r *licenseRow) facts() Facts {
	return Facts{Sealed: r.Sealed, PartnerID: r.PartnerID, CompanyID: r.CompanyID, DeviceID: r.DeviceID}
}

func (r *licenseRow) setFacts(f Facts) {
	r.Sealed, r.PartnerID, r.CompanyID, r.DeviceID = f.Sealed, f.PartnerID, f.CompanyID, f.DeviceID
}

func (r *licenseRow) licensee() *Licensee {
	if r.LicenseeName == nil {
		return nil
	}
	return &Licensee{Name: *r.LicenseeName, INN: deref(r.LicenseeINN), Email: deref(r.LicenseeEmail)}
}

// state derives the state a person sees from the facts.
func state(f Facts) string {
	switch {
	case f.DeviceID != nil:
		return StateActive
	case f.Sealed:
		return StateSealed
	default:
		return StateUnsealed
	}
}

// heldBy reports whether the actor holds the license: a partner or company
// holder, or the device it is on.
func (r *licenseRow) heldBy(a mypos.Actor) bool {
	switch a.Kind {
	case mypos.KindPartner:
		return is(r.PartnerID, a.ID)
	case mypos.KindCompany:
		return is(r.CompanyID, a.ID)
	case mypos.KindDevice:
		return is(r.DeviceID, a.ID)
	}
	return false
}

// view is the license as the actor may see it: a sealed key is shown to
// nobody but the owner; an unsealed key to its holder.
func (r *licenseRow) view(a mypos.Actor) License {
	l := License{
		ID: r.ID, Sealed: r.Sealed, State: state(r.facts()), PartnerID: r.PartnerID, CompanyID: r.CompanyID,
		DeviceID: r.DeviceID, Licensee: r.licensee(), CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt,
	}
	if a.Kind == mypos.KindOwner || !r.Sealed && r.heldBy(a) {
		l.Key = r.Key
	}
	return l
}

func is(p *string, id string) bool { return p != nil && *p == id }

func same(a, b *string) bool { return a == nil && b == nil || a != nil && b != nil && *a == *b }

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

func ptr(s string) *string { return &s }
