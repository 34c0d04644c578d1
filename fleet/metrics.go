// Fleet's Prometheus metrics.

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
	receipts *prometheus.CounterVec // uploaded receipts by result: stored, duplicate, refused
	// unlicensed counts receipts stored marked sold without a license, of
	// receipts{stored}.
	unlicensed prometheus.Counter
	wakes      *prometheus.CounterVec // commits that woke the follower, by how it heard: commit, notify, poll
	listens    prometheus.Counter     // times the follower began listening for other nodes' commits
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
		receipts: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "mypos_fleet_receipts_total", Help: "Receipts uploaded by terminals, by result: stored, duplicate (stored before, acked again) or refused.",
		}, []string{"result"}),
		unlicensed: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "mypos_fleet_receipts_unlicensed_total",
			Help: "Receipts stored marked unlicensed: punched while their terminal held no license by the ledger (released or moved away while it sold offline, or a tampered terminal). Counted in mypos_fleet_receipts_total{result=\"stored\"} too.",
		}),
		wakes: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "mypos_fleet_follower_wakes_total",
			Help: "Commits that woke the follower, by how it heard of them first: commit (made by this node), notify (another node's, through the database), poll (found by the poll: a notification lost, or none on SQLite).",
		}, []string{"by"}),
		listens: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "mypos_fleet_follower_listens_total", Help: "Times the follower began listening for other nodes' commits; more than one means the connection was lost and made again.",
		}),
	}
	if reg == nil {
		return m, nil
	}
	var errs []error
	for _, c := range []prometheus.Collector{m.uplink, m.rejected, m.sent, m.dropped, m.licenses, m.receipts, m.unlicensed, m.wakes, m.listens} {
		errs = append(errs, reg.Register(c))
	}
	return m, errors.Join(errs...)
}
