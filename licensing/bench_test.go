package licensing_test

import (
	"context"
	"sync/atomic"
	"testing"

	"mypos/licensing"
)

// BenchmarkActivate types distinct unsealed keys on distinct terminals of
// ten companies, eight at a time, and reports activations per second. Run
// it on SQLite and, with MYPOS_TEST_DATABASE_URL, on Postgres:
//
//	go test -run '^$' -bench Activate -benchtime 2000x ./licensing/
func BenchmarkActivate(b *testing.B) {
	f := newFixture(b)
	p := f.partner(b)
	keys := f.unsealedKeys(b, p, b.N)
	companies, devices := make([]string, b.N), make([]string, b.N)
	for i := 0; i < 10 && i < b.N; i++ {
		c := f.company(b)
		for j := i; j < b.N; j += 10 {
			companies[j], devices[j] = idOf(c), f.device(b, c)
		}
	}
	var next atomic.Int64
	b.SetParallelism(4) // 4 × GOMAXPROCS terminals typing at once
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := next.Add(1) - 1
			if _, err := f.lic.Activate(context.Background(), devices[i], companies[i], keys[i]); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "activations/s")
}

// unsealedKeys sells n licenses to the partner and unseals them, in
// documents of at most MaxSale, and returns their keys.
func (f *fixture) unsealedKeys(b *testing.B, partner context.Context, n int) []string {
	b.Helper()
	keys := make([]string, 0, n)
	for len(keys) < n {
		ids := f.sell(b, partner, min(n-len(keys), licensing.MaxSale))
		if _, err := f.lic.Unseal(partner, ids, licensee); err != nil {
			b.Fatal(err)
		}
		for _, id := range ids {
			keys = append(keys, f.license(b, id).Key)
		}
	}
	return keys
}
