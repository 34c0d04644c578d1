package sales

import (
	"context"
	"strings"
	"testing"
	"time"

	"mypos"
	"mypos/sales/salestest"
)

// A receipt uploaded again — after a lost ack, or twice in one batch, or
// with its UUID in capitals — is stored once and reported as a duplicate;
// the same UUID from another device is another receipt.
func TestIngestDuplicateStoredOnce(t *testing.T) {
	f := newFixture(t, IngestOptions{})
	companyID, _ := company()
	dev, other := mypos.NewID(), mypos.NewID()
	s := salestest.Sale(time.Now(), "c1", 5990, 12000)
	in := incoming(companyID, dev, "", s)

	if o := wait(t, f.submit(in)); o.err != nil || o.duplicate {
		t.Fatalf("first upload: %+v", o)
	}
	again := in
	again.Sale.ID = strings.ToUpper(s.ID)
	for _, up := range []Incoming{in, again} {
		if o := wait(t, f.submit(up)); o.err != nil || !o.duplicate {
			t.Fatalf("upload of %s again: %+v, want a duplicate", up.Sale.ID, o)
		}
	}
	// Two uploads in one batch: the first stores it, the second is the duplicate.
	twice := incoming(companyID, dev, "", salestest.Sale(time.Now(), "c1", 100))
	a, b := f.submit(twice), f.submit(twice)
	if oa, ob := wait(t, a), wait(t, b); oa.err != nil || ob.err != nil || oa.duplicate || !ob.duplicate {
		t.Fatalf("two uploads at once: %+v then %+v, want stored then duplicate", oa, ob)
	}
	if o := wait(t, f.submit(incoming(companyID, other, "", s))); o.err != nil || o.duplicate {
		t.Fatalf("the same UUID from another device: %+v, want stored", o)
	}
	if n := f.count(); n != 3 {
		t.Fatalf("%d rows, want 3", n)
	}
}

// A batch the database refuses is stored receipt by receipt: the one bad
// receipt fails alone, the others are stored and reported as new.
func TestIngestBatchWithOneBadRow(t *testing.T) {
	f := newFixture(t, IngestOptions{})
	companyID, _ := company()
	dev := mypos.NewID()
	var batch []job
	outcomes := make([]chan outcome, 3)
	for i := range outcomes {
		r, err := prepare(incoming(companyID, dev, "", salestest.Sale(time.Now(), "c1", 1000)))
		if err != nil {
			t.Fatal(err)
		}
		c := make(chan outcome, 1)
		outcomes[i] = c
		batch = append(batch, job{row: r, done: func(dup bool, err error) { c <- outcome{dup, err} }})
	}
	// What prepare cannot let through, the table's own check refuses.
	batch[1].row.Number = 0
	f.in.write(batch)
	for i, c := range outcomes {
		o := wait(t, c)
		if bad := i == 1; (o.err != nil) != bad || o.duplicate {
			t.Fatalf("receipt %d: %+v, want failed=%v", i, o, bad)
		}
	}
	if n := f.count(); n != 2 {
		t.Fatalf("%d rows, want the 2 good ones", n)
	}
}

// A receipt that cannot be stored is refused before it is queued, with
// the field at fault; nothing is written.
func TestIngestRefuses(t *testing.T) {
	f := newFixture(t, IngestOptions{})
	companyID, _ := company()
	dev := mypos.NewID()
	good := salestest.Sale(time.Now(), "c1", 1000, 2000)
	tests := []struct {
		name  string
		spoil func(*Incoming)
		field string
	}{
		{"BadTotal", func(in *Incoming) { in.Sale.Total++ }, "receipt"},
		{"NoLines", func(in *Incoming) { in.Sale.Lines = nil }, "receipt"},
		{"BadCompany", func(in *Incoming) { in.CompanyID = "x" }, "device_id"},
		{"BadDevice", func(in *Incoming) { in.DeviceID = "" }, "device_id"},
		{"BadStore", func(in *Incoming) { in.StoreID = "store-1" }, "device_id"},
		{"NULCashier", func(in *Incoming) { in.Sale.CashierID = "c\x00" }, "cashier_id"},
		{"NotUTF8Goods", func(in *Incoming) { in.Sale.Lines[0].GoodsID = "g\xff" }, "lines"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := incoming(companyID, dev, "", good)
			in.Sale.Lines = append(in.Sale.Lines[:0:0], good.Lines...)
			tt.spoil(&in)
			err := f.in.Submit(in, func(bool, error) { t.Error("done called for a refused receipt") })
			wantCode(t, err, mypos.EINVALID, tt.field)
		})
	}
	if n := f.count(); n != 0 {
		t.Fatalf("%d rows written", n)
	}
}

// A full queue refuses with ERATELIMIT — the till uploads again later —
// and what was queued is stored once the database lets the writer on.
func TestIngestQueueFull(t *testing.T) {
	f := newFixture(t, IngestOptions{Queue: 2, Batch: 1})
	companyID, _ := company()
	dev := mypos.NewID()
	first := incoming(companyID, dev, "", salestest.Sale(time.Now(), "c1", 1000))
	held, release := make(chan struct{}), make(chan struct{})
	txDone := make(chan error, 1)
	// The test's transaction writes the first receipt and stays open: the
	// writer's insert of it waits for it on both databases.
	go func() {
		txDone <- f.db.InTx(context.Background(), func(ctx context.Context) error {
			r, err := prepare(first)
			if err != nil {
				return err
			}
			r.ReceivedAt = f.svc.now()
			if _, err := f.svc.insert(ctx, []*row{r}); err != nil {
				return err
			}
			close(held)
			<-release
			return nil
		})
	}()
	<-held
	queued := []<-chan outcome{f.submit(first)}
	var refused error
	for range 10 {
		c := make(chan outcome, 1)
		err := f.in.Submit(incoming(companyID, dev, "", salestest.Sale(time.Now(), "c1", 1000)), func(d bool, err error) { c <- outcome{d, err} })
		if err != nil {
			refused = err
			break
		}
		queued = append(queued, c)
	}
	wantCode(t, refused, mypos.ERATELIMIT, "")
	if mypos.ErrorRetryAfter(refused) <= 0 {
		t.Fatal("a full queue says when to try again")
	}
	close(release)
	if err := <-txDone; err != nil {
		t.Fatal(err)
	}
	for i, c := range queued {
		if o := wait(t, c); o.err != nil || o.duplicate != (i == 0) {
			t.Fatalf("queued receipt %d: %+v", i, o)
		}
	}
	if n, want := f.count(), int64(len(queued)); n != want {
		t.Fatalf("%d rows, want %d", n, want)
	}
}

// Close stores what was queued before it returns, and refuses what comes after.
func TestIngestCloseDrains(t *testing.T) {
	f := newFixture(t, IngestOptions{Linger: 50 * time.Millisecond})
	companyID, _ := company()
	dev := mypos.NewID()
	var cs []<-chan outcome
	for range 20 {
		cs = append(cs, f.submit(incoming(companyID, dev, "", salestest.Sale(time.Now(), "c1", 1000))))
	}
	f.in.Close()
	for _, c := range cs {
		select {
		case o := <-c:
			if o.err != nil {
				t.Fatal(o.err)
			}
		default:
			t.Fatal("Close returned before every done was called")
		}
	}
	err := f.in.Submit(incoming(companyID, dev, "", salestest.Sale(time.Now(), "c1", 1000)), func(bool, error) {})
	wantCode(t, err, mypos.ERATELIMIT, "")
	if n := f.count(); n != 20 {
		t.Fatalf("%d rows, want 20", n)
	}
}
