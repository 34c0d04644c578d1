package agent

import (
	"fmt"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"mypos/protocol"
)

// shopHarness is a harness whose local database holds the shop's catalog.
func shopHarness(t *testing.T) *harness {
	t.Helper()
	h := newHarness(t)
	if err := h.local.applyChanges(shop(), 5); err != nil {
		t.Fatal(err)
	}
	h.w.rev = 5
	return h
}

// ring registers n sales of one bread each, as the local API would, and
// returns their IDs in order.
func (h *harness) ring(n int) []string {
	h.t.Helper()
	var ids []string
	for range n {
		res := h.w.sell(&SaleRequest{CashierID: "anna", Payment: "cash", Lines: []SaleLineRequest{{GoodsID: "bread", Quantity: 1000}}})
		if res.err != nil {
			h.t.Fatal(res.err)
		}
		ids = append(ids, res.receipt.Sale.ID)
	}
	return ids
}

// uploads returns the receipts sent since the last take, and fails on
// anything else sent.
func (h *harness) uploads() []string {
	h.t.Helper()
	var ids []string
	for _, m := range h.take() {
		u, ok := m.(*protocol.ReceiptUpload)
		if !ok {
			h.t.Fatalf("sent %T, want receipt uploads only", m)
		}
		if u.ID != u.Receipt.ID {
			h.t.Fatalf("upload %s carries receipt %s", u.ID, u.Receipt.ID)
		}
		ids = append(ids, u.ID)
	}
	return ids
}

// connect puts the harness online and answers the connect's sync.
func (h *harness) connect() {
	h.t.Helper()
	h.w.connected(func(m protocol.Message) error { h.sent = append(h.sent, m); return nil })
	sent := h.take()
	if len(sent) < 2 {
		h.t.Fatalf("on connect the worker sent %d messages, want hello and sync first", len(sent))
	}
	if _, ok := sent[0].(*protocol.Hello); !ok {
		h.t.Fatalf("first on connect: %T, want hello", sent[0])
	}
	h.sent = sent[2:]
	s := sent[1].(*protocol.Sync)
	h.down(&protocol.SyncReply{Header: protocol.Header{ID: s.ID}, Since: s.Since, To: s.Since, Items: []protocol.Item{}})
	last := len(h.sent) - 1
	if ack, ok := h.sent[last].(*protocol.Ack); !ok || ack.Rev != s.Since {
		h.t.Fatalf("sent %T after the connect's sync, want its ack", h.sent[last])
	}
	h.sent = h.sent[:last]
}

func (h *harness) ack(id string) {
	h.t.Helper()
	h.down(&protocol.ReceiptAck{Header: protocol.Header{ID: id}, ReceiptID: id})
}

// state reads a receipt by its ID.
func (h *harness) state(id string) Receipt {
	h.t.Helper()
	var rec *receiptRecord
	err := h.local.db.View(func(tx *bolt.Tx) error {
		rb := tx.Bucket(bucketReceipts)
		key := rb.Bucket(bucketIDs).Get([]byte(id))
		if key == nil {
			return fmt.Errorf("receipt %s is not stored", id)
		}
		var err error
		rec, err = readReceipt(rb, key)
		return err
	})
	if err != nil {
		h.t.Fatal(err)
	}
	return rec.Receipt
}

func same(a, b []string) bool { return strings.Join(a, ",") == strings.Join(b, ",") }

