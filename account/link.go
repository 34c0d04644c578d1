package account

import (
	"context"
	"strings"
	"time"

	"mypos"
	"mypos/db"
)

// Link request statuses. A request is pending until the partner accepts or
// declines it or the company cancels it; an accepted request is the link
// itself, and it ends when the company's next request is accepted.
const (
	LinkPending   = "pending"
	LinkAccepted  = "accepted"
	LinkDeclined  = "declined"
	LinkCancelled = "cancelled"
	LinkEnded     = "ended"
)

// LinkRequest is a company's request to work with a partner, and — once
// accepted — their link. The rows are the history both sides see.
type LinkRequest struct {
	ID          string     `gorm:"column:id;primaryKey" json:"id"`
	CompanyID   string     `gorm:"column:company_id" json:"company_id"`
	PartnerID   string     `gorm:"column:partner_id" json:"partner_id"`
	Status      string     `gorm:"column:status" json:"status"`
	CreatedAt   time.Time  `gorm:"column:created_at" json:"created_at"`
	DecidedAt   *time.Time `gorm:"column:decided_at" json:"decided_at,omitempty"`
	EndedAt     *time.Time `gorm:"column:ended_at" json:"ended_at,omitempty"`
	CompanyName string     `gorm:"-" json:"company_name"`
	PartnerName string     `gorm:"-" json:"partner_name"`
	PartnerCode string     `gorm:"-" json:"partner_code,omitempty"`
}

// TableName tells gorm the table.
func (LinkRequest) TableName() string { return "link_requests" }

// LinkRequestInput names the partner a company asks: by the code the partner
// gave it, or by the ID the directory shows. Exactly one of the two.
type LinkRequestInput struct {
	PartnerCode string `json:"partner_code"`
	PartnerID   string `json:"partner_id"`
}

// DirectoryEntry is what anyone may learn of an active partner: enough to
// pick one, never its e-mail.
type DirectoryEntry struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	City string `json:"city"`
	INN  string `json:"inn"`
	Code string `json:"code"`
}

// now is the clock of link writes, at the precision both databases keep, so
// what a write returns equals what a later read finds.
func (s *Service) now() time.Time { return s.db.Now().UTC().Truncate(time.Microsecond) }

// partnerByInput finds the active partner a link request names.
// Returns EINVALID naming the field when none or both are given, or when no
// active partner has that code or ID.
func (s *Service) partnerByInput(ctx context.Context, in LinkRequestInput) (*Account, error) {
	code, err := mypos.Text("partner_code", in.PartnerCode, 0, partnerCodeLen)
	if err != nil {
		return nil, err
	}
	code, id := upper(code), strings.TrimSpace(in.PartnerID)
	switch {
	case code == "" && id == "":
		return nil, mypos.Invalid("partner_code", "Name the partner by its code (partner_code) or its ID (partner_id).")
	case code != "" && id != "":
		return nil, mypos.Invalid("partner_id", "Name the partner by its code or its ID, not both.")
	case code != "":
		var a Account
		err := s.db.Conn(ctx).Where("kind = ? AND code = ? AND status = ?", mypos.KindPartner, code, StatusActive).Take(&a).Error
		if err != nil {
			return nil, invalidIfNotFound(err, "partner_code", "No partner has this code: check it with your partner.")
		}
		return &a, nil
	}
	a, err := s.ActivePartner(ctx, id)
	if mypos.ErrorCode(err) == mypos.ENOTFOUND {
		return nil, mypos.Invalid("partner_id", "No such partner.")
	}
	return a, err
}

// ActivePartner returns an active partner by ID, for other packages (a sale
// of licenses). It checks nothing of the caller.
// Returns ENOTFOUND when there is no such active partner.
func (s *Service) ActivePartner(ctx context.Context, id string) (*Account, error) {
	a, err := s.find(ctx, mypos.KindPartner, id)
	if err != nil {
		return nil, err
	}
	if a.Status != StatusActive {
		return nil, mypos.Errorf(mypos.ENOTFOUND, "No such partner.")
	}
	return a, nil
}

// invalidIfNotFound turns "no row" into EINVALID naming the field: the
// request referred to something that does not exist.
func invalidIfNotFound(err error, field, msg string) error {
	if db.IsNotFound(err) {
		return mypos.Invalid(field, "%s", msg)
	}
	return err
}

// upper is a partner code as stored: codes are upper-case, people type
// them any way.
func upper(code string) string { return strings.ToUpper(strings.TrimSpace(code)) }
