package account

import (
	"fmt"
	"runtime"
	"testing"
	"time"
)

// A spray from as many addresses as the throttle holds entries, each
// failing once for one e-mail (two keys) within one quiet spell, keeps the
// map at maxEntries at most; a key past its limit before the spray still
// waits after it.
func TestThrottleBoundedUnderSpray(t *testing.T) {
	now := time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC)
	th := newThrottle(func() time.Time { return now })
	guesser := key{"pair:victim from 192.0.2.1", pairRule}
	for range pairRule.limit + 5 { // its wait at the most, longer than the spray
		th.end(true, guesser)
	}
	for i := range maxEntries {
		address := fmt.Sprintf("10.%d.%d.%d", i>>16, i>>8&0xff, i&0xff)
		keys := []key{{"pair:victim from " + address, pairRule}, {"addr:" + address, addressRule}}
		if th.begin(keys...) != 0 {
			t.Fatalf("address %d waits before any failure", i)
		}
		th.end(true, keys...)
		if n := len(th.entries); n > maxEntries {
			t.Fatalf("after %d addresses the throttle holds %d entries, want at most %d", i+1, n, maxEntries)
		}
		now = now.Add(time.Millisecond) // the whole spray within one quiet spell
	}
	if now.Sub(time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC)) > pairRule.quiet {
		t.Fatal("the spray outlasted a quiet spell: nothing was live to shed")
	}
	if th.begin(guesser) == 0 {
		t.Fatal("the guesser past its limit was shed by the spray")
	}
}

// Attempts in flight count before they end: a key lets as many run at once
// as it has failures left, and one at a time past its limit.
func TestThrottleInFlight(t *testing.T) {
	now := time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC)
	th := newThrottle(func() time.Time { return now })
	k := key{"pair:x", pairRule}
	for i := range pairRule.limit {
		if wait := th.begin(k); wait != 0 {
			t.Fatalf("attempt %d in flight: wait %v", i+1, wait)
		}
	}
	if wait := th.begin(k); wait != busyWait {
		t.Fatalf("attempt past the limit in flight: wait %v, want %v", wait, busyWait)
	}
	for range pairRule.limit {
		th.end(true, k)
	}
	if wait := th.begin(k); wait != pairRule.first {
		t.Fatalf("after %d failures: wait %v, want %v", pairRule.limit, wait, pairRule.first)
	}
	now = now.Add(pairRule.first)
	if th.begin(k) != 0 {
		t.Fatal("after the wait: refused")
	}
	if wait := th.begin(k); wait != busyWait {
		t.Fatalf("a second attempt past the limit in flight: wait %v, want %v", wait, busyWait)
	}
}

// Idle keys are forgotten: a login that succeeds leaves nothing behind, and
// failures are forgotten after a quiet spell.
func TestThrottleForgets(t *testing.T) {
	now := time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC)
	th := newThrottle(func() time.Time { return now })
	ok, bad := key{"pair:ok", pairRule}, key{"pair:bad", pairRule}
	th.begin(ok)
	th.end(false, ok)
	th.begin(bad)
	th.end(true, bad)
	if _, left := th.entries[ok.name]; left {
		t.Fatal("a success left an entry")
	}
	now = now.Add(pairRule.quiet + time.Nanosecond)
	if th.live(bad.name, now) != nil {
		t.Fatal("a failure outlived its quiet spell")
	}
}

// BenchmarkThrottleMemoryAtBound reports the heap the throttle takes full:
// maxEntries keys as a spray makes them, a pair and an IPv6 /64 each.
func BenchmarkThrottleMemoryAtBound(b *testing.B) {
	for range b.N {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		th := newThrottle(time.Now)
		for i := range maxEntries / 2 {
			address := fmt.Sprintf("2001:db8:%x:%x::/64", i>>16, i&0xffff)
			for _, k := range []key{{"pair:" + hashSecret(address), pairRule}, {"addr:" + address, addressRule}} {
				th.begin(k)
				th.end(true, k)
			}
		}
		runtime.GC()
		runtime.ReadMemStats(&after)
		b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/(1<<20), "MB")
		b.ReportMetric(float64(len(th.entries)), "entries")
		runtime.KeepAlive(th)
	}
}
