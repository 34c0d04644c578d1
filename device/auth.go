package device

import (
	"context"
	"crypto/subtle"
	"sync"
	"time"

	"mypos"
	"mypos/db"
)

// The broker asks for every connection; a reconnect storm of thousands of
// terminals must not become thousands of queries. A positive answer is
// remembered briefly; this process forgets it at once when the device is
// revoked or re-enrolled (other nodes within authCacheTTL).
const (
	authCacheTTL  = 5 * time.Second
	authCacheSize = 100_000
	maxSecret     = 128
)

// Authenticate checks a device's MQTT credentials: it is the broker's
// Authenticator. Anyone may call it.
// Returns EUNAUTHORIZED for an unknown, revoked or not enrolled device, or
// a wrong secret.
func (s *Service) Authenticate(ctx context.Context, deviceID, secret string) error {
	denied := mypos.Errorf(mypos.EUNAUTHORIZED, "Unknown device or wrong secret.")
	if !mypos.ValidID(deviceID) || secret == "" || len(secret) > maxSecret {
		return denied
	}
	hash := sha256Hex(secret)
	cached, gen, ok := s.cache.lookup(deviceID)
	if ok && equalHash(hash, cached) {
		return nil
	}
	var rows []struct{ SecretHash *string }
	err := s.db.Conn(ctx).Raw(`SELECT secret_hash FROM devices WHERE id = ? AND revoked_at IS NULL`, deviceID).Scan(&rows).Error
	if err != nil {
		return err
	}
	if len(rows) == 0 || rows[0].SecretHash == nil || !equalHash(hash, *rows[0].SecretHash) {
		return denied
	}
	s.cache.store(deviceID, hash, gen)
	return nil
}

// equalHash compares two hex hashes in constant time.
func equalHash(a, b string) bool {
	return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}

// forgetAfterCommit drops a device's cached secret now and once the
// transaction of ctx commits, so no answer read before the commit survives it.
func (s *Service) forgetAfterCommit(ctx context.Context, deviceID string) {
	s.cache.forget(deviceID)
	db.AfterCommit(ctx, func() { s.cache.forget(deviceID) })
}

// authCache remembers recently accepted secret hashes. Every forget bumps a
// generation; an answer read from the database under an older generation
// is not cached, so a lookup racing a revocation cannot bring it back.
type authCache struct {
	mu      sync.Mutex
	now     func() time.Time
	ttl     time.Duration
	size    int
	gen     uint64
	entries map[string]cachedSecret
}

type cachedSecret struct {
	hash  string
	until time.Time
}

func newAuthCache(now func() time.Time, ttl time.Duration, size int) *authCache {
	return &authCache{now: now, ttl: ttl, size: size, entries: make(map[string]cachedSecret)}
}

// lookup returns a device's fresh cached hash, if any, and the generation
// to store a database answer under.
func (c *authCache) lookup(id string) (string, uint64, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[id]
	if ok && c.now().After(e.until) {
		delete(c.entries, id)
		ok = false
	}
	return e.hash, c.gen, ok
}

func (c *authCache) store(id, hash string, gen uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if gen != c.gen {
		return
	}
	now := c.now()
	if len(c.entries) >= c.size {
		for k, e := range c.entries {
			if now.After(e.until) {
				delete(c.entries, k)
			}
		}
		if len(c.entries) >= c.size {
			return
		}
	}
	c.entries[id] = cachedSecret{hash: hash, until: now.Add(c.ttl)}
}

func (c *authCache) forget(id string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.entries, id)
	c.gen++
}
