package account

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"time"

	"mypos"
	"mypos/db"
)

// How a session was opened: a browser keeps it in a cookie, a script holds a
// bearer token. Both are the same random secret, stored only as a hash.
const (
	ViaCookie = "cookie"
	ViaToken  = "token"
)

// Session lifetimes.
const (
	cookieLifetime = 7 * 24 * time.Hour
	tokenLifetime  = 30 * 24 * time.Hour
)

// Session is an open login. Token is set only when the session is created:
// the database keeps its SHA-256 alone.
type Session struct {
	TokenHash string    `gorm:"column:token_hash;primaryKey"`
	AccountID string    `gorm:"column:account_id"`
	Via       string    `gorm:"column:via"`
	CreatedAt time.Time `gorm:"column:created_at"`
	ExpiresAt time.Time `gorm:"column:expires_at"`

	Token   string   `gorm:"-"`
	Account *Account `gorm:"-"`
}

// TableName tells gorm the table.
func (Session) TableName() string { return "sessions" }

// newSecret returns 256 random bits, URL-safe, and their SHA-256 in hex.
func newSecret() (secret, hash string) {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic("account: crypto/rand: " + err.Error())
	}
	secret = base64.RawURLEncoding.EncodeToString(b[:])
	return secret, hashSecret(secret)
}

func hashSecret(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

func (s *Service) openSession(ctx context.Context, a *Account, via string) (*Session, error) {
	lifetime := tokenLifetime
	if via == ViaCookie {
		lifetime = cookieLifetime
	}
	token, hash := newSecret()
	now := s.db.Now()
	sess := &Session{TokenHash: hash, AccountID: a.ID, Via: via, CreatedAt: now, ExpiresAt: now.Add(lifetime), Token: token, Account: a}
	if err := s.db.Conn(ctx).Create(sess).Error; err != nil {
		return nil, err
	}
	return sess, nil
}

// Authenticate returns the session of a token and its account.
// Returns EUNAUTHORIZED when the token is unknown, expired, or its account
// is no longer active.
func (s *Service) Authenticate(ctx context.Context, token string) (*Session, error) {
	denied := mypos.Errorf(mypos.EUNAUTHORIZED, "Your session has ended: log in again.")
	if token == "" || len(token) > 100 {
		return nil, denied
	}
	var sess Session
	err := s.db.Conn(ctx).Where("token_hash = ? AND expires_at > ?", hashSecret(token), s.db.Now()).Take(&sess).Error
	if db.IsNotFound(err) {
		return nil, denied
	}
	if err != nil {
		return nil, err
	}
	var a Account
	if err := s.db.Conn(ctx).Where("id = ?", sess.AccountID).Take(&a).Error; err != nil {
		return nil, db.NotFound(err, denied.Message)
	}
	if a.Status != StatusActive {
		return nil, denied
	}
	sess.Account = &a
	return &sess, nil
}

// Logout ends the session of a token. Ending an unknown session is not an error.
func (s *Service) Logout(ctx context.Context, token string) error {
	return s.db.Conn(ctx).Where("token_hash = ?", hashSecret(token)).Delete(&Session{}).Error
}

// Me returns the account of the caller.
// Returns EUNAUTHORIZED when no account is logged in.
func (s *Service) Me(ctx context.Context) (*Account, error) {
	actor, err := mypos.RequireActor(ctx, mypos.KindOwner, mypos.KindPartner, mypos.KindCompany)
	if err != nil {
		return nil, err
	}
	return s.find(ctx, actor.Kind, actor.ID)
}
