package fleet

import (
	"errors"

	"github.com/prometheus/client_golang/prometheus"
)

type metrics struct {
	uplink   *prometheus.CounterVec // by message type
	rejected *prometheus.CounterVec // by code: malformed, too_large, rate_limited, queue_full, …
	sent     prometheus.Counter
	dropped  prometheus.Counter
	licenses *prometheus.CounterVec // key entries by outcome: activated, or the refusal's code
}

func newMetrics(reg prometheus.Registerer) (*metrics, error) {
	m := &metrics{
		uplink: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "mypos_fleet_uplink_total", Help: "Uplink messages handled, by type.",
		}, []string{"type"}),
		rejected: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "mypos_fleet_uplink_rejected_total", Help: "Uplink messages dropped, by reason.",
		}, []string{"code"}),
		sent: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "mypos_fleet_downlink_total", Help: "Messages sent to devices.",
		}),
		dropped: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "mypos_fleet_downlink_dropped_total", Help: "Messages to devices the broker dropped (queue full).",
		}),
		licenses: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "mypos_fleet_license_entries_total", Help: "Keys typed on terminals, by outcome: activated, or why refused.",
		}, []string{"result"}),
	}
	if reg == nil {
		return m, nil
	}
	var errs []error
	for _, c := range []prometheus.Collector{m.uplink, m.rejected, m.sent, m.dropped, m.licenses} {
		errs = append(errs, reg.Register(c))
	}
	return m, errors.Join(errs...)
}
