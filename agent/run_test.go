package agent

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"mypos/protocol"
)

// syncBuffer is a log sink that goroutines may share.
type syncBuffer struct {
	mu sync.Mutex
	sb strings.Builder
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.sb.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.sb.String()
}

// message is a paho.Message as it arrives on the downlink.
type message struct{ payload []byte }

func (m message) Duplicate() bool   { return false }
func (m message) Qos() byte         { return 1 }
func (m message) Retained() bool    { return false }
func (m message) Topic() string     { return protocol.DeviceTopic(testDevice, protocol.LeafDown) }
func (m message) MessageID() uint16 { return 1 }
func (m message) Payload() []byte   { return m.payload }
func (m message) Ack()              {}

func TestRun(t *testing.T) {
	t.Run("ErrNotEnrolled", func(t *testing.T) {
		if err := Run(context.Background(), RunConfig{DataDir: t.TempDir()}); !errors.Is(err, ErrNotEnrolled) {
			t.Fatalf("err=%v, want ErrNotEnrolled", err)
		}
	})
	t.Run("ErrCAWithoutTLS", func(t *testing.T) {
		dir := t.TempDir()
		saveIdentity(dir, testIdentity())
		if err := Run(context.Background(), RunConfig{DataDir: dir, CAFile: "ca.pem"}); err == nil || !strings.Contains(err.Error(), "does not use TLS") {
			t.Fatalf("err=%v, want the CA refused for a plain broker", err)
		}
	})
	// With no broker to reach, Run keeps retrying with backoff — serving
	// the local API meanwhile, and holding the local database against a second
	// process — and returns promptly once told to stop.
	t.Run("RetriesUntilStopped", func(t *testing.T) {
		dir, id := t.TempDir(), testIdentity()
		id.MQTTURL = "mqtt://" + deadAddr(t)
		saveIdentity(dir, id)
		var logs syncBuffer
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		second := make(chan error, 1)
		var stopped time.Time
		go func() {
			waitLogged(&logs, "local api listening")
			second <- Run(context.Background(), RunConfig{DataDir: dir, Listen: "127.0.0.1:0", Logger: discard()})
			waitLogged(&logs, "in=") // at least a retry or two more
			stopped = time.Now()
			cancel()
		}()
		err := Run(ctx, RunConfig{DataDir: dir, Listen: "127.0.0.1:0", Logger: slog.New(slog.NewTextHandler(&logs, nil)),
			MinReconnect: 50 * time.Millisecond, MaxReconnect: 200 * time.Millisecond})
		if err != nil || time.Since(stopped) > time.Second {
			t.Fatalf("Run=%v %s after it was stopped, want nil at once", err, time.Since(stopped))
		}
		if err := <-second; !errors.Is(err, ErrLocalBusy) {
			t.Fatalf("a second Run on the same data: %v, want ErrStoreBusy", err)
		}
		if n := strings.Count(logs.String(), `msg="connect failed"`); n < 3 {
			t.Fatalf("%d failed connects logged, want several retries:\n%s", n, logs.String())
		}
		if !strings.Contains(logs.String(), `msg="local api listening" addr=127.0.0.1:`) {
			t.Fatalf("the API's address was not logged:\n%s", logs.String())
		}
		if strings.Contains(logs.String(), id.Secret) {
			t.Fatal("the secret reached the log")
		}
		mustMode(t, filepath.Join(dir, fileAPIToken), 0o600)
		mustMode(t, filepath.Join(dir, fileStore), 0o600)
	})
	t.Run("ErrListen", func(t *testing.T) {
		dir, id := t.TempDir(), testIdentity()
		id.MQTTURL = "mqtt://" + deadAddr(t)
		saveIdentity(dir, id)
		busy, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer busy.Close()
		for _, addr := range []string{busy.Addr().String(), "0.0.0.0:0"} {
			err := Run(context.Background(), RunConfig{DataDir: dir, Listen: addr, Logger: discard()})
			if err == nil || !strings.Contains(err.Error(), "MYPOS_AGENT_LISTEN") {
				t.Fatalf("listen %s: %v, want a refusal naming the setting", addr, err)
			}
		}
		// The local database was closed on the way out: it opens again.
		mustLocal(t, dir)
	})
}

// deadAddr is a loopback address nobody listens on: every connect fails at once.
func deadAddr(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// waitLogged waits up to 5 s for want in logs.
func waitLogged(logs *syncBuffer, want string) {
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		if strings.Contains(logs.String(), want) {
			return
		}
	}
}
