package agent

import (
	"errors"
	"slices"
	"time"

	"mypos/protocol"
)

// Upload pacing. uploadWindow receipts may be unacknowledged at once:
// enough to drain a day offline in seconds, well within the cloud's
// per-device rate. A receipt unacknowledged for ackTimeout is sent again;
// the cloud stores a receipt once per device and ID, so a repeat is
// harmless, and it is how a receipt the cloud dropped unanswered (its
// queue full, the device over its rate) gets through.
const (
	uploadWindow = 32
	ackTimeout   = 10 * time.Second
)

// Codes of the cloud's refusals that are final: the receipt as it stands
// will never be taken. Any other code — rate_limited, queue_full,
// internal, unsupported, one this agent does not know — means later.
var finalCodes = map[string]bool{protocol.CodeBadField: true, protocol.CodeMalformed: true}

// uploads is the worker's side of the receipt queue: what is on its way
// and when the next send may go. The queue itself is in the local database.
type uploads struct {
	inFlight  map[string]flight // by receipt ID
	flying    map[uint64]bool   // the same, by place in the queue
	notBefore time.Time         // no send before this, after a refusal to retry
	retry     *backoff
	// landed are the receipts acknowledged but not yet marked so on disk:
	// a burst of acks is written in one transaction (one fsync), once the
	// inbox has no more. A crash before that only means a repeat upload,
	// which the cloud acknowledges again.
	landed []string
	// acked says a receipt was acknowledged since the queue last drained:
	// when it drains, the till syncs (DESIGN §5, "after every receipt it
	// uploads") — once for the burst, not once a receipt.
	acked bool
}

// flight is a receipt sent and not yet answered.
type flight struct {
	seq uint64    // its place in the queue
	due time.Time // when its ack is overdue
}

func newUploads() *uploads {
	return &uploads{inFlight: map[string]flight{}, flying: map[uint64]bool{}, retry: newBackoff(time.Second, time.Minute)}
}

// fly records a receipt sent.
func (u *uploads) fly(id string, seq uint64, due time.Time) {
	u.inFlight[id] = flight{seq: seq, due: due}
	u.flying[seq] = true
}

// land forgets a receipt in flight; false when it was not.
func (u *uploads) land(id string) bool {
	f, ok := u.inFlight[id]
	delete(u.inFlight, id)
	delete(u.flying, f.seq)
	return ok
}

// pumpReceipts sends queued receipts, oldest first, until uploadWindow are
// in flight. Offline, or while a retry waits out its backoff, it does
// nothing: the receipts stay queued on disk.
func (w *worker) pumpReceipts() {
	u := w.uploads
	free := uploadWindow - len(u.inFlight)
	if w.send == nil || free <= 0 || w.now().Before(u.notBefore) {
		return
	}
	recs, err := w.local.queuedReceipts(free, func(seq uint64) bool { return u.flying[seq] })
	if err != nil {
		w.log.Error("read the receipt queue", "error", err)
		return
	}
	for _, rec := range recs {
		if !w.sendReceipt(rec) {
			return
		}
	}
}

// sendReceipt uploads one receipt; false stops this round of sends.
func (w *worker) sendReceipt(rec *receiptRecord) bool {
	id := rec.Sale.ID
	err := w.send(&protocol.ReceiptUpload{Header: protocol.Header{ID: id}, Receipt: rec.Sale})
	var de *protocol.DecodeError
	switch {
	case err == nil:
		w.uploads.fly(id, rec.Seq, w.now().Add(ackTimeout))
		return true
	case errors.As(err, &de): // it cannot be encoded, so never sent: checked at sale, so not expected
		w.settle(id, ReceiptRejected, de.Code, de.Message)
		return true
	default:
		w.log.Warn("receipt not sent", "id", id, "error", err)
		w.holdUploads()
		return false
	}
}

