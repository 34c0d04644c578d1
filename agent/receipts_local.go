package agent

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	bolt "go.etcd.io/bbolt"
)

// How long the till keeps receipts the cloud has stored, so the POS front
// can list a shift's receipts: the newest keptAcked, none older than
// keepAckedFor. Queued and rejected receipts are never pruned.
const (
	keptAcked    = 10_000
	keepAckedFor = 30 * 24 * time.Hour
)

// The receipts' buckets (see the package comment). They sit beside the
// synced data, not in it: a reset sync or a new identity (Store.bind)
// empties the cloud's view, never the till's own sales.
var (
	bucketReceipts = []byte("receipts")
	bucketAll      = []byte("all")
	bucketIDs      = []byte("ids")
	keyNumber      = []byte("number") // the last receipt number given; count/{state} beside it

	// stateBuckets index the receipts of each state by sequence.
	stateBuckets = map[string][]byte{
		ReceiptQueued: []byte("queued"), ReceiptAcked: []byte("acked"), ReceiptRejected: []byte("rejected"),
	}
)

func createReceiptBuckets(tx *bolt.Tx) error {
	rb, err := tx.CreateBucketIfNotExists(bucketReceipts)
	if err != nil {
		return err
	}
	for _, name := range [][]byte{bucketAll, bucketIDs, stateBuckets[ReceiptQueued], stateBuckets[ReceiptAcked], stateBuckets[ReceiptRejected]} {
		if _, err := rb.CreateBucketIfNotExists(name); err != nil {
			return err
		}
	}
	return nil
}

// addReceipt stores a new receipt with ID id, made by build from the
// catalog and the next receipt number, in one transaction: the receipt,
// its ID, its place in the queue and the number counter are written
// together or not at all, and bbolt fsyncs the commit, so a receipt the
// API has answered survives a crash or a power cut. A receipt already
// stored under id is returned (created false) when fingerprint matches —
// the front's retry — and refused with 409 conflict otherwise. build's
// error rolls everything back.
func (s *Local) addReceipt(id, fingerprint string, build func(*catalog, int64) (*receiptRecord, error)) (rec *receiptRecord, created bool, err error) {
	err = s.db.Update(func(tx *bolt.Tx) error {
		rb := tx.Bucket(bucketReceipts)
		if seq := rb.Bucket(bucketIDs).Get([]byte(id)); seq != nil {
			old, err := readReceipt(rb, seq)
			if err == nil && old.Fingerprint != fingerprint {
				return deny(http.StatusConflict, codeConflict, "receipt %s is already registered with other lines, cashier, payment or total: a new sale needs a new id", id)
			}
			rec = old
			return err
		}
		number, err := nextNumber(rb)
		if err != nil {
			return err
		}
		if rec, err = build(newCatalog(tx), number); err != nil {
			return err
		}
		rec.Fingerprint, created = fingerprint, true
		return putNewReceipt(rb, rec)
	})
	if err != nil {
		return nil, false, err
	}
	return rec, created, nil
}

func nextNumber(rb *bolt.Bucket) (int64, error) {
	n, err := addCounter(rb, keyNumber, 1)
	return int64(n), err
}

// addCounter adds delta to a counter kept in the receipts bucket and
// returns its new value.
func addCounter(rb *bolt.Bucket, key []byte, delta int) (int, error) {
	n, err := count(rb, key)
	if err != nil {
		return 0, err
	}
	n += delta
	return n, rb.Put(key, strconv.AppendInt(nil, int64(n), 10))
}

func putNewReceipt(rb *bolt.Bucket, rec *receiptRecord) error {
	all := rb.Bucket(bucketAll)
	seq, err := all.NextSequence()
	if err != nil {
		return err
	}
	rec.Seq = seq
	key := seqKey(seq)
	if err := rb.Bucket(bucketIDs).Put([]byte(rec.Sale.ID), key); err != nil {
		return err
	}
	if err := moveIndex(rb, key, "", rec.State); err != nil {
		return err
	}
	return putReceipt(rb, rec)
}

// moveIndex moves a receipt's key from the index of state from to that
// of state to ("": none) and keeps each state's count. The counts are
// kept, not measured: bbolt's Stats sees only what is committed, not the
// transaction's own writes.
func moveIndex(rb *bolt.Bucket, key []byte, from, to string) error {
	if from != "" {
		if err := rb.Bucket(stateBuckets[from]).Delete(key); err != nil {
			return err
		}
		if _, err := addCounter(rb, countKey(from), -1); err != nil {
			return err
		}
	}
	if to == "" {
		return nil
	}
	if err := rb.Bucket(stateBuckets[to]).Put(key, nil); err != nil {
		return err
	}
	_, err := addCounter(rb, countKey(to), 1)
	return err
}

func countKey(state string) []byte { return []byte("count/" + state) }

// count reads a counter kept in the receipts bucket.
func count(rb *bolt.Bucket, key []byte) (int, error) {
	v := rb.Get(key)
	if v == nil {
		return 0, nil
	}
	n, err := strconv.Atoi(string(v))
	if err != nil {
		return 0, fmt.Errorf("the receipt counter %s is %q, not a number", key, v)
	}
	return n, nil
}

func putReceipt(rb *bolt.Bucket, rec *receiptRecord) error {
	v, err := json.Marshal(rec)
	if err != nil {
		return err
	}
	return rb.Bucket(bucketAll).Put(seqKey(rec.Seq), v)
}

func readReceipt(rb *bolt.Bucket, key []byte) (*receiptRecord, error) {
	v := rb.Bucket(bucketAll).Get(key)
	if v == nil {
		return nil, fmt.Errorf("receipt %d is indexed but not stored", binary.BigEndian.Uint64(key))
	}
	var rec receiptRecord
	if err := json.Unmarshal(v, &rec); err != nil {
		return nil, fmt.Errorf("receipt %d: %w", binary.BigEndian.Uint64(key), err)
	}
	return &rec, nil
}