// Receipts rung up offline go in order after hello, at most a window at
// a time; each ack lets one more go.
func TestUploadOrderAndWindow(t *testing.T) {
	h := shopHarness(t)
	ids := h.ring(uploadWindow + 3)
	h.sentNothing() // offline: queued on disk only
	h.connect()
	if got := h.uploads(); !same(got, ids[:uploadWindow]) {
		t.Fatalf("sent %d receipts, want the first %d in order", len(got), uploadWindow)
	}
	h.ack(ids[5])
	if got := h.uploads(); !same(got, ids[uploadWindow:uploadWindow+1]) {
		t.Fatalf("after an ack sent %v, want the next one", got)
	}
	h.ack(ids[5]) // a repeated ack changes nothing
	h.sentNothing()
	if r := h.state(ids[5]); r.State != ReceiptAcked || !r.StateAt.Equal(h.clock) {
		t.Fatalf("acked receipt: %+v", r)
	}
	// A receipt rung up while the window is full waits its turn.
	late := h.ring(1)
	h.sentNothing()
	for _, id := range ids[:3] {
		h.ack(id)
	}
	if got := h.uploads(); !same(got, append(ids[uploadWindow+1:], late...)) {
		t.Fatalf("after three acks sent %v, want the rest in order", got)
	}
}

// A sale rung up online is sent at once.
func TestUploadOnSale(t *testing.T) {
	h := shopHarness(t)
	h.connect()
	ids := h.ring(1)
	if got := h.uploads(); !same(got, ids) {
		t.Fatalf("sent %v, want %v at once", got, ids)
	}
	u := protocol.ReceiptUpload{Receipt: h.state(ids[0]).Sale}
	if _, err := protocol.CheckSale(&u.Receipt); err != nil {
		t.Fatalf("the upload fails the cloud's check: %v", err)
	}
}

// Once acks drain the queue the till syncs — once for the burst.
func TestUploadDrainSyncsOnce(t *testing.T) {
	h := shopHarness(t)
	h.connect()
	ids := h.ring(3)
	h.uploads()
	h.ack(ids[0])
	h.ack(ids[2])
	h.sentNothing()
	h.ack(ids[1])
	s := sentOne[*protocol.Sync](h)
	h.down(&protocol.SyncReply{Header: protocol.Header{ID: s.ID}, Since: s.Since, To: s.Since, Items: []protocol.Item{}})
	sentOne[*protocol.Ack](h)
	h.ack(ids[1]) // late repeats start nothing
	h.sentNothing()
	// The next burst syncs again.
	more := h.ring(1)
	h.uploads()
	h.ack(more[0])
	sentOne[*protocol.Sync](h)
}

// bad_field and malformed are final: the receipt is kept, rejected, and
// the queue goes on. Other codes hold the queue back for a while, then
// the receipt goes again.
func TestUploadRefusals(t *testing.T) {
	t.Run("Final", func(t *testing.T) {
		for _, code := range []string{"bad_field", "malformed"} {
			h := shopHarness(t)
			h.connect()
			ids := h.ring(2)
			h.uploads()
			h.down(&protocol.Error{Header: protocol.Header{ID: ids[0]}, Code: code, Message: "cashier_id: no such cashier"})
			h.sentNothing()
			if r := h.state(ids[0]); r.State != ReceiptRejected || r.Code != code || r.Message != "cashier_id: no such cashier" {
				t.Fatalf("%s: %+v, want rejected with the cloud's reason", code, r)
			}
			h.ack(ids[1])
			s := sentOne[*protocol.Sync](h) // the queue drained
			h.sync(s, s.Since, false)
			h.clock = h.clock.Add(time.Hour)
			h.w.tick()
			h.sentNothing() // the rejected receipt never goes again
		}
	})
	for _, code := range []string{"rate_limited", "queue_full", "internal", "unsupported", "not_found", "something_new"} {
		t.Run(code, func(t *testing.T) {
			h := shopHarness(t)
			h.connect()
			ids := h.ring(2)
			h.uploads()
			h.down(&protocol.Error{Header: protocol.Header{ID: ids[0]}, Code: code, Message: "later"})
			h.ack(ids[1])
			more := h.ring(1)
			h.w.tick()
			h.sentNothing() // held back: neither the refused one nor the new one
			if r := h.state(ids[0]); r.State != ReceiptQueued {
				t.Fatalf("%+v, want still queued", r)
			}
			h.clock = h.clock.Add(time.Minute + time.Second) // past the longest backoff
			h.w.tick()
			if got := h.uploads(); !same(got, []string{ids[0], more[0]}) {
				t.Fatalf("after the backoff sent %v, want the refused receipt again, then the new one", got)
			}
		})
	}
	t.Run("RateLimitedWithoutID", func(t *testing.T) {
		h := shopHarness(t)
		h.connect()
		h.down(&protocol.Error{Code: "rate_limited", Message: "too many messages: slow down"})
		ids := h.ring(1)
		h.sentNothing()
		h.clock = h.clock.Add(time.Minute + time.Second)
		h.w.tick()
		if got := h.uploads(); !same(got, ids) {
			t.Fatalf("sent %v, want %v after the backoff", got, ids)
		}
	})
}

