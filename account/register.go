package account

import (
	"context"
	"strings"

	"mypos"
	"mypos/db"
)

// Registration is what a new partner or company tells about itself.
type Registration struct {
	Kind     string `json:"kind"`
	Name     string `json:"name"`
	INN      string `json:"inn"`
	Email    string `json:"email"`
	Password string `json:"password"`
	City     string `json:"city"`
}

// Register signs up a partner or a company. A company is active at once; a
// partner waits for the owner's approval. It is not throttled: the network
// calls SignUp.
// Returns EINVALID for bad fields, ECONFLICT when the e-mail already has an
// account of that kind.
func (s *Service) Register(ctx context.Context, r Registration) (*Account, error) {
	switch r.Kind {
	case mypos.KindCompany:
		return s.create(ctx, r, StatusActive)
	case mypos.KindPartner:
		return s.create(ctx, r, StatusPending)
	default:
		return nil, mypos.Invalid("kind", "Register as a %q or a %q.", mypos.KindCompany, mypos.KindPartner)
	}
}

// SignUp is Register throttled per address (signupRule): a sign-up that
// gets past validation counts, taken e-mail or not. Anyone may call it.
// Returns ERATELIMIT past the limit, and what Register returns.
func (s *Service) SignUp(ctx context.Context, r Registration, address string) (*Account, error) {
	k := key{"signup:" + addressKey(address), signupRule}
	if wait := s.throttle.begin(k); wait > 0 {
		return nil, mypos.RateLimited(wait, "Too many sign-ups from this address: try again in %s.", roundUp(wait))
	}
	a, err := s.Register(ctx, r)
	s.throttle.end(mypos.ErrorCode(err) != mypos.EINVALID, k)
	return a, err
}

// CreatePartner registers an active partner. Owner only.
// Returns EFORBIDDEN for anyone else, EINVALID and ECONFLICT as Register.
func (s *Service) CreatePartner(ctx context.Context, r Registration) (*Account, error) {
	if _, err := mypos.RequireActor(ctx, mypos.KindOwner); err != nil {
		return nil, err
	}
	r.Kind = mypos.KindPartner
	return s.create(ctx, r, StatusActive)
}

// CreateOwner creates an owner account. It is for the command line and the
// first start, which act as the machine's administrator.
// Returns EINVALID for a bad e-mail or password, ECONFLICT when it exists.
func (s *Service) CreateOwner(ctx context.Context, email, password string) (*Account, error) {
	return s.create(ctx, Registration{Kind: mypos.KindOwner, Name: "Owner", Email: email, Password: password}, StatusActive)
}

// HasOwner reports whether any owner account exists.
func (s *Service) HasOwner(ctx context.Context) (bool, error) {
	var n int64
	err := s.db.Conn(ctx).Model(&Account{}).Where("kind = ?", mypos.KindOwner).Count(&n).Error
	return n > 0, err
}

func (s *Service) create(ctx context.Context, r Registration, status string) (*Account, error) {
	a, err := s.newAccount(r, status)
	if err != nil {
		return nil, err
	}
	for attempt := 0; ; attempt++ {
		if a.Kind == mypos.KindPartner {
			code := partnerCode()
			a.Code = &code
		}
		err = s.db.Conn(ctx).Create(a).Error
		if !db.IsDuplicate(err) {
			break
		}
		if taken, terr := s.emailTaken(ctx, a); terr != nil || taken {
			if terr != nil {
				return nil, terr
			}
			return nil, &mypos.Error{Code: mypos.ECONFLICT, Field: "email", Message: "This e-mail already has an account of this kind (" + a.Kind + "): log in instead."}
		}
		if attempt == 4 { // five partner-code collisions in a row: something else is wrong
			return nil, err
		}
	}
	if err != nil {
		return nil, err
	}
	s.log.Info("account created", "kind", a.Kind, "account", a.ID, "status", a.Status)
	return a, nil
}

func (s *Service) emailTaken(ctx context.Context, a *Account) (bool, error) {
	var n int64
	err := s.db.Conn(ctx).Model(&Account{}).Where("kind = ? AND email_key = ?", a.Kind, a.EmailKey).Count(&n).Error
	return n > 0, err
}

// Field limits, in characters.
const (
	maxName = 200
	maxCity = 100
)

// newAccount validates a registration and builds the row, password hashed.
func (s *Service) newAccount(r Registration, status string) (*Account, error) {
	name, err := mypos.Text("name", r.Name, 1, maxName)
	if err != nil {
		return nil, err
	}
	email, key, err := normalizeEmail(r.Email)
	if err != nil {
		return nil, err
	}
	inn := strings.TrimSpace(r.INN)
	if r.Kind != mypos.KindOwner {
		if err := ValidateINN("inn", inn); err != nil {
			return nil, err
		}
	}
	city, err := mypos.Text("city", r.City, 0, maxCity)
	if err != nil {
		return nil, err
	}
	hash, err := s.hashPassword(r.Password)
	if err != nil {
		return nil, err
	}
	now := s.db.Now()
	a := &Account{
		ID: mypos.NewID(), Kind: r.Kind, Email: email, EmailKey: key, PasswordHash: hash,
		Name: name, NameKey: searchKey(name), INN: inn, City: city, Status: status, CreatedAt: now,
	}
	if status == StatusActive && r.Kind == mypos.KindPartner {
		a.ApprovedAt = &now
	}
	return a, nil
}

// partnerCodeLen is the length of a partner's code, in characters.
const partnerCodeLen = 6

// partnerCode is six characters a company types to find its partner:
// 31⁶ ≈ 887 million codes, so collisions are rare and retried.
func partnerCode() string {
	return mypos.RandomCode(mypos.CodeAlphabet, partnerCodeLen)
}

// ApprovePartner activates a partner who signed up. Owner only; approving an
// active partner changes nothing.
// Returns EFORBIDDEN for anyone else, ENOTFOUND when there is no such partner.
func (s *Service) ApprovePartner(ctx context.Context, id string) (*Account, error) {
	if _, err := mypos.RequireActor(ctx, mypos.KindOwner); err != nil {
		return nil, err
	}
	var a *Account
	err := s.db.InTx(ctx, func(ctx context.Context) error {
		var err error
		if a, err = s.find(ctx, mypos.KindPartner, id); err != nil {
			return err
		}
		if a.Status == StatusActive {
			return nil
		}
		now := s.db.Now()
		a.Status, a.ApprovedAt = StatusActive, &now
		return s.db.Conn(ctx).Model(a).Select("status", "approved_at").Updates(a).Error
	})
	if err != nil {
		return nil, err
	}
	return a, nil
}
