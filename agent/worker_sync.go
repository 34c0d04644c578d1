package agent

import (
	"errors"
	"fmt"
	"time"

	"mypos/protocol"
)

// pageTimeout is how long a sync waits for its next page before it is
// given up and tried again — from the last page it staged: a lost page
// must not leave the till ignoring pushes for ever. It bounds the wait for
// one page, not the whole sync, however many pages that takes.
const pageTimeout = 30 * time.Second

// progressEvery is how many pages a sync stages between two log lines: a
// catalog of 200,000 goods is over a thousand pages, which the till's log
// shows moving.
const progressEvery = 100

// syncRun is the sync in flight.
type syncRun struct {
	id       string
	since    int64
	deadline time.Time // the next page is due by then
	pages    int       // staged by this run (a resumed sync counts anew)
	waiters  []chan<- synced
}

// synced is a sync's outcome for a caller of the local API.
type synced struct {
	rev int64
	err error
}

var (
	errOffline     = errors.New("the till is offline")
	errSyncRefused = errors.New("the cloud refused the sync")
	errSyncTimeout = errors.New("the cloud stopped answering the sync")
)

// want asks for a sync: now if nothing stands in the way, else as soon as
// the sync in flight ends or the backoff after a failed one has passed. A
// reset outranks a sync in flight, which is abandoned (its late pages carry
// its ID and are ignored), and whatever was staged: it starts over.
func (w *worker) want(reset bool) {
	w.pending = true
	w.wantReset = w.wantReset || reset
	w.fresh = w.fresh || reset
	if reset && w.sync != nil {
		w.abandon("a reset")
	}
	w.startIfDue()
}

// abandon drops the sync in flight for a newer one; its callers wait for
// that one instead, and a full snapshot it was is still wanted.
func (w *worker) abandon(why string) {
	w.log.Info("sync abandoned", "id", w.sync.id, "for", why)
	w.waiters = append(w.waiters, w.sync.waiters...)
	w.wantReset = w.wantReset || w.sync.since == 0
	w.sync = nil
}

// startIfDue starts the wanted sync when it may start: from the cursor
// where a sync was cut short, if it can go on (see Store.openStaging),
// else from the beginning.
func (w *worker) startIfDue() {
	if !w.pending || w.sync != nil || w.send == nil || w.now().Before(w.notBefore) {
		return
	}
	since := w.rev
	if w.wantReset {
		since = 0
	}
	s := &syncRun{id: messageID(), since: since, deadline: w.now().Add(pageTimeout), waiters: w.waiters}
	fresh := w.fresh
	w.sync, w.waiters, w.pending, w.wantReset, w.fresh = s, nil, false, false, false
	var cursor string
	var err error
	if s.since, cursor, err = w.local.openStaging(s.id, since, fresh); err != nil {
		w.failSync(err)
		return
	}
	if cursor != "" {
		w.log.Info("sync resumed", "id", s.id, "since", s.since)
	}
	w.up(&protocol.Sync{Header: protocol.Header{ID: s.id}, Since: s.since, Cursor: cursor})
}

// startOver begins the sync in flight again from its first page: the
// cloud cannot continue from the cursor it was resumed at. That is no
// failure — nothing waits out a backoff — and the new sync has no cursor,
// which the cloud never refuses so.
func (w *worker) startOver(e *protocol.Error) {
	w.abandon("a fresh start: " + e.Message)
	w.pending, w.fresh = true, true
	w.startIfDue()
}

// onPage stages a page of the sync in flight, asks for the next, and
// commits after the last. Pages of any other sync are ignored.
func (w *worker) onPage(p *protocol.SyncReply) {
	s := w.sync
	if s == nil || p.ID != s.id {
		w.log.Debug("page of another sync ignored", "id", p.ID)
		return
	}
	if err := w.stagePage(s, p); err != nil {
		w.fresh = true // a page the till cannot take: no resuming after it
		w.failSync(err)
		return
	}
	s.pages++
	if s.pages%progressEvery == 0 {
		w.log.Info("sync progress", "id", s.id, "pages", s.pages)
	}
	if p.Next != "" {
		s.deadline = w.now().Add(pageTimeout)
		w.up(&protocol.Sync{Header: protocol.Header{ID: s.id}, Since: s.since, Cursor: p.Next})
		return
	}
	w.commitSync(s, p.To)
}

func (w *worker) stagePage(s *syncRun, p *protocol.SyncReply) error {
	if !p.Reset && p.To < s.since {
		return fmt.Errorf("a page ends at revision %d, before the sync's start %d", p.To, s.since)
	}
	if err := checkItems(p.Items); err != nil {
		return err
	}
	return w.local.stage(s.id, p)
}

// commitSync makes the staged pages the till's view at revision to.
func (w *worker) commitSync(s *syncRun, to int64) {
	c, err := w.local.commit(s.id, to)
	if err != nil {
		w.failSync(err)
		return
	}
	w.rev, w.sync = to, nil
	w.retry.reset()
	w.notBefore = time.Time{}
	w.log.Info("synced", "revision", to, "reset", c.reset, "items", c.items)
	w.ack()
	w.answer(s.waiters, synced{rev: to})
	w.startIfDue() // a trigger that came mid-sync
}

// failSync ends the sync in flight; the next one waits out a backoff, so
// a cloud that refuses is not asked again at once, and resumes from the
// last page staged. A full snapshot it was is still wanted.
func (w *worker) failSync(err error) {
	s := w.sync
	w.sync = nil
	w.wantReset = w.wantReset || s.since == 0
	wait := w.retry.next()
	w.notBefore = w.now().Add(wait)
	w.log.Warn("sync failed", "id", s.id, "error", err, "retry_in", wait.Round(time.Millisecond))
	w.answer(s.waiters, synced{err: err})
}

// tick gives up a sync whose pages stopped coming — and wants another,
// as nothing else would ask — starts a sync deferred by backoff, forgets
// key entries never answered, and sends again receipts never acknowledged
// or held back by a backoff.
func (w *worker) tick() {
	w.expireKeys()
	w.landAcks()
	w.expireReceipts()
	w.pumpReceipts()
	if s := w.sync; s != nil && w.now().After(s.deadline) {
		w.failSync(errSyncTimeout)
		w.pending = true
	}
	w.startIfDue()
}

// requestSync is the local API's Load: reply gets the revision the next
// sync reaches, or why there is none. reply must have room for one value.
func (w *worker) requestSync(reply chan<- synced) {
	if w.send == nil {
		reply <- synced{err: errOffline}
		return
	}
	w.waiters = append(w.waiters, reply)
	w.want(false)
}

func (w *worker) answer(waiters []chan<- synced, res synced) {
	for _, ch := range waiters {
		ch <- res
	}
}
