package agent

import (
	"context"
	"testing"
	"time"
)

// APIReady names the address the local API serves on when it was asked
// for port 0, and a client with the data directory's token reaches it —
// the cloud need not be up.
func TestRunAPIReady(t *testing.T) {
	dir, id := t.TempDir(), testIdentity()
	id.MQTTURL = "mqtt://" + deadAddr(t)
	saveIdentity(dir, id)
	ready := make(chan string, 1)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- Run(ctx, RunConfig{DataDir: dir, Listen: "127.0.0.1:0", Logger: discard(), APIReady: func(addr string) { ready <- addr }})
	}()
	defer func() { cancel(); <-done }()
	var addr string
	select {
	case addr = <-ready:
	case err := <-done:
		t.Fatalf("Run returned %v before its API was ready", err)
	case <-time.After(5 * time.Second):
		t.Fatal("APIReady was not called")
	}
	c, err := NewAPIClient(dir, addr)
	if err != nil {
		t.Fatal(err)
	}
	if st, err := c.Status(ctx); err != nil || st.DeviceID != id.DeviceID {
		t.Fatalf("status at %s: %+v %v", addr, st, err)
	}
}
