package sales

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"mypos"
	"mypos/protocol"
)

// IngestOptions tune an Ingester; the zero value is production's choice.
type IngestOptions struct {
	// Queue bounds the receipts waiting to be written: Submit refuses
	// beyond it, and the till uploads again later. Default 8192.
	Queue int
	// Batch is the most receipts one transaction writes. Default 256.
	Batch int
	// Linger is how long a batch waits for more receipts after its first.
	// Default 5 ms: a till's ack waits that long at most, and under load
	// batches fill before it passes.
	Linger time.Duration
	// Timeout bounds one batch's write. Default 30 s.
	Timeout time.Duration
	Logger  *slog.Logger
}

// Ingester stores the receipts tills upload, many to a transaction: one
// transaction a receipt would cap a Postgres node at a few hundred a
// second, one for hundreds reaches thousands. Each batch's checks cost a
// few queries, never one a receipt, and run while the batch before is
// written; a single goroutine writes, so batches never contend with each
// other for the same rows.
type Ingester struct {
	svc    *Service
	checks Checks
	owners owners // whose IDs are, as the checks found them
	// checkRows runs a batch's checks: check, against checks. The
	// package's tests of what the ingester does beyond them pass every
	// receipt instead.
	checkRows func(ctx context.Context, rows []*row) []error
	opts      IngestOptions
	log       *slog.Logger

	mu      sync.RWMutex // closed and the queue's closing, against a send on a closed queue
	closed  bool
	queue   chan job
	stopped chan struct{} // closed when the loop has written its last batch
	dones   sync.WaitGroup
}

// job is a receipt waiting to be written and whom to tell.
type job struct {
	row  *row
	done func(Outcome)
}

// Outcome is what became of a receipt submitted.
type Outcome struct {
	// Duplicate says it had been stored before; the till is told like a
	// success, since its first acknowledgement was lost.
	Duplicate bool
	// Unlicensed says it was stored marked sold without a license.
	Unlicensed bool
	// Err says it was not stored: EINVALID for good (a cashier, goods or
	// discount not of the device's company), anything else for now.
	Err error
}

// NewIngester starts an ingester writing through svc, checking each batch
// against checks; Close stops it.
func NewIngester(svc *Service, checks Checks, opts IngestOptions) *Ingester {
	g := newIngester(svc, checks, opts)
	g.start()
	return g
}

