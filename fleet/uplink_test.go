package fleet_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	paho "github.com/eclipse/paho.mqtt.golang"

	"mypos/fleet"
	"mypos/protocol"
)

// Every refusal names the request it refuses, the rate limit's too —
// whatever the message, decoded or not. Past the budget a device is told
// once a second; a request it waits on (a sync, a key entry) is answered
// besides, as many as the budget, so it never waits for a timeout.
func TestRateLimitRefusalNamesTheRequest(t *testing.T) {
	e := newEnv(t)
	e.stop()
	e.tune = func(c *fleet.Config) { c.Rate, c.Burst = 0.1, 2 }
	e.start()
	id, secret := e.enroll("Касса")
	term := e.connect(id, secret)
	term.publish(t, []byte(`{"v":1,"type":"hello","id":"h1","rev":0,"agent":"test"}`))
	term.publish(t, []byte(`{"v":1,"type":"ack","id":"a1","rev":0}`)) // the budget of two is spent
	for _, m := range []string{
		`{"v":1,"type":"dance","id":"u9"}`, // does not decode: told, once a second
		`{"v":1,"type":"sync","id":"s1","since":0}`,
		`{"v":1,"type":"license","id":"k1","key":"AAAAA-AAAAA-AAAAA-AAAAA-AAAAA"}`,
		`{"v":1,"type":"ack","id":"a2","rev":0}`, // waited on by no one: not told
		`{"v":1,"type":"sync","id":"s2","since":0}`,
		`{"v":1,"type":"sync","id":"s3","since":0}`, // past the replies budget
	} {
		term.publish(t, []byte(m))
	}
	eventually(t, "six refused", func() bool {
		return counter(t, e.reg, "mypos_fleet_uplink_rejected_total", "rate_limited") == 6
	})
	eventually(t, "three told", func() bool { return len(term.errors()) == 3 })
	if got, want := strings.Join(term.errors(), " "), "rate_limited@u9 rate_limited@s1 rate_limited@k1"; got != want {
		t.Fatalf("told %q, want %q", got, want)
	}
}

// A message dropped because its device's queue is full is refused by
// name too (queue_full), so a till waiting for a page retries at once
// instead of at its page timeout.
func TestQueueFullRefusalNamesTheRequest(t *testing.T) {
	e := newEnv(t)
	e.stop()
	e.tune = func(c *fleet.Config) { c.Workers, c.QueueSize = 1, 1 }
	e.start()
	id, secret := e.enroll("Касса")
	term := e.connect(id, secret)
	const n = 40
	var toks []paho.Token
	for i := range n { // all at once: the one worker cannot keep up with the broker's read path
		toks = append(toks, term.Publish(protocol.DeviceTopic(id, protocol.LeafUp), 1, false,
			fmt.Sprintf(`{"v":1,"type":"hello","id":"h%d","rev":0,"agent":"test"}`, i)))
	}
	for _, tok := range toks {
		if !tok.WaitTimeout(5*time.Second) || tok.Error() != nil {
			t.Fatalf("publish: %v", tok.Error())
		}
	}
	count := func(name, label string) int { return int(counter(t, e.reg, name, label)) }
	eventually(t, "every hello handled or dropped, each dropped told", func() bool {
		dropped := count("mypos_fleet_uplink_rejected_total", "queue_full")
		return dropped > 0 && dropped+count("mypos_fleet_uplink_total", protocol.TypeHello) == n && len(term.errors()) == dropped
	})
	told := map[string]bool{}
	for _, e := range term.errors() {
		told[e] = true
	}
	if len(told) != len(term.errors()) {
		t.Fatalf("told %v: a request twice", term.errors())
	}
	for e := range told {
		if !strings.HasPrefix(e, "queue_full@h") {
			t.Fatalf("told %s, want queue_full with a hello's ID", e)
		}
	}
}
