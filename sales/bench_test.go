package sales

import (
	"sync"
	"testing"
	"time"

	"mypos"
	"mypos/sales/salestest"
)

// BenchmarkIngest submits b.N receipts of 50 tills of one company straight
// to the ingester — no broker, no MQTT — and reports receipts/s from the
// first submit to the last done: the ingester's own ceiling, which fleet's
// BenchmarkReceiptIngest approaches from the wire. Run it on Postgres with
// MYPOS_TEST_DATABASE_URL set and -benchtime 20000x.
func BenchmarkIngest(b *testing.B) {
	f := newFixture(b, IngestOptions{})
	companyID, _ := company()
	devices := make([]string, 50)
	for i := range devices {
		devices[i] = mypos.NewID()
	}
	ins := make([]Incoming, b.N)
	for i := range ins {
		ins[i] = incoming(companyID, devices[i%len(devices)], "", salestest.Sale(time.Now(), "c1", 5990, 12000, 990))
	}
	var wg sync.WaitGroup
	wg.Add(b.N)
	b.ResetTimer()
	start := time.Now()
	for _, in := range ins {
		for {
			err := f.in.Submit(in, func(_ bool, err error) {
				if err != nil {
					b.Error(err)
				}
				wg.Done()
			})
			if err == nil {
				break
			}
			if mypos.ErrorCode(err) != mypos.ERATELIMIT {
				b.Fatal(err)
			}
			time.Sleep(time.Millisecond) // the queue is full: as a till would, try again shortly
		}
	}
	wg.Wait()
	b.StopTimer()
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "receipts/s")
	if n := f.count(); n != int64(b.N) {
		b.Fatalf("%d receipts stored, want %d", n, b.N)
	}
}
