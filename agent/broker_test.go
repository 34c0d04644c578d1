package agent

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestBrokerAddress(t *testing.T) {
	for _, tt := range []struct {
		url, server string
		secure, ok  bool
	}{
		{"mqtt://cloud.example:1884", "tcp://cloud.example:1884", false, true},
		{"mqtt://cloud.example", "tcp://cloud.example:1883", false, true},
		{"mqtts://cloud.example", "ssl://cloud.example:8883", true, true},
		{"mqtts://[::1]:8884", "ssl://[::1]:8884", true, true},
		{"ws://127.0.0.1:8083/mqtt", "ws://127.0.0.1:8083/mqtt", false, true},
		{"wss://cloud.example/mqtt", "wss://cloud.example/mqtt", true, true},
		{"tcp://cloud.example:1883", "", false, false},
		{"http://cloud.example", "", false, false},
		{"mqtt://", "", false, false},
		{"cloud.example:1883", "", false, false},
		{"", "", false, false},
	} {
		server, secure, err := brokerAddress(tt.url)
		if server != tt.server || secure != tt.secure || (err == nil) != tt.ok {
			t.Errorf("brokerAddress(%q)=%q,%v,%v; want %q,%v, ok=%v", tt.url, server, secure, err, tt.server, tt.secure, tt.ok)
		}
	}
}

func TestTLSConfig(t *testing.T) {
	if conf, err := TLSConfig(""); err != nil || conf.RootCAs != nil {
		t.Fatalf("no CA file: %v, want the system roots", err)
	}
	junk := filepath.Join(t.TempDir(), "ca.pem")
	os.WriteFile(junk, []byte("not a certificate"), 0o600)
	if _, err := TLSConfig(junk); err == nil {
		t.Fatal("a CA file without a certificate was accepted")
	}
	if _, err := TLSConfig(filepath.Join(t.TempDir(), "absent.pem")); err == nil {
		t.Fatal("a missing CA file was accepted")
	}
}

func TestBackoffBounds(t *testing.T) {
	const min, max = 100 * time.Millisecond, 2 * time.Second
	b := newBackoff(min, max)
	var last time.Duration
	for i := range 1000 {
		d := b.next()
		if d < min/2 || d > max {
			t.Fatalf("draw %d: %s outside [%s, %s]", i, d, min/2, max)
		}
		last = d
	}
	if last < max/2 {
		t.Fatalf("after many failures the wait is %s, want it near the cap %s", last, max)
	}
	b.reset()
	if d := b.next(); d > min {
		t.Fatalf("after reset: %s, want at most %s", d, min)
	}
	// Jitter: two draws at the same step are not all the same.
	seen := map[time.Duration]bool{}
	for range 50 {
		seen[newBackoff(time.Second, time.Second).next()] = true
	}
	if len(seen) < 10 {
		t.Fatalf("%d distinct waits in 50 draws: no jitter", len(seen))
	}
}
