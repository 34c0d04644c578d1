package agent

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"

	bolt "go.etcd.io/bbolt"

	"mypos/protocol"
)

// errStaleStaging says the staging area holds another sync than the one a
// page or a commit names: the pages of an abandoned sync are never mixed in.
var errStaleStaging = errors.New("the staging area belongs to another sync")

// applyChanges applies a pushed batch and moves the revision to to, in one
// transaction: a crash leaves the batch wholly applied or not at all.
func (s *Local) applyChanges(items []protocol.Item, to int64) error {
	return s.db.Update(func(tx *bolt.Tx) error {
		ents := tx.Bucket(bucketEntities)
		for _, it := range items {
			if err := applyItem(ents, it); err != nil {
				return err
			}
		}
		return putRev(tx, to)
	})
}

// applyItem writes one item's last state into its kind's bucket.
func applyItem(ents *bolt.Bucket, it protocol.Item) error {
	switch it.Op {
	case protocol.OpUpsert:
		b, err := ents.CreateBucketIfNotExists([]byte(it.Kind))
		if err != nil {
			return fmt.Errorf("%s bucket: %w", it.Kind, err)
		}
		return b.Put([]byte(it.ID), it.Body)
	case protocol.OpDelete:
		if b := ents.Bucket([]byte(it.Kind)); b != nil {
			return b.Delete([]byte(it.ID))
		}
		return nil
	}
	return fmt.Errorf("item %s/%s: unknown op %q", it.Kind, it.ID, it.Op)
}

// openStaging makes the staging area sync id's and returns where that
// sync starts: the revision since and the cursor to ask for first. A sync
// cut short — by a lost connection, a timeout, a refusal, a crash — left
// its pages staged and the cursor of the page after them: a sync from the
// same revision resumes there (the cloud checks that the cursor still
// leads to an exact view), and so does any sync when the pages staged are
// a full snapshot's (from 0), which replaces whatever the till holds and
// so completes any sync. Otherwise, or when fresh, what was staged is
// discarded and the sync starts at since without a cursor.
func (s *Local) openStaging(id string, since int64, fresh bool) (from int64, cursor string, err error) {
	from = since
	err = s.db.Update(func(tx *bolt.Tx) error {
		st := tx.Bucket(bucketStaging)
		next := string(st.Get(keyNext))
		staged, err := strconv.ParseInt(string(st.Get(keySince)), 10, 64)
		if !fresh && next != "" && err == nil && (staged == since || staged == 0) && st.Bucket(bucketItems) != nil {
			from, cursor = staged, next
			return st.Put(keySync, []byte(id)) // late pages of the cut sync's ID are not mixed in
		}
		return beginStaging(tx, id, since)
	})
	return from, cursor, err
}

// beginStaging discards whatever an earlier sync staged and makes room for
// sync id's pages.
func beginStaging(tx *bolt.Tx, id string, since int64) error {
	if err := tx.DeleteBucket(bucketStaging); err != nil {
		return err
	}
	st, err := tx.CreateBucket(bucketStaging)
	if err != nil {
		return err
	}
	if _, err := st.CreateBucket(bucketItems); err != nil {
		return err
	}
	return errors.Join(st.Put(keySync, []byte(id)), st.Put(keySince, strconv.AppendInt(nil, since, 10)))
}

// stage keeps one page of sync id and, in the same transaction, the cursor
// of the page after it, where a cut sync resumes. The first page decides
// whether the sync is a snapshot; a later page that says otherwise is
// refused.
func (s *Local) stage(id string, page *protocol.SyncReply) error {
	return s.db.Update(func(tx *bolt.Tx) error {
		st, err := stagingOf(tx, id)
		if err != nil {
			return err
		}
		reset := []byte("0")
		if page.Reset {
			reset = []byte("1")
		}
		if old := st.Get(keyReset); old == nil {
			err = st.Put(keyReset, reset)
		} else if string(old) != string(reset) {
			err = fmt.Errorf("a page says reset=%v, an earlier one the opposite", page.Reset)
		}
		if err != nil {
			return err
		}
		if err := stageItems(st.Bucket(bucketItems), page.Items); err != nil {
			return err
		}
		return st.Put(keyNext, []byte(page.Next))
	})
}

func stageItems(b *bolt.Bucket, items []protocol.Item) error {
	for _, it := range items {
		seq, err := b.NextSequence()
		if err != nil {
			return err
		}
		v, err := json.Marshal(it)
		if err != nil {
			return err
		}
		if err := b.Put(binary.BigEndian.AppendUint64(nil, seq), v); err != nil {
			return err
		}
	}
	return nil
}

func stagingOf(tx *bolt.Tx, id string) (*bolt.Bucket, error) {
	st := tx.Bucket(bucketStaging)
	if string(st.Get(keySync)) != id || st.Bucket(bucketItems) == nil {
		return nil, fmt.Errorf("%w: sync %s", errStaleStaging, id)
	}
	return st, nil
}

// committed is what a sync's commit changed.
type committed struct {
	reset bool
	items int
}

// commit applies sync id's staged pages and moves the revision to to, in
// one transaction: a snapshot (reset) replaces every entity, other syncs
// apply their items in the order they came. The staging area is emptied.
func (s *Local) commit(id string, to int64) (c committed, err error) {
	err = s.db.Update(func(tx *bolt.Tx) error {
		st, err := stagingOf(tx, id)
		if err != nil {
			return err
		}
		c.reset = string(st.Get(keyReset)) == "1"
		if c.reset {
			if err := emptyEntities(tx); err != nil {
				return err
			}
		}
		if c.items, err = applyStaged(tx.Bucket(bucketEntities), st.Bucket(bucketItems)); err != nil {
			return err
		}
		if err := tx.DeleteBucket(bucketStaging); err != nil {
			return err
		}
		if _, err := tx.CreateBucket(bucketStaging); err != nil {
			return err
		}
		return putRev(tx, to)
	})
	return c, err
}

func emptyEntities(tx *bolt.Tx) error {
	if err := tx.DeleteBucket(bucketEntities); err != nil {
		return err
	}
	_, err := tx.CreateBucket(bucketEntities)
	return err
}

// applyStaged applies the staged items in their sequence (key) order.
func applyStaged(ents, staged *bolt.Bucket) (n int, err error) {
	err = staged.ForEach(func(_, v []byte) error {
		var it protocol.Item
		if err := json.Unmarshal(v, &it); err != nil {
			return fmt.Errorf("staged item %d: %w", n, err)
		}
		n++
		return applyItem(ents, it)
	})
	return n, err
}
