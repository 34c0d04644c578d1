package fleet_test

import (
	"strings"
	"testing"

	"mypos/fleet"
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
