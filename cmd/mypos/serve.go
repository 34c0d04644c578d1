package main

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"mypos/cabinet"
	"mypos/services"
)

// shutdownGrace bounds how long in-flight requests get to finish.
const shutdownGrace = 10 * time.Second

func serve(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cfg, err := newFlags("serve").parse(args)
	if err != nil {
		return err
	}
	log := newLogger(stderr, cfg.LogLevel)
	tlsConf, err := loadTLS(cfg)
	if err != nil {
		return err
	}
	socks, err := bind(cfg, tlsConf)
	if err != nil {
		return err
	}
	defer socks.close()
	svc, err := openServices(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer closeServices(svc)
	login, err := ensureOwner(ctx, cfg, svc.Accounts)
	if err != nil {
		return err
	}

	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	live, bus, stopLive, err := startLive(ctx, cfg, socks, svc, log, reg)
	if err != nil {
		return err
	}
	defer stopLive()

	cab, err := cabinet.New(cabinet.Config{
		Set:           svc,
		Fleet:         live,
		PublicMQTTURL: publicMQTTURL(cfg, socks),
		PublicURL:     cfg.PublicURL,
		Ready:         readiness(svc, bus),
		Logger:        log,
		Registerer:    reg,
		Secure:        tlsConf != nil,
	})
	if err != nil {
		return err
	}
	errc := make(chan error, 2)
	go func() { errc <- cab.Serve(socks.http) }()
	metrics := serveMetrics(socks, reg, errc)
	go purgeSessions(ctx, svc, log)

	printBanner(stdout, cfg, socks, tlsConf != nil, login)
	logListeners(log, socks)

	select {
	case <-ctx.Done():
		log.Info("shutting down")
	case err = <-errc:
		log.Error("server stopped", "error", err)
	}
	sctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	if serr := cab.Shutdown(sctx); serr != nil {
		log.Warn("cabinet shutdown", "error", serr)
	}
	if metrics != nil {
		metrics.Shutdown(sctx)
	}
	return err
}

func loadTLS(cfg Config) (*tls.Config, error) {
	if cfg.TLSCert == "" {
		return nil, nil
	}
	cert, err := tls.LoadX509KeyPair(cfg.TLSCert, cfg.TLSKey)
	if err != nil {
		return nil, fmt.Errorf("MYPOS_TLS_CERT/MYPOS_TLS_KEY: %v", err)
	}
	return &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}, nil
}

// publicMQTTURL is the broker address enrollment hands to terminals:
// MYPOS_PUBLIC_MQTT_URL, or the external cluster's, or the embedded
// broker's as this machine reaches it — over TLS when it listens there,
// so a server with a certificate never hands out a plain URL.
func publicMQTTURL(cfg Config, socks *sockets) string {
	switch {
	case cfg.PublicMQTTURL != "":
		return cfg.PublicMQTTURL
	case cfg.Broker == brokerExternal:
		return terminalURL(cfg.BrokerURL)
	case socks.mqttTLS != nil:
		return "mqtts://" + reachable(socks.mqttTLS)
	case socks.mqtt != nil:
		return "mqtt://" + reachable(socks.mqtt)
	}
	return "ws://" + reachable(socks.ws) + "/"
}

// terminalSchemes maps paho's schemes, which MYPOS_BROKER_URL uses, to the
// MQTT ones terminals are told.
var terminalSchemes = map[string]string{"tcp": "mqtt", "mqtt": "mqtt", "ssl": "mqtts", "tls": "mqtts", "mqtts": "mqtts", "ws": "ws", "wss": "wss"}

// terminalURL is the external cluster's URL as a terminal dials it: in an
// MQTT scheme and without the cloud's own credentials, which are the
// cloud's, not the terminal's. validate has checked that it parses.
func terminalURL(brokerURL string) string {
	u, _ := url.Parse(brokerURL)
	scheme, ok := terminalSchemes[u.Scheme]
	if !ok {
		scheme = u.Scheme
	}
	return (&url.URL{Scheme: scheme, Host: u.Host, Path: u.Path}).String()
}

// readyCacheFor is how long /readyz keeps the database's answer: probes at
// any rate cost at most one round of queries per period.
const readyCacheFor = 2 * time.Second

// readiness is /readyz: the broker serves, and the database answers with
// every schema at this binary's version.
func readiness(svc *services.Set, bus liveBus) func(context.Context) error {
	database := cached(readyCacheFor, func(ctx context.Context) error {
		return svc.DB.CheckSchemas(ctx, services.Schemas...)
	})
	return func(ctx context.Context) error {
		if !bus.Ready() {
			return errors.New("the broker is not serving")
		}
		return database(ctx)
	}
}

// cached returns check with its answer kept for ttl. Callers that arrive
// while a check runs wait for it instead of starting their own.
func cached(ttl time.Duration, check func(context.Context) error) func(context.Context) error {
	var (
		mu  sync.Mutex
		at  time.Time
		err error
	)
	return func(ctx context.Context) error {
		mu.Lock()
		defer mu.Unlock()
		if at.IsZero() || time.Since(at) >= ttl {
			err, at = check(ctx), time.Now()
		}
		return err
	}
}

func serveMetrics(socks *sockets, reg *prometheus.Registry, errc chan<- error) *http.Server {
	if socks.metrics == nil {
		return nil
	}
	mux := http.NewServeMux()
	mux.Handle("/metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{Registry: reg}))
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go func() {
		if err := srv.Serve(socks.metrics); !errors.Is(err, http.ErrServerClosed) {
			errc <- err
		}
	}()
	return srv
}

// purgeSessions deletes expired sessions and login tickets every hour.
func purgeSessions(ctx context.Context, svc *services.Set, log *slog.Logger) {
	t := time.NewTicker(time.Hour)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if err := svc.Accounts.PurgeExpired(ctx); err != nil {
				log.Warn("purge expired sessions", "error", err)
			}
		}
	}
}

func logListeners(log *slog.Logger, socks *sockets) {
	for _, l := range socks.named() {
		log.Info("listening", "listener", l.name, "addr", l.ln.Addr().String())
	}
}
