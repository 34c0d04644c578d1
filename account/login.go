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

// Credentials are what a user types to log in.
type Credentials struct {
	Email    string `json:"email"`
	Password string `json:"password"`
}

// Choice is one cabinet the user may pick when a password opens two.
type Choice struct {
	Kind string `json:"kind"`
	Name string `json:"name"`
}

// Login is the outcome of a login: a session, or a choice to make with a
// single-use ticket.
type Login struct {
	Session *Session
	Ticket  string
	Choices []Choice
}

// Login applies the login rule: a password that opens one account opens it;
// one that opens two answers with the choice and a ticket for CompleteLogin.
// address is the caller's network address, for the backoff. Anyone may call it.
// Returns EINVALID for what is not an e-mail address, EUNAUTHORIZED for a
// wrong e-mail or password (the same answer for both), EFORBIDDEN for a
// partner still awaiting approval, ERATELIMIT after too many failures.
func (s *Service) Login(ctx context.Context, c Credentials, address, via string) (*Login, error) {
	_, key, err := normalizeEmail(c.Email)
	if err != nil {
		return nil, err
	}
	emailKey, addrKey := "email:"+key, "addr:"+address
	if wait := s.throttle.wait(emailKey, addrKey); wait > 0 {
		return nil, mypos.RateLimited(wait, "Too many failed logins: try again in %s.", roundUp(wait))
	}
	matched, err := s.matching(ctx, key, c.Password)
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
		s.throttle.fail(emailKey, emailLimit)
		s.throttle.fail(addrKey, addressLimit)
		return nil, mypos.Errorf(mypos.EUNAUTHORIZED, "Wrong e-mail or password.")
	case len(active) == 0:
		return nil, mypos.Errorf(mypos.EFORBIDDEN, "Your partner account awaits the owner's approval.")
	}
	s.throttle.forget(emailKey)
	if len(active) == 1 {
		sess, err := s.openSession(ctx, &active[0], via)
		return &Login{Session: sess}, err
	}
	return s.offerChoice(ctx, active)
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

func (s *Service) offerChoice(ctx context.Context, accounts []Account) (*Login, error) {
	ticket, hash := newSecret()
	ids := make([]string, len(accounts))
	choices := make([]Choice, len(accounts))
	for i, a := range accounts {
		ids[i] = a.ID
		choices[i] = Choice{Kind: a.Kind, Name: a.Name}
	}
	err := s.db.Conn(ctx).Exec("INSERT INTO login_tickets (ticket_hash, account_ids, expires_at) VALUES (?, ?, ?)",
		hash, strings.Join(ids, ","), s.db.Now().Add(ticketLifetime)).Error
	if err != nil {
		return nil, err
	}
	return &Login{Ticket: ticket, Choices: choices}, nil
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
