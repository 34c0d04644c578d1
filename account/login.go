package account

import (
	"context"
	"strings"
	"time"

	"mypos"
)

// maxAccountsPerEmail is how many accounts one e-mail can own: one of each
// kind. Every login spends this many hashes, so the time a login takes says
// nothing about how many accounts — if any — stand behind an e-mail.
const maxAccountsPerEmail = 3

// ticketLifetime bounds how long a user may take to pick a cabinet.
const ticketLifetime = 2 * time.Minute

// Credentials are what a login presents: what the user types, and the
// device proof their browser keeps (Login.Device of an earlier login).
type Credentials struct {
	Email    string `json:"email"`
	Password string `json:"password"`
	Device   string `json:"-"`
}

// Choice is one cabinet the user may pick when a password opens two.
type Choice struct {
	Kind string `json:"kind"`
	Name string `json:"name"`
}

// Login is the outcome of a login: a session, or a choice to make with a
// single-use ticket; and, either way, the device proof for the browser to
// keep and present next time.
type Login struct {
	Session *Session
	Ticket  string
	Choices []Choice
	Device  string
}

// Login applies the login rule: a password that opens one account opens it;
// one that opens two answers with the choice and a ticket for CompleteLogin.
// address is the caller's network address, for the backoff: failures slow
// down the e-mail from that address and the address, or — for a device
// that logged in to the e-mail before — that device alone. Anyone may call it.
// Returns EINVALID for what is not an e-mail address, EUNAUTHORIZED for a
// wrong e-mail or password (the same answer for both), EFORBIDDEN for a
// partner still awaiting approval, ERATELIMIT after too many failures.
func (s *Service) Login(ctx context.Context, c Credentials, address, via string) (*Login, error) {
	_, email, err := normalizeEmail(c.Email)
	if err != nil {
		return nil, err
	}
	device := parseDevice(c.Device)
	keys, err := s.loginKeys(ctx, device, email, address)
	if err != nil {
		return nil, err
	}
	if wait := s.throttle.begin(keys...); wait > 0 {
		return nil, mypos.RateLimited(wait, "Too many login attempts: try again in %s.", roundUp(wait))
	}
	matched, err := s.matching(ctx, email, c.Password)
	s.throttle.end(err == nil && len(matched) == 0, keys...)
	if err != nil {
		return nil, err
	}
	active := matched[:0:0]
	for _, a := range matched {
		if a.Status == StatusActive {
			active = append(active, a)
		}
	}
	switch {
	case len(matched) == 0:
		return nil, mypos.Errorf(mypos.EUNAUTHORIZED, "Wrong e-mail or password.")
	case len(active) == 0:
		return nil, mypos.Errorf(mypos.EFORBIDDEN, "Your partner account awaits the owner's approval.")
	}
	s.throttle.forget(keys[0])
	proof, err := s.rememberDevice(ctx, device, email)
	if err != nil {
		return nil, err
	}
	l := &Login{Device: proof}
	if len(active) == 1 {
		l.Session, err = s.openSession(ctx, &active[0], via)
	} else {
		l.Ticket, l.Choices, err = s.offerChoice(ctx, active)
	}
	if err != nil {
		return nil, err
	}
	return l, nil
}

// loginKeys are the keys a login is throttled by, the one its success
// clears first: the device's own for a device that logged in to the e-mail
// before, else the e-mail from the address, and the address.
func (s *Service) loginKeys(ctx context.Context, device deviceProof, emailKey, address string) ([]key, error) {
	tag, err := s.knownTag(ctx, device, emailKey)
	if err != nil {
		return nil, err
	}
	if tag != "" {
		return []key{{"device:" + tag, pairRule}}, nil
	}
	address = addressKey(address)
	return []key{
		{"pair:" + hashSecret(emailKey+"\x00"+address), pairRule}, // hashed: a key's size is bounded
		{"addr:" + address, addressRule},
	}, nil
}

// matching returns the accounts of an e-mail whose password is the given
// one, always spending maxAccountsPerEmail hashes.
func (s *Service) matching(ctx context.Context, key, password string) ([]Account, error) {
	var all []Account
	if err := s.db.Conn(ctx).Where("email_key = ?", key).Order("kind").Find(&all).Error; err != nil {
		return nil, err
	}
	var matched []Account
	for i := 0; i < maxAccountsPerEmail; i++ {
		if i >= len(all) {
			passwordMatches(s.dummy, password)
			continue
		}
		if passwordMatches([]byte(all[i].PasswordHash), password) {
			matched = append(matched, all[i])
		}
	}
	return matched, nil
}

func (s *Service) offerChoice(ctx context.Context, accounts []Account) (ticket string, choices []Choice, err error) {
	ticket, hash := newSecret()
	ids := make([]string, len(accounts))
	choices = make([]Choice, len(accounts))
	for i, a := range accounts {
		ids[i] = a.ID
		choices[i] = Choice{Kind: a.Kind, Name: a.Name}
	}
	err = s.db.Conn(ctx).Exec("INSERT INTO login_tickets (ticket_hash, account_ids, expires_at) VALUES (?, ?, ?)",
		hash, strings.Join(ids, ","), s.db.Now().Add(ticketLifetime)).Error
	if err != nil {
		return "", nil, err
	}
	return ticket, choices, nil
}

// CompleteLogin opens the cabinet of the given kind with a ticket from
// Login. The ticket is spent whatever the outcome, so it cannot be replayed.
// Returns EUNAUTHORIZED for an unknown, used or expired ticket, EINVALID
// when the ticket does not offer that kind.
func (s *Service) CompleteLogin(ctx context.Context, ticket, kind, via string) (*Session, error) {
	var ids string
	row := s.db.Conn(ctx).Raw("DELETE FROM login_tickets WHERE ticket_hash = ? AND expires_at > ? RETURNING account_ids",
		hashSecret(ticket), s.db.Now()).Row()
	if err := row.Scan(&ids); err != nil {
		return nil, mypos.Errorf(mypos.EUNAUTHORIZED, "This login choice has expired or was used: log in again.")
	}
	var a Account
	err := s.db.Conn(ctx).Where("id IN ? AND kind = ? AND status = ?", strings.Split(ids, ","), kind, StatusActive).Take(&a).Error
	if err != nil {
		return nil, mypos.Invalid("account", "Pick one of the offered cabinets, and log in again.")
	}
	return s.openSession(ctx, &a, via)
}

// PurgeExpired deletes expired sessions and tickets. Run it now and then.
func (s *Service) PurgeExpired(ctx context.Context) error {
	now := s.db.Now()
	if err := s.db.Conn(ctx).Where("expires_at <= ?", now).Delete(&Session{}).Error; err != nil {
		return err
	}
	return s.db.Conn(ctx).Exec("DELETE FROM login_tickets WHERE expires_at <= ?", now).Error
}

// roundUp rounds a wait up to whole seconds, as Retry-After speaks them.
func roundUp(d time.Duration) time.Duration {
	return (d + time.Second - 1).Truncate(time.Second)
}
