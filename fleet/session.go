// Sessions: fleet's state for each device connected to this node, indexed
// by device and by company.

package fleet

import (
	"sync"

	"mypos/changelog"
	"mypos/protocol"
)

// session is fleet's state for one device connected to this node. Its
// mutex is the device's outgoing queue: every send to the device — a push,
// a sync page, a command — happens under it, so a push never races a sync
// reply and the cursor moves with what was sent.
type session struct {
	mu        sync.Mutex
	deviceID  string
	companyID string
	view      changelog.View
	// agent is the version the device said hello with, "" when it spoke
	// before its hello; set when the session opens, never changed.
	agent string
	// lastSent is the revision the device will hold once it applied
	// everything sent: the next push starts from it.
	lastSent int64
	// acked is the last revision the device confirmed.
	acked int64
	// checked is the head up to which the device was found to see nothing
	// new: only then may an idle advance move it there with an empty batch.
	checked int64
	// syncing is set from the hello until the device's sync has sent its
	// last page: pushes wait for it.
	syncing bool
	// dropped says the broker lost a message for the device: the next push
	// starts again from acked.
	dropped bool
	// fromHello says the view was read at the hello, maybe after a move the
	// device does not hold yet: its first sync reads the log, which tells,
	// even when the cached head says it is at the head.
	fromHello bool
	// pageRows is how many rows the device's last full sync page took.
	pageRows int
	// serving is the sync being served: its request ID and the cursor of
	// the page it is due next. Asking for exactly that page is paced by
	// the cloud — the cursor is handed out one page at a time — and
	// spends no uplink budget (see Fleet.paced).
	serving servedSync
}

// servedSync is a sync in progress: the ID it was asked under and the
// cursor the cloud handed out with its last page.
type servedSync struct{ id, next string }

// due reports whether msg asks for the page the session handed out.
func (s *session) due(msg *protocol.Sync) bool {
	return msg.Cursor != "" && msg.ID == s.serving.id && msg.Cursor == s.serving.next
}

// readAhead is how many rows a sync page reads at a time: about as many as
// the last full page took, so a page costs one query and reads little that
// it does not send.
func (s *session) readAhead() int {
	if s.pageRows == 0 {
		return firstRead
	}
	return min(max(s.pageRows+s.pageRows/8+4, minRead), maxRead)
}

// sessions indexes this node's sessions by device and by company.
type sessions struct {
	mu        sync.Mutex
	byDevice  map[string]*session
	byCompany map[string]map[string]*session
}

func newSessions() *sessions {
	return &sessions{byDevice: make(map[string]*session), byCompany: make(map[string]map[string]*session)}
}

func (ss *sessions) put(s *session) {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	ss.removeLocked(s.deviceID)
	ss.byDevice[s.deviceID] = s
	if ss.byCompany[s.companyID] == nil {
		ss.byCompany[s.companyID] = make(map[string]*session)
	}
	ss.byCompany[s.companyID][s.deviceID] = s
}

func (ss *sessions) get(deviceID string) *session {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	return ss.byDevice[deviceID]
}

func (ss *sessions) remove(deviceID string) {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	ss.removeLocked(deviceID)
}

func (ss *sessions) removeLocked(deviceID string) {
	old := ss.byDevice[deviceID]
	if old == nil {
		return
	}
	delete(ss.byDevice, deviceID)
	delete(ss.byCompany[old.companyID], deviceID)
	if len(ss.byCompany[old.companyID]) == 0 {
		delete(ss.byCompany, old.companyID)
	}
}

// ofCompany returns the company's sessions on this node.
func (ss *sessions) ofCompany(companyID string) []*session {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	out := make([]*session, 0, len(ss.byCompany[companyID]))
	for _, s := range ss.byCompany[companyID] {
		out = append(out, s)
	}
	return out
}

// companies returns the companies with a session on this node.
func (ss *sessions) companies() []string {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	out := make([]string, 0, len(ss.byCompany))
	for c := range ss.byCompany {
		out = append(out, c)
	}
	return out
}

// all returns every session, for the periodic chores.
func (ss *sessions) all() []*session {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	out := make([]*session, 0, len(ss.byDevice))
	for _, s := range ss.byDevice {
		out = append(out, s)
	}
	return out
}