// A receipt never acknowledged goes again, with the same ID.
func TestUploadTimeout(t *testing.T) {
	h := shopHarness(t)
	h.connect()
	ids := h.ring(2)
	h.uploads()
	h.clock = h.clock.Add(ackTimeout / 2)
	h.ack(ids[1])
	h.w.tick()
	h.sentNothing()
	h.clock = h.clock.Add(ackTimeout/2 + time.Second)
	h.w.tick()
	if got := h.uploads(); !same(got, ids[:1]) {
		t.Fatalf("after the timeout sent %v, want %v again", got, ids[:1])
	}
}

// A dropped link puts what was in flight back in the queue; the next
// connection says hello first, then sends it all again.
func TestUploadDisconnect(t *testing.T) {
	h := shopHarness(t)
	h.connect()
	ids := h.ring(3)
	h.uploads()
	h.ack(ids[0])
	h.w.disconnected()
	more := h.ring(1)
	h.w.tick()
	h.sentNothing()
	h.connect()
	if got := h.uploads(); !same(got, append(ids[1:], more...)) {
		t.Fatalf("after reconnecting sent %v, want the unacked ones in order", got)
	}
	if r := h.state(ids[1]); r.State != ReceiptQueued {
		t.Fatalf("%+v, want queued", r)
	}
}

// A receipt is on disk once the sale is answered: after a restart it is
// still queued, goes to the cloud, and the numbering goes on.
func TestReceiptSurvivesRestart(t *testing.T) {
	h := shopHarness(t)
	h.connect()
	ids := h.ring(2)
	h.uploads()
	h.ack(ids[0])
	h.local.Close() // the crash: ids[1] was in flight

	h = openHarness(t, h.dir)
	h.connect()
	if got := h.uploads(); !same(got, ids[1:]) {
		t.Fatalf("after the restart sent %v, want %v", got, ids[1:])
	}
	next := h.ring(1)
	if r := h.state(next[0]); r.Sale.Number != 3 {
		t.Fatalf("the next receipt is number %d, want 3", r.Sale.Number)
	}
	if r := h.state(ids[0]); r.State != ReceiptAcked {
		t.Fatalf("the acked receipt: %+v", r)
	}
}

// Receipts are the till's own: a reset sync, or a new identity on the
// same data, keeps them.
func TestReceiptsOutliveTheCloudsView(t *testing.T) {
	h := shopHarness(t)
	ids := h.ring(1)
	h.connect()
	h.uploads()
	h.down(&protocol.Command{Name: "reset"})
	h.sync(sentOne[*protocol.Sync](h), 9, true)
	h.local.bind(testDevice)
	if wiped, err := h.local.bind("another-device"); !wiped || err != nil {
		t.Fatalf("bind: %v %v", wiped, err)
	}
	if r := h.state(ids[0]); r.State != ReceiptQueued {
		t.Fatalf("%+v, want still queued", r)
	}
}

