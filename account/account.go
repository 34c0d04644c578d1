// Package account keeps the people who log in to the cabinet: the owner,
// partners and companies, their passwords and sessions, the login rule
// that lets one e-mail own a partner and a company account, and the
// backoff that slows a guesser down without locking the owner out.
package account

import (
	"log/slog"
	"time"

	"golang.org/x/crypto/bcrypt"

	"mypos"
	"mypos/db"
)

// Account statuses.
const (
	StatusActive  = "active"
	StatusPending = "pending" // a partner who signed up, awaiting the owner's approval
)

// Account is an owner, partner or company account: the tenant and its login.
type Account struct {
	ID           string     `gorm:"column:id;primaryKey" json:"id"`
	Kind         string     `gorm:"column:kind" json:"kind"`
	Email        string     `gorm:"column:email" json:"email"`
	EmailKey     string     `gorm:"column:email_key" json:"-"`
	PasswordHash string     `gorm:"column:password_hash" json:"-"`
	Name         string     `gorm:"column:name" json:"name"`
	NameKey      string     `gorm:"column:name_key" json:"-"`
	INN          string     `gorm:"column:inn" json:"inn,omitempty"`
	City         string     `gorm:"column:city" json:"city,omitempty"`
	Code         *string    `gorm:"column:code" json:"code,omitempty"`
	Status       string     `gorm:"column:status" json:"status"`
	CreatedAt    time.Time  `gorm:"column:created_at" json:"created_at"`
	ApprovedAt   *time.Time `gorm:"column:approved_at" json:"approved_at,omitempty"`
	// TimeZone is the IANA zone a company's pages show times in; "" is
	// Europe/Moscow (settings.go).
	TimeZone string `gorm:"column:time_zone" json:"time_zone,omitempty"`
}

// TableName tells gorm the table.
func (Account) TableName() string { return "accounts" }

// Actor returns the actor a session of this account acts as.
func (a *Account) Actor() mypos.Actor {
	act := mypos.Actor{Kind: a.Kind, ID: a.ID, Name: a.Name}
	if a.Kind == mypos.KindCompany {
		act.CompanyID = a.ID
	}
	return act
}

// Options tune the service. The zero value is production's choice.
type Options struct {
	// HashCost is bcrypt's cost; tests lower it to bcrypt.MinCost.
	HashCost int
	Logger   *slog.Logger
}

// Service is the account domain. Its methods say who may call them and
// which error codes they return.
type Service struct {
	db       *db.DB
	hashCost int
	dummy    []byte // a hash to spend the same work on when an e-mail is unknown
	throttle *throttle
	devices  deviceKeys
	log      *slog.Logger
}

// NewService returns the account service over database.
func NewService(database *db.DB, opts Options) *Service {
	cost := opts.HashCost
	if cost == 0 {
		cost = bcrypt.DefaultCost
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	dummy, err := bcrypt.GenerateFromPassword([]byte("not a password of anybody"), cost)
	if err != nil {
		panic("account: bcrypt: " + err.Error())
	}
	return &Service{db: database, hashCost: cost, dummy: dummy, throttle: newThrottle(func() time.Time { return database.Now() }), log: log}
}
