package device

import (
	"context"
	"time"

	"mypos"
)

// Lifetimes.
const (
	// CodeLifetime is how long an enrollment code works after it is issued.
	CodeLifetime = 24 * time.Hour
	// replyLifetime is how long after a code's first use a retry with the
	// same nonce gets the same answer.
	replyLifetime = 10 * time.Minute
)

// Nonce bounds: enough randomness to key the sealed reply, short enough to
// refuse junk.
const (
	minNonce = 16
	maxNonce = 128
)

// Enrollment is what a terminal gets for its code: who it is and its secret.
type Enrollment struct {
	DeviceID string `json:"device_id"`
	Secret   string `json:"secret"`
}

type enrollmentCode struct {
	CodeHash  string     `gorm:"column:code_hash;primaryKey"`
	DeviceID  string     `gorm:"column:device_id"`
	CreatedAt time.Time  `gorm:"column:created_at"`
	ExpiresAt time.Time  `gorm:"column:expires_at"`
	UsedAt    *time.Time `gorm:"column:used_at"`
}

func (enrollmentCode) TableName() string { return "enrollment_codes" }

type enrollmentReply struct {
	CodeHash     string    `gorm:"column:code_hash;primaryKey"`
	SealedSecret string    `gorm:"column:sealed_secret"`
	ExpiresAt    time.Time `gorm:"column:expires_at"`
}

func (enrollmentReply) TableName() string { return "enrollment_replies" }

// errBadCode is the one answer to an unknown, used or expired code, so a
// guesser learns nothing about which.
func errBadCode() error {
	return mypos.Errorf(mypos.EUNAUTHORIZED, "This enrollment code does not work: it is mistyped, used or expired. Get a new code in the cabinet.")
}

// NewEnrollmentCode issues a new code for a live device of the caller's
// company, to enroll it again (a replaced or reinstalled terminal). The
// device's secret and its previous unused codes are void at once. Company only.
// Returns EFORBIDDEN for anyone else, ENOTFOUND when the company has no such
// device, ECONFLICT when it is revoked.
func (s *Service) NewEnrollmentCode(ctx context.Context, id string) (string, time.Time, error) {
	actor, err := mypos.RequireActor(ctx, mypos.KindCompany)
	if err != nil {
		return "", time.Time{}, err
	}
	now := s.now()
	var code string
	err = s.db.InTx(ctx, func(ctx context.Context) error {
		if _, err := s.findLive(ctx, actor.CompanyID, id); err != nil {
			return err
		}
		if err := s.voidCodes(ctx, id); err != nil {
			return err
		}
		err := s.db.Conn(ctx).Exec(`UPDATE devices SET secret_hash = NULL, enrolled_at = NULL WHERE id = ?`, id).Error
		if err != nil {
			return err
		}
		s.forgetAfterCommit(ctx, id)
		code, err = s.issueCode(ctx, id, now)
		return err
	})
	if err != nil {
		return "", time.Time{}, err
	}
	s.log.Info("device enrollment code issued", "company", actor.CompanyID, "device", id)
	return code, now.Add(CodeLifetime), nil
}

// issueCode stores a new code for a device and returns it grouped for people.
func (s *Service) issueCode(ctx context.Context, deviceID string, now time.Time) (string, error) {
	code := newCode()
	bare, _ := normalizeCode(code)
	row := enrollmentCode{CodeHash: codeHash(bare), DeviceID: deviceID, CreatedAt: now, ExpiresAt: now.Add(CodeLifetime)}
	return code, s.db.Conn(ctx).Create(&row).Error
}

// voidCodes deletes a device's unused codes and every reply a retry could
// still fetch. Used codes stay: they are the device's enrollment history.
func (s *Service) voidCodes(ctx context.Context, deviceID string) error {
	conn := s.db.Conn(ctx)
	err := conn.Exec(`DELETE FROM enrollment_replies WHERE code_hash IN
		(SELECT code_hash FROM enrollment_codes WHERE device_id = ?)`, deviceID).Error
	if err != nil {
		return err
	}
	return conn.Exec(`DELETE FROM enrollment_codes WHERE device_id = ? AND used_at IS NULL`, deviceID).Error
}

