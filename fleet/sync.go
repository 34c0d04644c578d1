// The sync engine's requests: hello opens a device's session, sync answers
// one page, ack records what the device applied.

package fleet

import (
	"context"
	"encoding/json"

	"mypos/changelog"
	"mypos/protocol"
)

// hello opens the device's session at the revision it holds. The agent
// follows it with a sync, which brings it to the head.
func (f *Fleet) hello(ctx context.Context, deviceID string, msg *protocol.Hello) error {
	loc, err := f.devices.Locate(ctx, deviceID)
	if err != nil {
		return err
	}
	if _, err := f.head(ctx, loc.CompanyID); err != nil {
		return err
	}
	// A hello is followed by the device's sync: no push until it is done,
	// or the push would carry everything the sync is about to page in.
	s := &session{
		deviceID: deviceID, companyID: loc.CompanyID, agent: agentOf(msg),
		view:     changelog.View{DeviceID: deviceID, StoreID: loc.StoreID},
		lastSent: msg.Rev, acked: msg.Rev, syncing: true, fromHello: true,
	}
	f.sessions.put(s)
	f.acks.note(s, msg.Rev) // what it holds, from which it acknowledges
	return nil
}

// session returns the device's session, opening one at revision 0 when the
// device spoke before saying hello (its hello may still be queued).
func (f *Fleet) session(ctx context.Context, deviceID string) (*session, error) {
	if s := f.sessions.get(deviceID); s != nil {
		return s, nil
	}
	if err := f.hello(ctx, deviceID, &protocol.Hello{}); err != nil {
		return nil, err
	}
	return f.sessions.get(deviceID), nil
}

// sync answers one page of a device's sync. The first page fixes the
// revision the sync reaches; pushes wait until the last page is sent.
// Each page hands out the next one's cursor, which the session remembers:
// asking for it is the paced continuation (see paced); any other cursor is
// a resumed sync, checked before it is served (see resumedCursor).
func (f *Fleet) sync(ctx context.Context, deviceID string, msg *protocol.Sync) error {
	s, err := f.session(ctx, deviceID)
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	cur, err := f.cursorFor(ctx, s, msg)
	if err != nil {
		return err
	}
	data, next, err := f.page(ctx, s, msg.ID, msg.Since, cur)
	if err != nil {
		return err
	}
	if err := f.publishLocked(s, data); err != nil {
		return err
	}
	s.serving = servedSync{id: msg.ID, next: next}
	s.syncing = next != ""
	if !s.syncing {
		s.serving = servedSync{}
		s.lastSent = cur.to
		if head, _ := f.heads.get(s.companyID); head > s.lastSent {
			f.follower.notify(s.companyID, head) // commits made during the sync go out now
		}
	}
	return nil
}

// paced reports whether msg is the continuation of the sync the device's
// session is serving: the same request asking for the cursor the cloud
// handed out with its last page. Such a request is paced by the cloud —
// one page in flight, the next sent when asked — so it does not spend the
// uplink budget: a 200,000-goods catalog reaches a till as surely as 20
// goods. A replayed or foreign cursor, a first page, a resumed sync all
// spend it as any message does.
func (f *Fleet) paced(deviceID string, msg protocol.Message) bool {
	m, ok := msg.(*protocol.Sync)
	if !ok || m.Cursor == "" {
		return false
	}
	s := f.sessions.get(deviceID)
	if s == nil {
		return false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.due(m)
}

func (f *Fleet) cursorFor(ctx context.Context, s *session, msg *protocol.Sync) (syncCursor, error) {
	if s.due(msg) {
		return parseCursor(msg.Cursor) // the session's own: it parses
	}
	if msg.Cursor != "" {
		return f.resumedCursor(ctx, s, msg)
	}
	if head, ok := f.heads.get(s.companyID); ok && head == msg.Since && !s.fromHello {
		return syncCursor{to: head, after: itoa(head)}, nil // at the head already: no query
	}
	head, err := f.placeSync(ctx, s)
	if err != nil {
		return syncCursor{}, err
	}
	return f.firstCursor(ctx, s, msg.Since, head, false)
}

// placeSync reads the company's head and then the device's store into the
// session, for a sync that starts or resumes. A sync reads the log anyway:
// the head comes from it, not from the cache, which lags by the
// notifications still in flight. The store comes from the database: a move
// made while a previous sync was paging is known there, and a move made
// after the head is read both here and, later, by the follower, which then
// finds the device already where the move puts it.
func (f *Fleet) placeSync(ctx context.Context, s *session) (int64, error) {
	head, err := f.changes.Head(ctx, s.companyID)
	if err != nil {
		return 0, err
	}
	loc, err := f.devices.Locate(ctx, s.deviceID)
	if err != nil {
		return 0, err
	}
	s.view.StoreID, s.fromHello = loc.StoreID, false
	f.heads.raise(s.companyID, head)
	return head, nil
}

// ack records what the device applied; the acknowledged revision is where
// a resend starts after the broker dropped a message, and what the cabinet
// shows (written in batches, see acks).
func (f *Fleet) ack(ctx context.Context, deviceID string, msg *protocol.Ack) error {
	s, err := f.session(ctx, deviceID)
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if msg.Rev > s.acked && msg.Rev <= s.lastSent {
		s.acked = msg.Rev
		f.acks.note(s, msg.Rev)
	}
	return nil
}

// movedStore reports a change that places the session's device in another
// store: its view changes, and what it holds must be rebuilt.
func movedStore(s *session, c changelog.Change) (string, bool) {
	if c.Kind != protocol.KindDevice || c.Entity != s.deviceID || c.Op != protocol.OpUpsert {
		return "", false
	}
	var body struct {
		StoreID *string `json:"store_id"`
	}
	if json.Unmarshal(c.Body, &body) != nil {
		return "", false
	}
	storeID := ""
	if body.StoreID != nil {
		storeID = *body.StoreID
	}
	return storeID, storeID != s.view.StoreID
}
