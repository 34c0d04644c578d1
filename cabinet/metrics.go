package cabinet

import (
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/prometheus/client_golang/prometheus"
)

// metrics is the cabinet's HTTP latency, by route pattern (never the raw
// path: IDs in paths would make one series per row).
type metrics struct {
	latency *prometheus.HistogramVec
}

func newMetrics(reg prometheus.Registerer) *metrics {
	m := &metrics{latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "mypos_http_request_duration_seconds",
		Help:    "Latency of cabinet and API requests.",
		Buckets: prometheus.ExponentialBuckets(0.001, 2.5, 10),
	}, []string{"method", "route", "status"})}
	if reg != nil {
		reg.MustRegister(m.latency)
	}
	return m
}

func (m *metrics) middleware(c *fiber.Ctx) error {
	start := time.Now()
	err := c.Next()
	status := c.Response().StatusCode()
	if err != nil {
		// The error handler has not run yet; count the status it will choose.
		status = statusForError(err)
	}
	m.latency.WithLabelValues(c.Method(), c.Route().Path, strconv.Itoa(status)).Observe(time.Since(start).Seconds())
	return err
}
