package fleet_test

import (
	"context"
	"fmt"
	"runtime"
	"slices"
	"sync"
	"testing"
	"time"

	"mypos/changelog"
	"mypos/protocol"
)

// BenchmarkWriteToApplied measures a cabinet write — one change in its own
// transaction, for one till — until a connected till has applied it: the
// push arrived and the till's revision reached the write's. Each op is one
// write, made once the last is applied. p50-ms and p99-ms run from the
// start of the transaction to the apply; tx-p50-ms is the transaction
// alone. Ask for at least 1,000 writes: -benchtime 1000x.
func BenchmarkWriteToApplied(b *testing.B) {
	e := newEnv(b, withRate(1e6))
	company := e.companyID()
	id, secret := e.enroll("Касса")
	tl := newTill(e, id, secret, false)
	tl.appliedAt = map[int64]time.Time{}
	tl.connect()
	head := func() int64 { h, _ := e.changes.Head(context.Background(), company); return h }
	if h := head(); !tl.waitFor(5*time.Second, func() bool { return tl.sync == nil && !tl.pending && tl.rev == h }) {
		b.Fatalf("not synced:\n%s", tl.state())
	}
	if 1 < b.N && b.N < 1000 {
		b.Logf("percentiles over %d writes: ask for -benchtime 1000x", b.N)
	}
	total := make([]time.Duration, 0, b.N)
	tx := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := range b.N {
		start := time.Now()
		var rev int64
		err := e.db.InTx(context.Background(), func(ctx context.Context) error {
			var err error
			rev, err = e.changes.Append(ctx, company, changelog.Entry{Kind: "cashier", Entity: fmt.Sprintf("cashier-%d", i%50),
				Op: protocol.OpUpsert, Body: map[string]any{"id": i % 50, "name": "Кассир", "v": i}, Scope: changelog.Devices(id)})
			return err
		})
		if err != nil {
			b.Fatal(err)
		}
		tx = append(tx, time.Since(start))
		if !tl.waitFor(5*time.Second, func() bool { return tl.rev >= rev }) {
			b.Fatalf("write %d (revision %d) not applied within 5 s:\n%s", i, rev, tl.state())
		}
		tl.mu.Lock()
		at, ok := tl.appliedAt[rev]
		tl.mu.Unlock()
		if !ok {
			b.Fatalf("revision %d was passed over, not reached", rev)
		}
		total = append(total, at.Sub(start))
	}
	b.StopTimer()
	b.ReportMetric(ms(percentile(total, 50)), "p50-ms")
	b.ReportMetric(ms(percentile(total, 99)), "p99-ms")
	b.ReportMetric(ms(percentile(total, 100)), "max-ms")
	b.ReportMetric(ms(percentile(tx, 50)), "tx-p50-ms")
	for _, p := range tl.problemsNow() {
		b.Error(p)
	}
}

