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
	s := salestest.Sale(testNow, cashierA, 5990, 12000)
	in := incoming(companyID, dev, "", s)

	if o := wait(t, f.submit(in)); o.Err != nil || o.Duplicate {
		t.Fatalf("first upload: %+v", o)
	}
	again := in
	again.Sale.ID = strings.ToUpper(s.ID)
	for _, up := range []upload{in, again} {
		if o := wait(t, f.submit(up)); o.Err != nil || !o.Duplicate {
			t.Fatalf("upload of %s again: %+v, want a duplicate", up.Sale.ID, o)
		}
	}
	// Two uploads in one batch: the first stores it, the second is the duplicate.
	twice := incoming(companyID, dev, "", salestest.Sale(testNow, cashierA, 100))
	a, b := f.submit(twice), f.submit(twice)
	if oa, ob := wait(t, a), wait(t, b); oa.Err != nil || ob.Err != nil || oa.Duplicate || !ob.Duplicate {
		t.Fatalf("two uploads at once: %+v then %+v, want stored then duplicate", oa, ob)
	}
	if o := wait(t, f.submit(incoming(companyID, other, "", s))); o.Err != nil || o.Duplicate {
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
	outcomes := make([]chan Outcome, 3)
	for i := range outcomes {
		r, err := prepare(incoming(companyID, dev, "", salestest.Sale(testNow, cashierA, 1000)), testNow)
		if err != nil {
			t.Fatal(err)
		}
		c := make(chan Outcome, 1)
		outcomes[i] = c
		batch = append(batch, job{row: r, done: func(o Outcome) { c <- o }})
	}
	// What prepare cannot let through, the table's own check refuses.
	batch[1].row.Number = 0
	f.in.write(batch, make([]error, len(batch)))
	for i, c := range outcomes {
		o := wait(t, c)
		if bad := i == 1; (o.Err != nil) != bad || o.Duplicate {
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
	good := salestest.Sale(testNow, cashierA, 1000, 2000)
	tests := []struct {
		name  string
		spoil func(*upload)
		field string
	}{
		{"BadTotal", func(in *upload) { in.Sale.Total++ }, "receipt"},
		{"NoLines", func(in *upload) { in.Sale.Lines = nil }, "receipt"},
		{"BadCompany", func(in *upload) { in.CompanyID = "x" }, "device_id"},
		{"BadDevice", func(in *upload) { in.DeviceID = "" }, "device_id"},
		{"BadStore", func(in *upload) { in.StoreID = "store-1" }, "device_id"},
		{"NULCashier", func(in *upload) { in.Sale.CashierID = "c\x00" }, "cashier_id"},
		{"NotUTF8Goods", func(in *upload) { in.Sale.Lines[0].GoodsID = "g\xff" }, "lines"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := incoming(companyID, dev, "", good)
			in.Sale.Lines = append(in.Sale.Lines[:0:0], good.Lines...)
			tt.spoil(&in)
			err := submitUpload(f.in, in, func(Outcome) { t.Error("done called for a refused receipt") })
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
	first := incoming(companyID, dev, "", salestest.Sale(testNow, cashierA, 1000))
	held, release := make(chan struct{}), make(chan struct{})
	txDone := make(chan error, 1)
	// The test's transaction writes the first receipt and stays open: the
	// writer's insert of it waits for it on both databases.
	go func() {
		txDone <- f.db.InTx(context.Background(), func(ctx context.Context) error {
			r, err := prepare(first, testNow)
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
	queued := []<-chan Outcome{f.submit(first)}
	var refused error
	for range 10 {
		c := make(chan Outcome, 1)
		err := submitUpload(f.in, incoming(companyID, dev, "", salestest.Sale(testNow, cashierA, 1000)), func(o Outcome) { c <- o })
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
		if o := wait(t, c); o.Err != nil || o.Duplicate != (i == 0) {
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
	var cs []<-chan Outcome
	for range 20 {
		cs = append(cs, f.submit(incoming(companyID, dev, "", salestest.Sale(testNow, cashierA, 1000))))
	}
	f.in.Close()
	for _, c := range cs {
		select {
		case o := <-c:
			if o.Err != nil {
				t.Fatal(o.Err)
			}
		default:
			t.Fatal("Close returned before every done was called")
		}
	}
	err := submitUpload(f.in, incoming(companyID, dev, "", salestest.Sale(testNow, cashierA, 1000)), func(Outcome) {})
	wantCode(t, err, mypos.ERATELIMIT, "")
	if n := f.count(); n != 20 {
		t.Fatalf("%d rows, want 20", n)
	}
}

// A receipt's time is plausible within [now − 400 days, now + 1 day] by
// the cloud's clock; outside, it is refused for good with the field "at":
// 9999-12-31 would top the company's list forever.
func TestIngestRefusesImplausibleTimes(t *testing.T) {
	f := newFixture(t, IngestOptions{})
	companyID, _ := company()
	dev := mypos.NewID()
	day := 24 * time.Hour
	for _, tt := range []struct {
		name string
		at   time.Time
		ok   bool
	}{
		{"FarFuture", time.Date(9999, 12, 31, 23, 59, 59, 0, time.UTC), false},
		{"DayAndASecondAhead", testNow.Add(day + time.Second), false},
		{"DayAhead", testNow.Add(day), true},
		{"400DaysOld", testNow.Add(-400 * day), true},
		{"400DaysAndASecondOld", testNow.Add(-400*day - time.Second), false},
		{"Epoch", time.Unix(0, 0), false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			in := incoming(companyID, dev, "", salestest.Sale(tt.at, cashierA, 1000))
			if tt.ok {
				f.store(in)
				return
			}
			err := submitUpload(f.in, in, func(Outcome) { t.Error("done called for a refused receipt") })
			wantCode(t, err, mypos.EINVALID, "at")
		})
	}
	if n := f.count(); n != 2 {
		t.Fatalf("%d rows, want the 2 plausible ones", n)
	}
}
