package account

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"strings"
	"sync"
)

// A device proof lets a browser that logged in to an e-mail before be
// throttled on its own: failures from other addresses and other browsers
// never make it wait, so a guesser cannot lock the owner out. The browser
// keeps it in a cookie: a random device ID and, for each e-mail it logged
// in to (the latest maxDeviceTags), a tag — an HMAC of the ID and the
// e-mail's key under the cloud's device key. A tag names no e-mail, and
// nobody can make one without the key or the password.
const (
	deviceKeyName = "device"
	maxDeviceTags = 8
	deviceIDLen   = 43 // newSecret's 32 bytes, base64url
	tagBytes      = 16
	tagLen        = 22 // tagBytes in base64url
)

// deviceProof is what a browser presents: its ID and its tags.
type deviceProof struct {
	id   string
	tags []string
}

// parseDevice reads a device proof; anything malformed reads as none.
func parseDevice(v string) deviceProof {
	if len(v) > deviceIDLen+maxDeviceTags*(tagLen+1) {
		return deviceProof{}
	}
	parts := strings.Split(v, ".")
	if !isBase64URL(parts[0], deviceIDLen) {
		return deviceProof{}
	}
	p := deviceProof{id: parts[0]}
	for _, tag := range parts[1:] {
		if isBase64URL(tag, tagLen) {
			p.tags = append(p.tags, tag)
		}
	}
	return p
}

func (p deviceProof) String() string {
	return strings.Join(append([]string{p.id}, p.tags...), ".")
}

func isBase64URL(s string, n int) bool {
	if len(s) != n {
		return false
	}
	_, err := base64.RawURLEncoding.DecodeString(s)
	return err == nil
}

// deviceKeys holds the device key once read from the database, where the
// migration put it: every node of the cloud shares it, and a restart keeps
// it. A new secret in its row, once every node restarts, voids every
// device proof.
type deviceKeys struct {
	mu  sync.Mutex
	key []byte
}

func (s *Service) deviceKey(ctx context.Context) ([]byte, error) {
	s.devices.mu.Lock()
	defer s.devices.mu.Unlock()
	if s.devices.key == nil {
		var key string
		err := s.db.Conn(ctx).Raw("SELECT secret FROM server_keys WHERE name = ?", deviceKeyName).Row().Scan(&key)
		if err != nil {
			return nil, err
		}
		s.devices.key = []byte(key)
	}
	return s.devices.key, nil
}

// deviceTag is the tag that proves a device logged in to an e-mail.
func (s *Service) deviceTag(ctx context.Context, id, emailKey string) (string, error) {
	key, err := s.deviceKey(ctx)
	if err != nil {
		return "", err
	}
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(id + "\x00" + emailKey))
	return base64.RawURLEncoding.EncodeToString(mac.Sum(nil)[:tagBytes]), nil
}

// knownTag returns the device's tag for the e-mail when it presents it,
// or "" when the device never logged in to that e-mail.
func (s *Service) knownTag(ctx context.Context, p deviceProof, emailKey string) (string, error) {
	if len(p.tags) == 0 {
		return "", nil
	}
	want, err := s.deviceTag(ctx, p.id, emailKey)
	if err != nil {
		return "", err
	}
	for _, tag := range p.tags {
		if hmac.Equal([]byte(tag), []byte(want)) {
			return want, nil
		}
	}
	return "", nil
}

// rememberDevice returns the device's proof after a login to the e-mail:
// its tag first, the oldest dropped past maxDeviceTags, and an ID made for
// a device that had none.
func (s *Service) rememberDevice(ctx context.Context, p deviceProof, emailKey string) (string, error) {
	if p.id == "" {
		p.id, _ = newSecret()
	}
	tag, err := s.deviceTag(ctx, p.id, emailKey)
	if err != nil {
		return "", err
	}
	tags := []string{tag}
	for _, t := range p.tags {
		if t != tag && len(tags) < maxDeviceTags {
			tags = append(tags, t)
		}
	}
	return deviceProof{id: p.id, tags: tags}.String(), nil
}