// Enroll exchanges an enrollment code for the device's ID and a fresh
// secret. Anyone may call it: the code is the proof. The code is accepted
// with or without dashes and spaces, in any case. A retry with the same
// code and nonce within ten minutes of the first use gets the same answer,
// while the device still holds that secret. Attempts are limited per address.
// Returns ERATELIMIT with RetryAfter past the limit, EINVALID for a
// malformed nonce, EUNAUTHORIZED for an unknown, used or expired code or a
// different nonce — one message for all.
func (s *Service) Enroll(ctx context.Context, code, nonce, address string) (*Enrollment, error) {
	if wait := s.limit.take(address); wait > 0 {
		return nil, mypos.RateLimited(wait, "Too many enrollment attempts from this address: wait a minute and try again.")
	}
	if err := checkNonce(nonce); err != nil {
		return nil, err
	}
	bare, ok := normalizeCode(code)
	if !ok {
		return nil, errBadCode()
	}
	var e *Enrollment
	err := s.db.InTx(ctx, func(ctx context.Context) error {
		var err error
		e, err = s.enroll(ctx, codeHash(bare), nonce)
		return err
	})
	if err != nil {
		return nil, err
	}
	s.log.Info("device enrolled", "device", e.DeviceID, "address", address)
	return e, nil
}

func checkNonce(nonce string) error {
	if len(nonce) < minNonce || len(nonce) > maxNonce {
		return mypos.Invalid("nonce", "The nonce has %d to %d printable characters.", minNonce, maxNonce)
	}
	for i := 0; i < len(nonce); i++ {
		if nonce[i] <= ' ' || nonce[i] > '~' {
			return mypos.Invalid("nonce", "The nonce has %d to %d printable characters.", minNonce, maxNonce)
		}
	}
	return nil
}

// enroll uses the code if it is fresh, or answers a retry if it was used.
// Marking the code used is one conditional UPDATE, so of two terminals
// racing with one code exactly one wins; on Postgres the loser waits for the
// winner's commit and then finds its reply.
func (s *Service) enroll(ctx context.Context, hash, nonce string) (*Enrollment, error) {
	now := s.now()
	conn := s.db.Conn(ctx)
	res := conn.Exec(`UPDATE enrollment_codes SET used_at = ? WHERE code_hash = ? AND used_at IS NULL AND expires_at > ?`, now, hash, now)
	if res.Error != nil {
		return nil, res.Error
	}
	if res.RowsAffected == 0 {
		return s.retry(ctx, hash, nonce, now)
	}
	var code enrollmentCode
	if err := conn.Where("code_hash = ?", hash).Take(&code).Error; err != nil {
		return nil, err
	}
	secret, secretHash := newSecret()
	res = conn.Exec(`UPDATE devices SET secret_hash = ?, enrolled_at = ? WHERE id = ? AND revoked_at IS NULL`, secretHash, now, code.DeviceID)
	if res.Error != nil || res.RowsAffected == 0 {
		return nil, orBadCode(res.Error)
	}
	if err := conn.Exec(`DELETE FROM enrollment_replies WHERE expires_at <= ?`, now).Error; err != nil {
		return nil, err
	}
	reply := enrollmentReply{CodeHash: hash, SealedSecret: sealSecret(nonce, hash, secret), ExpiresAt: now.Add(replyLifetime)}
	if err := conn.Create(&reply).Error; err != nil {
		return nil, err
	}
	s.forgetAfterCommit(ctx, code.DeviceID)
	return &Enrollment{DeviceID: code.DeviceID, Secret: secret}, nil
}

// retry answers a used code's retry: the reply must be fresh, open with
// this nonce, and still be the device's secret (no re-enrollment or
// revocation since).
func (s *Service) retry(ctx context.Context, hash, nonce string, now time.Time) (*Enrollment, error) {
	var rows []struct {
		DeviceID     string
		SealedSecret string
		SecretHash   *string
	}
	err := s.db.Conn(ctx).Raw(`SELECT c.device_id, r.sealed_secret, d.secret_hash
		FROM enrollment_replies r
		JOIN enrollment_codes c ON c.code_hash = r.code_hash
		JOIN devices d ON d.id = c.device_id
		WHERE r.code_hash = ? AND r.expires_at > ? AND d.revoked_at IS NULL`, hash, now).Scan(&rows).Error
	if err != nil || len(rows) == 0 {
		return nil, orBadCode(err)
	}
	r := rows[0]
	secret, err := openSecret(nonce, hash, r.SealedSecret)
	if err != nil || r.SecretHash == nil || !equalHash(sha256Hex(secret), *r.SecretHash) {
		return nil, errBadCode()
	}
	return &Enrollment{DeviceID: r.DeviceID, Secret: secret}, nil
}

func orBadCode(err error) error {
	if err != nil {
		return err
	}
	return errBadCode()
}
