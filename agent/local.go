package agent

import (
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"strconv"
	"time"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"

	"mypos/protocol"
)

// fileStore is the agent's database in the data directory.
const fileStore = "agent.db"

// storeLockTimeout bounds the wait for bbolt's file lock: a second process
// on the same data directory gets a clear error instead of hanging.
const storeLockTimeout = time.Second

// The local database's layout (see the package comment):
//
//	meta                  rev → the company revision held; device → whose data this is
//	entities/{kind}       {id} → the entity's last body (JSON), one bucket per kind
//	staging               sync → the sync being staged; since → the revision it started from;
//	                      reset → "1" or "0"; next → the cursor of the page after the last staged
//	staging/items         8-byte sequence → a staged protocol.Item (JSON), in arrival order
//	receipts              number → the last receipt number; count/{state} → receipts in it
//	receipts/all          8-byte sequence → a receipt record (JSON), in the order rung up
//	receipts/ids          receipt ID → its sequence: a retry finds its receipt
//	receipts/{state}      8-byte sequence → "", for queued, acked and rejected
//
// The receipts are the till's own, not the cloud's view: emptying that
// view (a reset, a new identity) leaves them, see receipts_store.go.
var (
	bucketMeta     = []byte("meta")
	bucketEntities = []byte("entities")
	bucketStaging  = []byte("staging")
	bucketItems    = []byte("items")

	keyRev    = []byte("rev")
	keyDevice = []byte("device")
	keySync   = []byte("sync")
	keySince  = []byte("since")
	keyReset  = []byte("reset")
	keyNext   = []byte("next")
)

// Local is the till's offline copy of the cloud's view — every entity it
// may see, the revision that view is at, and the pages of a sync in
// progress — and the till's receipts. Reads may come from any goroutine;
// writes come from the apply worker alone, so the rules of DESIGN §5 are
// applied in one place.
type Local struct {
	db *bolt.DB
}

// ErrLocalBusy says another process holds the local database open.
var ErrLocalBusy = errors.New("the agent's local database is in use by another process")

// OpenLocal opens (creating when absent) the local database in the data directory.
// Returns an error wrapping ErrStoreBusy when another mypos-agent holds it.
func OpenLocal(dir string) (*Local, error) {
	path := filepath.Join(dir, fileStore)
	db, err := bolt.Open(path, privateFile, &bolt.Options{Timeout: storeLockTimeout})
	if errors.Is(err, berrors.ErrTimeout) {
		return nil, fmt.Errorf("%w: %s (is another mypos-agent running on this data directory?)", ErrLocalBusy, path)
	}
	if err != nil {
		return nil, fmt.Errorf("open the local database %s: %w", path, err)
	}
	s := &Local{db: db}
	if err := db.Update(func(tx *bolt.Tx) error { return errors.Join(createBuckets(tx), createReceiptBuckets(tx)) }); err != nil {
		db.Close()
		return nil, fmt.Errorf("set up the local database %s: %w", path, err)
	}
	return s, nil
}

func createBuckets(tx *bolt.Tx) error {
	for _, name := range [][]byte{bucketMeta, bucketEntities, bucketStaging} {
		if _, err := tx.CreateBucketIfNotExists(name); err != nil {
			return err
		}
	}
	return nil
}

// Close closes the local database.
func (s *Local) Close() error { return s.db.Close() }

// bind makes the local database hold deviceID's data. A local database written for another
// device — the till was enrolled again as a new device — is emptied: its
// revision is a cursor into the old device's view, not the new one's.
// It reports whether the local database was emptied.
func (s *Local) bind(deviceID string) (wiped bool, err error) {
	err = s.db.Update(func(tx *bolt.Tx) error {
		meta := tx.Bucket(bucketMeta)
		old := string(meta.Get(keyDevice))
		if old == deviceID {
			return nil
		}
		if old != "" {
			wiped = true
			if err := emptyAll(tx); err != nil {
				return err
			}
		}
		return tx.Bucket(bucketMeta).Put(keyDevice, []byte(deviceID))
	})
	return wiped, err
}

// emptyAll forgets every entity, the revision and any staging.
func emptyAll(tx *bolt.Tx) error {
	for _, name := range [][]byte{bucketMeta, bucketEntities, bucketStaging} {
		if err := tx.DeleteBucket(name); err != nil {
			return err
		}
	}
	return createBuckets(tx)
}

// Rev returns the company revision the local database holds: 0 when none yet,
// which makes the cloud send a full snapshot — always safe.
func (s *Local) Rev() (int64, error) {
	var rev int64
	err := s.db.View(func(tx *bolt.Tx) error {
		var err error
		rev, err = readRev(tx)
		return err
	})
	return rev, err
}

func readRev(tx *bolt.Tx) (int64, error) {
	v := tx.Bucket(bucketMeta).Get(keyRev)
	if v == nil {
		return 0, nil
	}
	rev, err := strconv.ParseInt(string(v), 10, 64)
	if err != nil || rev < 0 {
		return 0, fmt.Errorf("the local database's revision is %q, not a revision", v)
	}
	return rev, nil
}

func putRev(tx *bolt.Tx, rev int64) error {
	return tx.Bucket(bucketMeta).Put(keyRev, strconv.AppendInt(nil, rev, 10))
}

// List returns the bodies of every entity of a kind, in ID order; none
// when the local database holds no entity of that kind.
func (s *Local) List(kind string) ([]json.RawMessage, error) {
	var list []json.RawMessage
	err := s.db.View(func(tx *bolt.Tx) error {
		list = newCatalog(tx).list(kind)
		return nil
	})
	return list, err
}

// Get returns the body of one entity, nil when the local database has none.
func (s *Local) Get(kind, id string) (json.RawMessage, error) {
	var body json.RawMessage
	err := s.db.View(func(tx *bolt.Tx) error {
		if v := newCatalog(tx).get(kind, id); v != nil {
			body = append(json.RawMessage(nil), v...) // v lives only as long as tx
		}
		return nil
	})
	return body, err
}

// goodsWithPrices returns every goods body and the store prices by goods
// ID, read together so a push between cannot pair a goods with a price it
// never had.
func (s *Local) goodsWithPrices() (goods []json.RawMessage, prices map[string]json.RawMessage, err error) {
	prices = map[string]json.RawMessage{}
	err = s.db.View(func(tx *bolt.Tx) error {
		c := newCatalog(tx)
		goods = c.list(protocol.KindGoods)
		for _, body := range c.list(protocol.KindPrice) {
			var p struct {
				GoodsID string          `json:"goods_id"`
				Price   json.RawMessage `json:"price"`
			}
			if json.Unmarshal(body, &p) == nil && p.GoodsID != "" && p.Price != nil {
				prices[p.GoodsID] = p.Price
			}
		}
		return nil
	})
	return goods, prices, err
}