func seqKey(seq uint64) []byte { return binary.BigEndian.AppendUint64(nil, seq) }

// settleReceipt moves a queued receipt to acked or rejected (with the
// cloud's code and message) at now, and prunes old acked receipts in the
// same transaction. It reports false, changing nothing, when the local database
// holds no queued receipt id: an answer repeated or come too late.
func (s *Local) settleReceipt(id, state, code, message string, now time.Time) (settled bool, err error) {
	err = s.db.Update(func(tx *bolt.Tx) error {
		rb := tx.Bucket(bucketReceipts)
		settled, err = settleIn(rb, id, state, code, message, now)
		if err != nil || !settled || state != ReceiptAcked {
			return err
		}
		return pruneAcked(rb, now)
	})
	return settled, err
}

// settleAcked marks a burst of queued receipts acked in one transaction
// and says how many were queued.
func (s *Local) settleAcked(ids []string, now time.Time) (n int, err error) {
	err = s.db.Update(func(tx *bolt.Tx) error {
		rb := tx.Bucket(bucketReceipts)
		for _, id := range ids {
			ok, err := settleIn(rb, id, ReceiptAcked, "", "", now)
			if err != nil {
				return err
			}
			if ok {
				n++
			}
		}
		return pruneAcked(rb, now)
	})
	return n, err
}

// settleIn moves a queued receipt to state; false when it was not queued.
func settleIn(rb *bolt.Bucket, id, state, code, message string, now time.Time) (bool, error) {
	key := rb.Bucket(bucketIDs).Get([]byte(id))
	if key == nil || rb.Bucket(stateBuckets[ReceiptQueued]).Get(key) == nil {
		return false, nil
	}
	rec, err := readReceipt(rb, key)
	if err != nil {
		return false, err
	}
	rec.State, rec.Code, rec.Message, rec.StateAt = state, code, message, now
	return true, errors.Join(moveIndex(rb, key, ReceiptQueued, state), putReceipt(rb, rec))
}

// pruneAcked forgets the oldest acked receipts beyond keptAcked, and those
// acked before keepAckedFor. Receipts are acked roughly in sequence order,
// so the walk stops at the first one young enough.
func pruneAcked(rb *bolt.Bucket, now time.Time) error {
	n, err := count(rb, countKey(ReceiptAcked))
	if err != nil {
		return err
	}
	extra := n - keptAcked
	c := rb.Bucket(stateBuckets[ReceiptAcked]).Cursor()
	for k, _ := c.First(); k != nil; k, _ = c.First() {
		if extra <= 0 {
			rec, err := readReceipt(rb, k)
			if err != nil || !rec.StateAt.Before(now.Add(-keepAckedFor)) {
				return err
			}
		}
		if err := forgetReceipt(rb, k); err != nil {
			return err
		}
		extra--
	}
	return nil
}

// forgetReceipt deletes an acked receipt and its index entries. Its ID
// goes too: a retry that late is a new sale.
func forgetReceipt(rb *bolt.Bucket, key []byte) error {
	rec, err := readReceipt(rb, key)
	if err != nil {
		return err
	}
	return errors.Join(rb.Bucket(bucketIDs).Delete([]byte(rec.Sale.ID)),
		moveIndex(rb, key, ReceiptAcked, ""), rb.Bucket(bucketAll).Delete(key))
}

// queuedReceipts returns up to n queued receipts in sequence order,
// skipping those skip says are already on their way.
func (s *Local) queuedReceipts(n int, skip func(seq uint64) bool) ([]*receiptRecord, error) {
	var out []*receiptRecord
	err := s.db.View(func(tx *bolt.Tx) error {
		rb := tx.Bucket(bucketReceipts)
		c := rb.Bucket(stateBuckets[ReceiptQueued]).Cursor()
		for k, _ := c.First(); k != nil && len(out) < n; k, _ = c.Next() {
			if skip(binary.BigEndian.Uint64(k)) {
				continue // in flight: skipped by its key, never decoded
			}
			rec, err := readReceipt(rb, k)
			if err != nil {
				return err
			}
			out = append(out, rec)
		}
		return nil
	})
	return out, err
}

// Receipts returns up to limit receipts, newest first: all of them when
// state is "", else those in that state.
func (s *Local) Receipts(state string, limit int) ([]Receipt, error) {
	out := []Receipt{}
	err := s.db.View(func(tx *bolt.Tx) error {
		rb := tx.Bucket(bucketReceipts)
		index := rb.Bucket(bucketAll)
		if state != "" {
			index = rb.Bucket(stateBuckets[state])
		}
		c := index.Cursor()
		for k, _ := c.Last(); k != nil && len(out) < limit; k, _ = c.Prev() {
			rec, err := readReceipt(rb, k)
			if err != nil {
				return err
			}
			out = append(out, rec.Receipt)
		}
		return nil
	})
	return out, err
}

// ReceiptCounts is how many receipts wait for the cloud and how many it
// refused for good.
type ReceiptCounts struct {
	Queued   int `json:"queued"`
	Rejected int `json:"rejected"`
}

// ReceiptCounts counts the queued and rejected receipts.
func (s *Local) ReceiptCounts() (ReceiptCounts, error) {
	var n ReceiptCounts
	err := s.db.View(func(tx *bolt.Tx) error {
		rb := tx.Bucket(bucketReceipts)
		var errQ, errR error
		n.Queued, errQ = count(rb, countKey(ReceiptQueued))
		n.Rejected, errR = count(rb, countKey(ReceiptRejected))
		return errors.Join(errQ, errR)
	})
	return n, err
}
