package sales

import (
	"sync"
	"testing"
	"time"

	"mypos"
	"mypos/sales/salestest"
)

// BenchmarkIngest submits b.N receipts of 50 licensed tills of one company
// straight to the ingester — no broker, no MQTT — and reports receipts/s
// from the first submit to the last done: the ingester's own ceiling,
// which fleet's BenchmarkReceiptIngest approaches from the wire. Checked
// is production's ingester, whose batches look up the cashiers, goods,
// discounts and licenses of their receipts; Unchecked leaves that out, to
// show what the checks cost. Run it on Postgres with
// MYPOS_TEST_DATABASE_URL set and -benchtime 20000x.
func BenchmarkIngest(b *testing.B) {
	b.Run("Checked", func(b *testing.B) {
		f := newCheckedFixture(b, IngestOptions{})
		shop, seller := f.world.Shop(b)
		devices := make([]string, 50)
		for i := range devices {
			devices[i] = f.device(shop)
			f.world.License(b, shop, devices[i])
		}
		benchIngest(b, f.fixture, actorID(shop), devices, seller)
	})
	b.Run("Unchecked", func(b *testing.B) {
		f := newFixture(b, IngestOptions{})
		companyID, _ := company()
		devices := make([]string, 50)
		for i := range devices {
			devices[i] = mypos.NewID()
		}
		benchIngest(b, f, companyID, devices, salestest.Seller{CashierID: cashierA, GoodsIDs: []string{mypos.NewID(), mypos.NewID()}})
	})
}

func benchIngest(b *testing.B, f *fixture, companyID string, devices []string, seller salestest.Seller) {
	ins := make([]upload, b.N)
	for i := range ins {
		// Punched a millisecond apart, up to now, as tills sell: in the
		// order the list's index keeps.
		at := testNow.Add(time.Duration(i-b.N) * time.Millisecond)
		ins[i] = incoming(companyID, devices[i%len(devices)], "", seller.Sale(at, 5990, 12000, 990))
	}
	var wg sync.WaitGroup
	wg.Add(b.N)
	done := func(o Outcome) {
		if o.Err != nil || o.Unlicensed {
			b.Errorf("%+v", o)
		}
		wg.Done()
	}
	b.ResetTimer()
	start := time.Now()
	for _, in := range ins {
		submit(b, f.in, in, done)
	}
	wg.Wait()
	b.StopTimer()
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "receipts/s")
	if n := f.count(); n != int64(b.N) {
		b.Fatalf("%d receipts stored, want %d", n, b.N)
	}
}

// submit submits a receipt, waiting while the queue is full as a till would.
func submit(b *testing.B, in *Ingester, r upload, done func(Outcome)) {
	for {
		err := submitUpload(in, r, done)
		if err == nil {
			return
		}
		if mypos.ErrorCode(err) != mypos.ERATELIMIT {
			b.Fatal(err)
		}
		time.Sleep(time.Millisecond)
	}
}