// Acked receipts are kept for keepAckedFor and at most keptAcked of them;
// queued and rejected ones are never pruned.
func TestPruneAcked(t *testing.T) {
	h := shopHarness(t)
	h.connect()
	ids := h.ring(3)
	h.uploads()
	h.down(&protocol.Error{Header: protocol.Header{ID: ids[1]}, Code: "bad_field", Message: "no"})
	h.ack(ids[0])
	h.clock = h.clock.Add(keepAckedFor + time.Hour)
	h.ack(ids[2])
	sentOne[*protocol.Sync](h) // drained
	var left []string
	for _, r := range stored(t, h.local) {
		left = append(left, r.Sale.ID)
	}
	if !same(left, []string{ids[2], ids[1]}) {
		t.Fatalf("kept %v, want the fresh ack and the rejected one", left)
	}
	// The pruned receipt's ID is forgotten with it.
	h.local.db.View(func(tx *bolt.Tx) error {
		if tx.Bucket(bucketReceipts).Bucket(bucketIDs).Get([]byte(ids[0])) != nil {
			t.Fatal("the pruned receipt's ID is still indexed")
		}
		return nil
	})

	// Past keptAcked, the oldest go first.
	err := h.local.db.Update(func(tx *bolt.Tx) error {
		rb := tx.Bucket(bucketReceipts)
		for i := range keptAcked + 5 {
			rec := &receiptRecord{Receipt: Receipt{Sale: protocol.Sale{ID: fmt.Sprintf("bulk-%05d", i)}, State: ReceiptAcked, StateAt: h.clock}}
			if err := putNewReceipt(rb, rec); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	last := h.ring(1)
	h.uploads()
	h.ack(last[0])
	acked, err := h.local.Receipts(ReceiptAcked, maxReceiptList)
	if err != nil {
		t.Fatal(err)
	}
	if acked[0].Sale.ID != last[0] {
		t.Fatalf("newest acked %s, want %s", acked[0].Sale.ID, last[0])
	}
	h.local.db.View(func(tx *bolt.Tx) error {
		rb := tx.Bucket(bucketReceipts)
		if n := rb.Bucket(stateBuckets[ReceiptAcked]).Stats().KeyN; n != keptAcked {
			t.Fatalf("%d acked receipts kept, want %d", n, keptAcked)
		}
		if rb.Bucket(bucketIDs).Get([]byte("bulk-00006")) == nil || rb.Bucket(bucketIDs).Get([]byte("bulk-00005")) != nil {
			t.Fatal("not the oldest were pruned")
		}
		return nil
	})
	if r := h.state(ids[1]); r.State != ReceiptRejected {
		t.Fatalf("the rejected receipt: %+v", r)
	}
}

// A burst of acknowledgements is written to disk once, when the inbox has
// no more of it; until then the receipts stay in flight, so none that is
// acknowledged but not yet marked so is sent again.
func TestUploadAcksLandTogether(t *testing.T) {
	h := shopHarness(t)
	h.connect()
	ids := h.ring(3)
	h.uploads()
	for _, id := range ids[1:] { // waiting in the inbox behind the first
		h.w.inbox.ch <- inbound{msg: &protocol.ReceiptAck{Header: protocol.Header{ID: id}, ReceiptID: id}}
	}
	h.ack(ids[0])
	if r := h.state(ids[0]); r.State != ReceiptQueued {
		t.Fatalf("the first ack was written alone, before its burst ended: %+v", r)
	}
	more := h.ring(1) // a sale now goes alone: the acknowledged ones are not sent again
	if got := h.uploads(); !same(got, more) {
		t.Fatalf("a sale in the burst sent %v, want only itself %v", got, more)
	}
	for len(h.w.inbox.ch) > 0 {
		h.w.receive(<-h.w.inbox.ch)
	}
	for _, id := range ids {
		if r := h.state(id); r.State != ReceiptAcked {
			t.Fatalf("after the burst: %+v, want acked", r)
		}
	}
	h.sentNothing()
}
