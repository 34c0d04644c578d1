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

// unmatchedRoute labels a request no route took (notFound marks it). Its
// raw path would make one series per path a client can invent.
const unmatchedRoute = "unmatched"

// localRoute is the Locals key of a route label set by a handler.
const localRoute = "metrics_route"

func (m *metrics) middleware(c *fiber.Ctx) error {
	start := time.Now()
	err := c.Next()
	status := c.Response().StatusCode()
	if err != nil {
		// The error handler has not run yet; count the status it will choose.
		status = statusForError(err)
	}
	// c.Method() is a copy (the app is Immutable) of one of the methods
	// Fiber routes: it refuses any other before the middleware runs.
	m.latency.WithLabelValues(c.Method(), routeLabel(c), strconv.Itoa(status)).Observe(time.Since(start).Seconds())
	return err
}

// routeLabel is the pattern of the last route the request went through, as
// registered (an endpoint's, or a middleware's that refused it), or
// unmatchedRoute.
func routeLabel(c *fiber.Ctx) string {
	if label, ok := c.Locals(localRoute).(string); ok {
		return label
	}
	return c.Route().Path
}
