package agent

import (
	"errors"
	"fmt"
	"time"

	"mypos/protocol"
)

// keyTimeout is how long the worker remembers a key entry the cloud has
// not answered; the local API gives up on it after licenseWait.
const keyTimeout = licenseWait + 5*time.Second

// errLinkLost says the connection dropped after a key was sent and before
// the cloud answered: it may or may not have been activated.
var errLinkLost = errors.New("the link to the cloud dropped before it answered")

// keyEntry is a key sent to the cloud, waiting for its license_reply.
type keyEntry struct {
	reply    chan<- keyResult
	deadline time.Time
}

// keyResult is the cloud's answer to a key entry, for the local API: its
// reply, or why there is none. After an activation, synced tells when the
// sync that brings the license to the local database is done.
type keyResult struct {
	reply  *protocol.LicenseReply
	synced <-chan synced
	err    error
}

// enterKey sends a key typed on the till (already checked: see
// protocol.NormalizeLicenseKey) with a fresh ID; reply gets the answer
// with that ID, or errOffline at once. reply must have room for one value.
func (w *worker) enterKey(key string, reply chan<- keyResult) {
	if w.send == nil {
		reply <- keyResult{err: errOffline}
		return
	}
	id := messageID()
	if err := w.send(&protocol.License{Header: protocol.Header{ID: id}, Key: key}); err != nil {
		reply <- keyResult{err: fmt.Errorf("send the key: %w", err)}
		return
	}
	w.keys[id] = &keyEntry{reply: reply, deadline: w.now().Add(keyTimeout)}
}

// onLicenseReply hands the cloud's answer to whoever typed the key. An
// activation also wants a sync, so the local database — and GET /v1/status — hold
// the license as soon as the reply is answered, not only once the push
// comes; the caller may wait for that sync.
func (w *worker) onLicenseReply(r *protocol.LicenseReply) {
	e := w.keys[r.ID]
	delete(w.keys, r.ID)
	res := keyResult{reply: r}
	if r.Result != protocol.LicenseRefused {
		done := make(chan synced, 1)
		w.waiters = append(w.waiters, done)
		res.synced = done
		w.want(false)
	}
	if e == nil {
		w.log.Info("a license reply nobody waits for", "id", r.ID, "result", r.Result, "code", r.Code)
		return
	}
	e.reply <- res
}

// keyRefused answers a key entry the cloud refused with an error message
// (a malformed or rate-limited uplink) instead of a license_reply; it
// reports whether e answered one.
func (w *worker) keyRefused(e *protocol.Error) bool {
	entry := w.keys[e.ID]
	if entry == nil {
		return false
	}
	delete(w.keys, e.ID)
	entry.reply <- keyResult{reply: &protocol.LicenseReply{Header: e.Header, Result: protocol.LicenseRefused, Code: e.Code, Message: e.Message}}
	return true
}

// dropKeys tells every waiting key entry the link dropped: the cloud
// answers on the connection it was asked on.
func (w *worker) dropKeys() {
	for id, e := range w.keys {
		e.reply <- keyResult{err: errLinkLost}
		delete(w.keys, id)
	}
}

// expireKeys forgets key entries the cloud never answered; their callers
// have long stopped waiting.
func (w *worker) expireKeys() {
	now := w.now()
	for id, e := range w.keys {
		if now.After(e.deadline) {
			delete(w.keys, id)
		}
	}
}