// BenchmarkResetStorm loads a catalog of 100,000 goods, then has 100 tills
// connect at once and sync from 0: a full snapshot each, in pages. It
// reports the time until every till holds exactly the catalog and itself,
// and what the process's heap did meanwhile: heap-peak-MB is the most the
// heap in use grew over its level before the storm, heap-after-MB what it
// kept after a GC, alloc-MB all it allocated — the tills' decoding
// included; they keep no entities (a bitset of the goods), so the heap is
// the server's. Run it with -benchtime 1x.
func BenchmarkResetStorm(b *testing.B) {
	tills := envInt(b, envStormTills, 100)
	stormGoods = envInt(b, envStormGoods, 100_000)
	e := newEnv(b, withRate(1e6))
	company := e.companyID()
	start := time.Now()
	const batch = 5000
	for from := 0; from < stormGoods; from += batch {
		entries := make([]changelog.Entry, 0, batch)
		for n := from; n < min(from+batch, stormGoods); n++ {
			entries = append(entries, changelog.Entry{Kind: "goods", Entity: stormID(n), Op: protocol.OpUpsert, Body: stormBody(n), Scope: changelog.Company()})
		}
		err := e.db.InTx(context.Background(), func(ctx context.Context) error {
			_, err := e.changes.AppendMany(ctx, company, entries)
			return err
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	b.Logf("catalog of %d goods loaded in %v", stormGoods, time.Since(start).Round(time.Millisecond))
	var all []*till
	for i := range tills {
		id, secret := e.enrollFrom(fmt.Sprintf("Касса %d", i+1), fmt.Sprintf("10.0.%d.%d", i/200, i%200+1))
		all = append(all, newTill(e, id, secret, true))
	}
	head, err := e.changes.Head(context.Background(), company)
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		for _, tl := range all {
			tl.drop()
			tl.forget()
		}
		for _, tl := range all {
			tl.gone()
		}
		runtime.GC()
		var before runtime.MemStats
		runtime.ReadMemStats(&before)
		peak := sampleHeap()
		b.StartTimer()

		start := time.Now()
		errs := make(chan error, tills)
		for _, tl := range all {
			go func() { errs <- tl.dial() }()
		}
		for range all {
			if err := <-errs; err != nil {
				b.Fatal(err)
			}
		}
		connected := time.Since(start)
		for _, tl := range all {
			converged := func() bool {
				return tl.sync == nil && !tl.pending && tl.rev == head && tl.goods == stormGoods && tl.self
			}
			if !tl.waitFor(10*time.Minute, converged) {
				b.Fatalf("not converged:\n%s", tl.state())
			}
		}
		took := time.Since(start)

		b.StopTimer()
		top := peak()
		runtime.GC()
		var after runtime.MemStats
		runtime.ReadMemStats(&after)
		pages := 0
		for _, tl := range all {
			for _, p := range tl.problemsNow() {
				b.Errorf("%s: %s", short(tl.id), p)
			}
			pages += tl.statsNow().pages
		}
		b.ReportMetric(took.Seconds(), "converge-s")
		b.ReportMetric(connected.Seconds(), "connect-s")
		b.ReportMetric(float64(pages)/float64(tills), "pages/till")
		b.ReportMetric(mb(int64(top)-int64(before.HeapInuse)), "heap-peak-MB")
		b.ReportMetric(mb(int64(after.HeapInuse)-int64(before.HeapInuse)), "heap-after-MB")
		b.ReportMetric(mb(int64(after.TotalAlloc-before.TotalAlloc)), "alloc-MB")
		b.Logf("heap in use before the storm %.1f MB, at its peak %.1f MB, after it %.1f MB", mb(int64(before.HeapInuse)), mb(int64(top)), mb(int64(after.HeapInuse)))
		b.StartTimer()
	}
}

// The reset storm's catalog: goods whose IDs carry their number, with the
// body backoffice sends for a goods. MYPOS_STORM_GOODS and
// MYPOS_STORM_TILLS shrink it for a profile.
const (
	stormIDPrefix = "00000000-0000-7000-8000-"
	envStormGoods = "MYPOS_STORM_GOODS"
	envStormTills = "MYPOS_STORM_TILLS"
)

var stormGoods = 100_000

func stormID(n int) string { return fmt.Sprintf("%s%012d", stormIDPrefix, n) }

func stormBody(n int) map[string]any {
	return map[string]any{"id": stormID(n), "code": fmt.Sprintf("%06d", n), "name": fmt.Sprintf("Товар %06d", n),
		"barcodes": []string{fmt.Sprintf("46%011d", n)}, "price": 10_000 + n%9000, "unit": "piece", "vat": "22",
		"group_id": nil, "active": true}
}

// forget empties a light till, as a till that lost its store.
func (tl *till) forget() {
	tl.mu.Lock()
	defer tl.mu.Unlock()
	tl.rev, tl.goods, tl.self, tl.sync, tl.pending, tl.wantReset = 0, 0, false, nil, false, false
	tl.st = tillStats{}
}

// sampleHeap samples the heap in use every 10 ms until the returned
// function is called, which returns the highest sample.
func sampleHeap() func() uint64 {
	var (
		mu   sync.Mutex
		top  uint64
		done = make(chan struct{})
		quit = make(chan struct{})
	)
	go func() {
		defer close(done)
		t := time.NewTicker(10 * time.Millisecond)
		defer t.Stop()
		var m runtime.MemStats
		for {
			runtime.ReadMemStats(&m)
			mu.Lock()
			top = max(top, m.HeapInuse)
			mu.Unlock()
			select {
			case <-quit:
				return
			case <-t.C:
			}
		}
	}()
	return func() uint64 {
		close(quit)
		<-done
		mu.Lock()
		defer mu.Unlock()
		return top
	}
}

func percentile(d []time.Duration, p int) time.Duration {
	if len(d) == 0 {
		return 0
	}
	s := slices.Clone(d)
	slices.Sort(s)
	i := (len(s)*p+99)/100 - 1
	return s[max(0, min(i, len(s)-1))]
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

func mb(n int64) float64 { return float64(n) / 1e6 }
