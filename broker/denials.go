package broker

import (
	"log/slog"
	"sync"
	"time"
)

// denialPeriod is how often the ACL denials of a device are summed up.
const denialPeriod = time.Minute

// denials keeps the log of ACL denials bounded: a device's first denial of
// a period is logged with its topic, and the period's count is told in one
// line per device and action when the period ends. A device flooding
// foreign topics costs two lines a minute, not one a message; the counter
// mypos_broker_acl_denials_total has every denial.
type denials struct {
	log    *slog.Logger
	period time.Duration

	mu     sync.Mutex
	counts map[denial]int // this period's denials
}

type denial struct{ device, action string }

func newDenials(log *slog.Logger, period time.Duration) *denials {
	return &denials{log: log, period: period, counts: map[denial]int{}}
}

// add counts a denial and logs it when it is the device's first of the
// period. What the device tried to publish is never logged.
func (d *denials) add(device, action, topic string) {
	k := denial{device, action}
	d.mu.Lock()
	d.counts[k]++
	first := d.counts[k] == 1
	d.mu.Unlock()
	if first {
		d.log.Info("mqtt acl denied", "device", device, "action", action, "topic", topic)
	}
}

// flush tells the period's count of every device denied more than once
// (a single denial was told whole) and starts a new period.
func (d *denials) flush() {
	d.mu.Lock()
	counts := d.counts
	d.counts = map[denial]int{}
	d.mu.Unlock()
	for k, n := range counts {
		if n > 1 {
			d.log.Info("mqtt acl denials", "device", k.device, "action", k.action, "denied", n, "period", d.period)
		}
	}
}

// run flushes every period until stop is closed, and once more then.
func (d *denials) run(stop <-chan struct{}, done chan<- struct{}) {
	defer close(done)
	t := time.NewTicker(d.period)
	defer t.Stop()
	for {
		select {
		case <-t.C:
			d.flush()
		case <-stop:
			d.flush()
			return
		}
	}
}
