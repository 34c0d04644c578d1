package agent

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"sync/atomic"
	"time"

	"mypos/protocol"
)

// tickEvery is how often the worker looks at its clock: a sync deferred by
// backoff starts, and a sync whose pages stopped coming is given up.
const tickEvery = 250 * time.Millisecond

// sender publishes a message to the cloud (the device's up topic). It must
// not wait for the broker: the worker that calls it is what drains the
// downlink, and waiting on one from the other could deadlock.
type sender func(protocol.Message) error

// worker is the apply worker: the one goroutine that writes the local database. It
// takes the cloud's messages from the inbox and the runner's and the local
// API's requests as tasks, so every rule of DESIGN §5 runs in one place, in
// order, with no locks. Its methods other than run and do are called only
// on its goroutine (or by a test, which then is that goroutine).
type worker struct {
	local *Local
	log   *slog.Logger
	inbox *inbox
	tasks chan func()
	now   func() time.Time
	agent string // the hello's agent name

	online atomic.Bool // read by the local API
	send   sender      // nil while offline
	rev    int64       // the local database's revision; only the worker changes it

	sync      *syncRun        // the sync in flight, nil when none
	pending   bool            // a sync is wanted but not started yet
	wantReset bool            // ... and it must be a full snapshot
	fresh     bool            // ... and it must not resume what was staged
	waiters   []chan<- synced // API callers waiting for the next sync to finish
	retry     *backoff        // after a failed sync, the next waits
	notBefore time.Time       // no sync starts before this

	keys    map[string]*keyEntry // key entries sent, by message ID, waiting for the cloud's answer
	uploads *uploads             // the receipts on their way to the cloud
}

func newWorker(local *Local, log *slog.Logger, agentName string) (*worker, error) {
	rev, err := local.Rev()
	if err != nil {
		return nil, err
	}
	return &worker{
		local: local, log: log, inbox: newInbox(), tasks: make(chan func()), now: time.Now,
		agent: agentName, rev: rev, retry: newBackoff(time.Second, 30*time.Second),
		keys: make(map[string]*keyEntry), uploads: newUploads(),
	}, nil
}

// run serves the inbox and the tasks until ctx ends.
func (w *worker) run(ctx context.Context) {
	defer close(w.inbox.done)
	tick := time.NewTicker(tickEvery)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case m := <-w.inbox.ch:
			w.receive(m)
		case task := <-w.tasks:
			task()
		case <-tick.C:
			w.tick()
		}
	}
}

// do runs task on the worker's goroutine; false when the worker stopped.
func (w *worker) do(task func()) bool {
	select {
	case w.tasks <- task:
		return true
	case <-w.inbox.done:
		return false
	}
}

// receive dispatches one downlink message. A malformed one is counted and
// dropped: the cloud's messages are not requests, there is no one to answer.
func (w *worker) receive(m inbound) {
	if m.err != nil {
		n := w.inbox.malformed.Add(1)
		w.log.Warn("malformed message dropped", "error", m.err, "malformed_total", n)
		return
	}
	w.log.Debug("received", describe(m.msg)...)
	switch m := m.msg.(type) {
	case *protocol.Changes:
		w.onChanges(m)
	case *protocol.SyncReply:
		w.onPage(m)
	case *protocol.Command:
		w.onCommand(m)
	case *protocol.LicenseReply:
		w.onLicenseReply(m)
	case *protocol.ReceiptAck:
		w.onReceiptAck(m)
	case *protocol.Error:
		w.onError(m)
	default:
		w.log.Info("received", describe(m)...)
	}
	if len(w.inbox.ch) == 0 { // a burst of acks is over: one write for it
		w.landAcks()
	}
}

// connected starts serving a new connection: hello with the revision held,
// then a sync — whatever happened while the till was away, it catches up —
// and the receipts queued meanwhile.
func (w *worker) connected(send sender) {
	if w.sync != nil { // the last connection's, had its loss not been told
		w.abandon("a new connection")
	}
	w.send = send
	w.online.Store(true)
	w.up(&protocol.Hello{Rev: w.rev, Agent: w.agent})
	w.notBefore = time.Time{} // a new connection syncs at once
	w.want(false)
	w.pumpReceipts()
}

// disconnected forgets the connection. A sync in flight dies with it (the
// cloud answers on the connection it was asked on); its callers are told.
// Receipts in flight are queued again.
func (w *worker) disconnected() {
	w.send = nil
	w.online.Store(false)
	if w.sync != nil { // its pages stay staged: the next connection resumes it
		w.answer(w.sync.waiters, synced{err: errOffline})
		w.wantReset = w.wantReset || w.sync.since == 0
		w.sync = nil
	}
	w.answer(w.waiters, synced{err: errOffline})
	w.waiters = nil
	w.dropKeys()
	w.dropUploads()
}

// up sends a message to the cloud, with a fresh ID unless it has one.
// Offline it is dropped: a new connection starts with hello and a sync,
// which carry everything the cloud needs to know.
func (w *worker) up(m protocol.Message) {
	if w.send == nil {
		return
	}
	if protocol.HeaderOf(m).ID == "" {
		setID(m, messageID())
	}
	if err := w.send(m); err != nil {
		w.log.Warn("send to the cloud failed", "type", fmt.Sprintf("%T", m), "error", err)
	}
}

// setID stamps a message's envelope ID (the types the agent sends).
func setID(m protocol.Message, id string) {
	switch m := m.(type) {
	case *protocol.Hello:
		m.ID = id
	case *protocol.Sync:
		m.ID = id
	case *protocol.Ack:
		m.ID = id
	}
}

// ack tells the cloud the revision now held.
func (w *worker) ack() { w.up(&protocol.Ack{Rev: w.rev}) }

// onCommand does what the cloud asks: load now, or load everything.
func (w *worker) onCommand(c *protocol.Command) {
	w.log.Info("command", "name", c.Name, "id", c.ID)
	switch c.Name {
	case protocol.CommandSync:
		w.want(false)
	case protocol.CommandReset:
		w.want(true)
	default:
		w.log.Warn("unknown command ignored", "name", c.Name)
	}
}

// onError logs a refusal; one that answers the sync in flight ends it —
// to resume after a backoff, or to start over at once when the cloud says
// so —, one that answers a key entry is its answer, one that names a
// receipt rejects it or holds it back.
func (w *worker) onError(e *protocol.Error) {
	w.log.Warn("the cloud refused a message", "id", e.ID, "code", e.Code, "message", e.Message)
	if w.keyRefused(e) || w.receiptRefused(e) {
		return
	}
	switch {
	case w.sync == nil || e.ID != w.sync.id:
	case e.Code == protocol.CodeStartOver:
		w.startOver(e)
	default:
		w.failSync(fmt.Errorf("%w: %s: %s", errSyncRefused, e.Code, e.Message))
	}
}

// checkItems refuses a batch the local database cannot hold faithfully: an upsert
// must carry a JSON object. Refusing the whole batch keeps the till at a
// revision it really holds.
func checkItems(items []protocol.Item) error {
	for i, it := range items {
		if it.Op == protocol.OpUpsert && !bytes.HasPrefix(bytes.TrimSpace(it.Body), []byte("{")) {
			return fmt.Errorf("item %d (%s %s): an upsert's body must be a JSON object", i, it.Kind, it.ID)
		}
	}
	return nil
}