// newIngester builds an ingester; start sets it going.
func newIngester(svc *Service, checks Checks, opts IngestOptions) *Ingester {
	if opts.Queue <= 0 {
		opts.Queue = 8192
	}
	if opts.Batch <= 0 {
		opts.Batch = 256
	}
	if opts.Linger <= 0 {
		opts.Linger = 5 * time.Millisecond
	}
	if opts.Timeout <= 0 {
		opts.Timeout = 30 * time.Second
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	g := &Ingester{svc: svc, checks: checks, opts: opts, log: log.With("component", "sales"),
		queue: make(chan job, opts.Queue), stopped: make(chan struct{})}
	g.checkRows = g.check
	return g
}

// start runs the ingester's loop until Close.
func (g *Ingester) start() { go g.run() }

// Submit queues a sale a device uploaded — the device of companyID,
// standing in storeID ("" for none) — and returns at once. The caller
// (fleet) knows the device from the topic the broker authorised. done is
// called once the receipt is stored, or could not be (see Outcome). done
// runs on a goroutine of the ingester, never the caller's, and may block
// without holding up the writes.
// Returns EINVALID for a receipt that can never be stored (IDs the cloud
// never gave out, an implausible time, a sale protocol.CheckSale refuses),
// ERATELIMIT when the queue is full or the ingester is closed: the till
// uploads it again later.
func (g *Ingester) Submit(companyID, deviceID, storeID string, sale protocol.Sale, done func(Outcome)) error {
	r, err := prepare(upload{CompanyID: companyID, DeviceID: deviceID, StoreID: storeID, Sale: sale}, g.svc.now())
	if err != nil {
		return err
	}
	g.mu.RLock()
	defer g.mu.RUnlock()
	if g.closed {
		return mypos.RateLimited(time.Second, "The cloud is shutting down: upload the receipt again.")
	}
	select {
	case g.queue <- job{row: r, done: done}:
		return nil
	default:
		return mypos.RateLimited(time.Second, "Too many receipts waiting to be stored: upload it again shortly.")
	}
}

// Close stops taking receipts, writes those queued, and returns once
// every done has been called.
func (g *Ingester) Close() {
	g.mu.Lock()
	if !g.closed {
		g.closed = true
		close(g.queue)
	}
	g.mu.Unlock()
	<-g.stopped
	g.dones.Wait()
}

// run collects and checks batches on its goroutine and has another write
// them, one at a time: a batch's lookups (check.go) overlap the previous
// batch's insert, so while the database keeps up the checks cost the
// writes no time.
func (g *Ingester) run() {
	defer close(g.stopped)
	checked := make(chan checkedBatch, 1)
	written := make(chan struct{})
	go func() {
		defer close(written)
		for c := range checked {
			g.write(c.batch, c.errs)
		}
	}()
	for {
		batch, open := g.collect()
		if len(batch) > 0 {
			checked <- checkedBatch{batch, g.checkBatch(batch)}
		}
		if !open {
			close(checked)
			<-written
			return
		}
	}
}

// checkedBatch is a batch whose checks are done: errs[i] refuses batch[i].
type checkedBatch struct {
	batch []job
	errs  []error
}

// collect waits for a receipt, then takes more until the batch is full or
// has lingered long enough. open is false once the queue is closed and empty.
func (g *Ingester) collect() (batch []job, open bool) {
	first, ok := <-g.queue
	if !ok {
		return nil, false
	}
	batch = append(make([]job, 0, g.opts.Batch), first)
	linger := time.NewTimer(g.opts.Linger)
	defer linger.Stop()
	for len(batch) < g.opts.Batch {
		select {
		case j, ok := <-g.queue:
			if !ok {
				return batch, false
			}
			batch = append(batch, j)
		case <-linger.C:
			return batch, true
		}
	}
	return batch, true
}

// checkBatch runs the checks of a batch (check.go); errs[i] refuses the
// i-th receipt.
func (g *Ingester) checkBatch(batch []job) []error {
	ctx, cancel := context.WithTimeout(context.Background(), g.opts.Timeout)
	defer cancel()
	rows := make([]*row, len(batch))
	for i, j := range batch {
		rows[i] = j.row
	}
	return g.checkRows(ctx, rows)
}

// write stores the receipts of a batch its checks let through, in one
// transaction. If the transaction fails, each receipt is tried alone, so
// one the database refuses fails by itself and the rest are stored.
func (g *Ingester) write(batch []job, errs []error) {
	ctx, cancel := context.WithTimeout(context.Background(), g.opts.Timeout)
	defer cancel()
	rows := make([]*row, len(batch))
	for i, j := range batch {
		rows[i] = j.row
	}
	now := g.svc.now()
	var passed []*row
	for i, r := range rows {
		if errs[i] == nil {
			r.ReceivedAt = now
			passed = append(passed, r)
		}
	}
	var stored map[key]bool
	if len(passed) > 0 {
		err := g.svc.db.InTx(ctx, func(ctx context.Context) error {
			var err error
			stored, err = g.svc.insert(ctx, passed)
			return err
		})
		if err != nil {
			g.log.Warn("a batch of receipts failed: storing them one by one", "receipts", len(passed), "error", err)
			stored = g.oneByOne(rows, errs)
		}
	}
	g.report(batch, stored, errs)
}

// oneByOne stores each row that passed the checks in a statement of its
// own, noting in errs the ones that fail.
func (g *Ingester) oneByOne(rows []*row, errs []error) map[key]bool {
	ctx, cancel := context.WithTimeout(context.Background(), g.opts.Timeout)
	defer cancel()
	stored := make(map[key]bool, len(rows))
	for i, r := range rows {
		if errs[i] != nil {
			continue
		}
		one, err := g.svc.insert(ctx, []*row{r})
		if err != nil {
			g.log.Error("store a receipt", "device", r.DeviceID, "receipt", r.ID, "error", err)
			errs[i] = err
		}
		for k := range one {
			stored[k] = true
		}
	}
	return stored
}

// report calls the batch's dones in order, off the writing loop. Of two
// uploads of one receipt in a batch, the first stored it and the second is
// the duplicate.
func (g *Ingester) report(batch []job, stored map[key]bool, errs []error) {
	g.dones.Add(1)
	go func() {
		defer g.dones.Done()
		for i, j := range batch {
			k := j.row.key()
			fresh := stored[k]
			delete(stored, k)
			j.done(Outcome{Duplicate: !fresh && errs[i] == nil, Unlicensed: fresh && j.row.Unlicensed, Err: errs[i]})
		}
	}()
}
