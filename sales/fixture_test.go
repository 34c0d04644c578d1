package sales

import (
	"context"
	"testing"
	"time"

	"mypos"
	"mypos/db"
	"mypos/db/dbtest"
	"mypos/protocol"
	"mypos/sales/salestest"
)

type fixture struct {
	t   testing.TB
	db  *db.DB
	svc *Service
	in  *Ingester
}

// newFixture is the sales service and an ingester that checks nothing
// beyond the receipts themselves (see newCheckedFixture), on a clock
// standing at testNow.
func newFixture(t testing.TB, opts IngestOptions) *fixture {
	t.Helper()
	database := dbtest.Open(t, Schema)
	database.Now = func() time.Time { return testNow }
	svc := NewService(database)
	f := &fixture{t: t, db: database, svc: svc, in: uncheckedIngester(svc, opts)}
	t.Cleanup(f.in.Close)
	return f
}

// uncheckedIngester is an ingester whose batches pass the checks against
// backoffice and licensing unasked, for the tests of what it does beyond
// them.
func uncheckedIngester(svc *Service, opts IngestOptions) *Ingester {
	g := newIngester(svc, Checks{}, opts)
	g.checkRows = func(_ context.Context, rows []*row) []error { return make([]error, len(rows)) }
	g.start()
	return g
}

// testNow is the fixture's clock: the receipts of the tests are a day or
// two old.
var testNow = salestest.At("2026-03-09T12:00:00+03:00")

// Cashiers of the tests that check nothing of them but their shape.
var cashierA, cashierB = mypos.NewID(), mypos.NewID()

// company returns a new company's ID and a context acting as it.
func company() (string, context.Context) {
	id := mypos.NewID()
	return id, mypos.NewContextWithActor(context.Background(), mypos.Actor{Kind: mypos.KindCompany, ID: id, CompanyID: id})
}

// submit hands the ingester a receipt and returns the channel its outcome
// arrives on.
func (f *fixture) submit(in upload) <-chan Outcome {
	f.t.Helper()
	c := make(chan Outcome, 1)
	if err := submitUpload(f.in, in, func(o Outcome) { c <- o }); err != nil {
		f.t.Fatalf("submit %s: %v", in.Sale.ID, err)
	}
	return c
}

// submitUpload submits in as fleet does.
func submitUpload(g *Ingester, in upload, done func(Outcome)) error {
	return g.Submit(in.CompanyID, in.DeviceID, in.StoreID, in.Sale, done)
}

// wait returns an outcome, failing the test after five seconds.
func wait(t testing.TB, c <-chan Outcome) Outcome {
	t.Helper()
	select {
	case o := <-c:
		return o
	case <-time.After(5 * time.Second):
		t.Fatal("no outcome within 5 s")
		return Outcome{}
	}
}

// store submits receipts and waits until each is stored as new.
func (f *fixture) store(ins ...upload) {
	f.t.Helper()
	cs := make([]<-chan Outcome, len(ins))
	for i, in := range ins {
		cs[i] = f.submit(in)
	}
	for i, c := range cs {
		if o := wait(f.t, c); o.Err != nil || o.Duplicate {
			f.t.Fatalf("store %s: %+v", ins[i].Sale.ID, o)
		}
	}
}

func (f *fixture) count() int64 {
	f.t.Helper()
	var n int64
	if err := f.db.Conn(context.Background()).Table("receipts").Count(&n).Error; err != nil {
		f.t.Fatal(err)
	}
	return n
}

func wantCode(t testing.TB, err error, code, field string) {
	t.Helper()
	if mypos.ErrorCode(err) != code || mypos.ErrorField(err) != field {
		t.Fatalf("err=%v (field %q), want %s on field %q", err, mypos.ErrorField(err), code, field)
	}
}

// incoming is a receipt of a device of a company, in a store or none.
func incoming(companyID, deviceID, storeID string, s protocol.Sale) upload {
	return upload{CompanyID: companyID, DeviceID: deviceID, StoreID: storeID, Sale: s}
}