// onReceiptAck notes a receipt stored in the cloud; landAcks writes it
// down with the rest of its burst. It stays in flight until then, so the
// window does not reopen before the disk says so.
func (w *worker) onReceiptAck(a *protocol.ReceiptAck) {
	id := a.ReceiptID
	if id == "" {
		id = a.ID
	}
	if _, ok := w.uploads.inFlight[id]; ok {
		w.uploads.landed = append(w.uploads.landed, id)
	}
}

// landAcks marks the acknowledged receipts acked on disk in one
// transaction and sends more; the worker calls it when its inbox is empty.
func (w *worker) landAcks() {
	u := w.uploads
	if len(u.landed) == 0 {
		return
	}
	n, err := w.local.settleAcked(u.landed, w.now())
	if err != nil {
		w.log.Error("receipt states not saved", "receipts", len(u.landed), "error", err)
	}
	for _, id := range u.landed {
		u.land(id)
	}
	u.landed = u.landed[:0]
	if n > 0 {
		w.log.Info("receipts uploaded", "receipts", n)
		u.acked = true
		u.retry.reset()
	}
	w.pumpReceipts()
	w.syncIfDrained()
}

// receiptRefused handles the cloud's refusal of a receipt; it reports
// whether e was about one. A final refusal rejects the receipt (kept, to
// be seen and dealt with); any other waits out a backoff and sends it
// again. A rate_limited error with no ID — the cloud drops a device's
// messages over its rate without reading them — holds uploads back too.
func (w *worker) receiptRefused(e *protocol.Error) bool {
	if e.ID == "" {
		if e.Code == protocol.CodeRateLimited {
			w.holdUploads()
		}
		return false
	}
	inFlight := w.uploads.land(e.ID)
	if finalCodes[e.Code] {
		if !w.settle(e.ID, ReceiptRejected, e.Code, e.Message) {
			return inFlight
		}
		w.pumpReceipts()
		w.syncIfDrained()
		return true
	}
	if inFlight {
		w.holdUploads()
	}
	return inFlight
}

// settle records the cloud's answer; false when the receipt was not
// queued (a repeated or late answer) or the local database failed.
func (w *worker) settle(id, state, code, message string) bool {
	ok, err := w.local.settleReceipt(id, state, code, message, w.now())
	switch {
	case err != nil:
		w.log.Error("receipt state not saved", "id", id, "state", state, "error", err)
	case ok && state == ReceiptRejected:
		w.log.Error("the cloud rejected a receipt for good", "id", id, "code", code, "message", message)
	}
	return ok && err == nil
}

// holdUploads stops sending for a backoff; what is in flight stays so.
func (w *worker) holdUploads() {
	wait := w.uploads.retry.next()
	w.uploads.notBefore = w.now().Add(wait)
	w.log.Info("receipt uploads held", "for", wait.Round(time.Millisecond))
}

// syncIfDrained syncs once the queue is empty after acknowledgements.
func (w *worker) syncIfDrained() {
	u := w.uploads
	if !u.acked || len(u.inFlight) > 0 {
		return
	}
	n, err := w.local.ReceiptCounts()
	if err != nil || n.Queued > 0 {
		return
	}
	u.acked = false
	w.want(false)
}

// expireReceipts takes back receipts whose ack is overdue; the next pump
// sends them again.
func (w *worker) expireReceipts() {
	now := w.now()
	for id, f := range w.uploads.inFlight {
		if now.After(f.due) && !slices.Contains(w.uploads.landed, id) {
			w.log.Warn("receipt not acknowledged in time: sending it again", "id", id)
			w.uploads.land(id)
		}
	}
}

// dropUploads forgets what was in flight when the link dropped: those
// receipts are still queued on disk, and go again after the next hello.
func (w *worker) dropUploads() {
	w.landAcks() // what the cloud answered before the drop stays answered
	clear(w.uploads.inFlight)
	clear(w.uploads.flying)
	w.uploads.notBefore = time.Time{}
}
