package agent

import (
	"errors"
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
// and when the next send may go. The queue itself is in the store.
type uploads struct {
	inFlight  map[string]time.Time // receipt ID → when its ack is due
	notBefore time.Time            // no send before this, after a refusal to retry
	retry     *backoff
	// acked says a receipt was acknowledged since the queue last drained:
	// when it drains, the till syncs (DESIGN §5, "after every receipt it
	// uploads") — once for the burst, not once a receipt.
	acked bool
}

func newUploads() *uploads {
	return &uploads{inFlight: map[string]time.Time{}, retry: newBackoff(time.Second, time.Minute)}
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
	recs, err := w.store.queuedReceipts(free, func(id string) bool { _, ok := u.inFlight[id]; return ok })
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
		w.uploads.inFlight[id] = w.now().Add(ackTimeout)
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

// onReceiptAck marks a receipt stored in the cloud and sends more.
func (w *worker) onReceiptAck(a *protocol.ReceiptAck) {
	id := a.ReceiptID
	if id == "" {
		id = a.ID
	}
	delete(w.uploads.inFlight, id)
	if w.settle(id, ReceiptAcked, "", "") {
		w.uploads.acked = true
		w.uploads.retry.reset()
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
		if e.Code == "rate_limited" {
			w.holdUploads()
		}
		return false
	}
	_, inFlight := w.uploads.inFlight[e.ID]
	delete(w.uploads.inFlight, e.ID)
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
// queued (a repeated or late answer) or the store failed.
func (w *worker) settle(id, state, code, message string) bool {
	ok, err := w.store.settleReceipt(id, state, code, message, w.now())
	switch {
	case err != nil:
		w.log.Error("receipt state not saved", "id", id, "state", state, "error", err)
	case ok && state == ReceiptRejected:
		w.log.Error("the cloud rejected a receipt for good", "id", id, "code", code, "message", message)
	case ok:
		w.log.Info("receipt uploaded", "id", id)
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
	n, err := w.store.ReceiptCounts()
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
	for id, due := range w.uploads.inFlight {
		if now.After(due) {
			w.log.Warn("receipt not acknowledged in time: sending it again", "id", id)
			delete(w.uploads.inFlight, id)
		}
	}
}

// dropUploads forgets what was in flight when the link dropped: those
// receipts are still queued on disk, and go again after the next hello.
func (w *worker) dropUploads() {
	clear(w.uploads.inFlight)
	w.uploads.notBefore = time.Time{}
}
