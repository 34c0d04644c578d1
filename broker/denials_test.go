package broker

import (
	"fmt"
	"strings"
	"testing"
	"time"

	paho "github.com/eclipse/paho.mqtt.golang"

	"mypos/protocol"
)

// A device flooding a topic not its own costs the log a bounded number of
// lines — its first denial, then a count per period — and never a byte of
// what it tried to publish; the counter has every denial.
func TestDeniedPublishFlood(t *testing.T) {
	b := MustStart(t, fleet, nil)
	lost := make(chan error, 1)
	a := MustDial(t, b.tcp, devA, secretA, func(o *paho.ClientOptions) {
		o.SetConnectionLostHandler(func(_ paho.Client, err error) { lost <- err })
	})
	const flood = 1000
	payload := []byte("receipt of a stranger, never to be logged")
	foreign := protocol.DeviceTopic(devB, protocol.LeafUp)
	for range flood {
		a.Publish(foreign, 0, false, payload)
	}
	// A QoS 1 one ends an MQTT 3.1.1 connection, and mochi logs the packet
	// it could not process.
	a.Publish(foreign, 1, false, payload)
	select {
	case <-lost:
	case <-time.After(5 * time.Second):
		t.Fatal("the QoS 1 denial did not close the connection")
	}
	eventually(t, "every denial counted", func() bool {
		return b.value(t, "mypos_broker_acl_denials_total", "action", "publish") == flood+1
	})

	if err := b.Close(); err != nil { // the period ends: its count is told
		t.Fatal(err)
	}
	logs := b.logs.String()
	for _, leak := range []string{string(payload), strings.Trim(fmt.Sprint(payload), "[]"), fmt.Sprintf("%x", payload)} {
		if strings.Contains(logs, leak) {
			t.Fatalf("the log holds the payload (%.40s…):\n%.3000s", leak, logs)
		}
	}
	if n := strings.Count(logs, `msg="mqtt acl denied"`); n != 1 {
		t.Fatalf("%d denial lines, want only the first:\n%.3000s", n, logs)
	}
	summary := fmt.Sprintf(`device=%s action=publish denied=%d period=1m0s`, devA, flood+1)
	if n := strings.Count(logs, summary); n != 1 || strings.Count(logs, `msg="mqtt acl denials"`) != 1 {
		t.Fatalf("%d summaries %q, want one:\n%.3000s", n, summary, logs)
	}
	if n := strings.Count(logs, "\n"); n > 20 {
		t.Fatalf("%d log lines for one flood:\n%.3000s", n, logs)
	}
}
