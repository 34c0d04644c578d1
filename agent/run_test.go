package agent

import (
	"context"
	"errors"
	"log/slog"
	"net"
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

func TestInbox(t *testing.T) {
	var logs syncBuffer
	in := newInbox(slog.New(slog.NewTextHandler(&logs, nil)))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { in.consume(ctx); close(done) }()

	changes, _ := protocol.Encode(&protocol.Changes{Header: protocol.Header{ID: "c1"}, From: 3, To: 5, Items: []protocol.Item{}})
	for _, p := range []string{string(changes), `{"v":1,"type":"changes","id":`, `{"v":1,"type":"teleport","id":"x"}`} {
		in.handle(nil, message{payload: []byte(p)})
	}
	deadline := time.Now().Add(5 * time.Second)
	for in.malformed.Load() < 2 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	cancel()
	<-done
	if got := in.malformed.Load(); got != 2 {
		t.Fatalf("malformed=%d, want 2", got)
	}
	if !strings.Contains(logs.String(), "msg=received type=changes id=c1 from=3 to=5") {
		t.Fatalf("the changes message was not logged with its type and id:\n%s", logs.String())
	}
	// Once the consumer stopped, a handler does not block paho for ever.
	for range inboxSize + 1 {
		in.handle(nil, message{payload: changes})
	}
}

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
	// With no broker to reach, Run keeps retrying with backoff and returns
	// promptly once told to stop.
	t.Run("RetriesUntilStopped", func(t *testing.T) {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := ln.Addr().String()
		ln.Close() // nothing listens here now: every connect fails at once
		dir := t.TempDir()
		id := testIdentity()
		id.MQTTURL = "mqtt://" + addr
		saveIdentity(dir, id)
		var logs syncBuffer
		ctx, cancel := context.WithTimeout(context.Background(), 1500*time.Millisecond)
		defer cancel()
		start := time.Now()
		err = Run(ctx, RunConfig{DataDir: dir, Logger: slog.New(slog.NewTextHandler(&logs, nil)),
			MinReconnect: 50 * time.Millisecond, MaxReconnect: 200 * time.Millisecond})
		if err != nil || time.Since(start) > 3*time.Second {
			t.Fatalf("Run=%v after %s, want nil soon after the context ended", err, time.Since(start))
		}
		if n := strings.Count(logs.String(), `msg="connect failed"`); n < 3 {
			t.Fatalf("%d failed connects logged, want several retries:\n%s", n, logs.String())
		}
		if strings.Contains(logs.String(), id.Secret) {
			t.Fatal("the secret reached the log")
		}
	})
}
