package broker

import (
	"fmt"

	"github.com/prometheus/client_golang/prometheus"
)

// Reasons a connection is refused, the label of the refusals counter.
const (
	refusedInvalid     = "invalid"     // malformed identity: username ≠ client ID, bad ID, foreign will topic
	refusedCredentials = "credentials" // the authenticator said no
	refusedError       = "error"       // the authenticator failed (store outage, timeout)
)

// Actions an ACL check guards, the label of the denials counter.
const (
	actionPublish   = "publish"
	actionSubscribe = "subscribe"
)

// metrics are the broker's Prometheus collectors. They always exist, so the
// hook never checks for nil; they are registered only when a Registerer is
// given.
type metrics struct {
	connected    prometheus.Gauge
	authRefusals *prometheus.CounterVec
	aclDenials   *prometheus.CounterVec
	dropped      prometheus.Counter
}

func newMetrics(reg prometheus.Registerer) (*metrics, error) {
	m := &metrics{
		connected: prometheus.NewGauge(prometheus.GaugeOpts{
			Namespace: "mypos", Subsystem: "broker", Name: "connected_clients",
			Help: "Devices connected to the embedded MQTT broker.",
		}),
		authRefusals: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "mypos", Subsystem: "broker", Name: "auth_refusals_total",
			Help: "MQTT connections refused, by reason (invalid, credentials, error).",
		}, []string{"reason"}),
		aclDenials: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "mypos", Subsystem: "broker", Name: "acl_denials_total",
			Help: "Publishes and subscriptions refused by the device ACL, by action.",
		}, []string{"action"}),
		dropped: prometheus.NewCounter(prometheus.CounterOpts{
			Namespace: "mypos", Subsystem: "broker", Name: "packets_dropped_total",
			Help: "Messages dropped because a client's write queue was full.",
		}),
	}
	// Touch every label value so each series is exported as 0 from the
	// start: a rate() over a series that appears late misses its first hits.
	for _, r := range []string{refusedInvalid, refusedCredentials, refusedError} {
		m.authRefusals.WithLabelValues(r)
	}
	for _, a := range []string{actionPublish, actionSubscribe} {
		m.aclDenials.WithLabelValues(a)
	}

	if reg == nil {
		return m, nil
	}
	collectors := []prometheus.Collector{m.connected, m.authRefusals, m.aclDenials, m.dropped}
	for i, c := range collectors {
		if err := reg.Register(c); err != nil {
			// Leave the registry as it was, so a caller may retry.
			for _, done := range collectors[:i] {
				reg.Unregister(done)
			}
			return nil, fmt.Errorf("register broker metrics: %w", err)
		}
	}
	return m, nil
}
