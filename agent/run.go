package agent

import (
	"context"
	"crypto/tls"
	"fmt"
	"log/slog"
	"net"
	"sync"
	"time"
)

// RunConfig says how to run a terminal's connection to the cloud.
type RunConfig struct {
	DataDir string
	Logger  *slog.Logger // nil: slog.Default()
	Version string       // sent in hello as "mypos-agent/"+Version; "" is "dev"
	CAFile  string       // extra trusted CA for mqtts:// and wss:// brokers
	Listen  string       // the local API's loopback address; "" is DefaultListen, port 0 any
	// Broker, when set, is the broker's URL instead of the one the cloud
	// named at enrollment: a till moved behind another route, or the
	// `mypos-agent sim --offline` load tool cutting its tills off.
	Broker string
	// APIReady, when set, is called once with the local API's address
	// (port 0 resolved) when the API serves, before the first connection.
	APIReady func(addr string)

	KeepAlive      time.Duration // 0: 30 s
	ConnectTimeout time.Duration // 0: 10 s
	// MinReconnect and MaxReconnect bound the jittered wait before a
	// reconnect (0: 1 s and 1 min).
	MinReconnect, MaxReconnect time.Duration
	// StableAfter is how long a connection must hold for the reconnect
	// backoff to start over (0: 1 min), so a broker that accepts and at
	// once drops a terminal is not hammered.
	StableAfter time.Duration
}

func (c RunConfig) withDefaults() RunConfig {
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	if c.Version == "" {
		c.Version = "dev"
	}
	if c.Listen == "" {
		c.Listen = DefaultListen
	}
	c.KeepAlive = orDefault(c.KeepAlive, 30*time.Second)
	c.ConnectTimeout = orDefault(c.ConnectTimeout, 10*time.Second)
	c.MinReconnect = orDefault(c.MinReconnect, time.Second)
	c.MaxReconnect = orDefault(c.MaxReconnect, time.Minute)
	c.StableAfter = orDefault(c.StableAfter, time.Minute)
	return c
}

// runner is one Run: the identity, where it connects, the local database, the
// apply worker that serves every connection, and the local API.
type runner struct {
	cfg    RunConfig
	log    *slog.Logger
	id     *Identity
	server string      // paho's broker URL
	tls    *tls.Config // nil for plain brokers
	local  *Local
	worker *worker
	api    *api
}

// Run keeps the terminal connected to the cloud until ctx ends: it
// connects, subscribes to its downlink, announces itself online, says
// hello and syncs (through the apply worker, which applies what the cloud
// sends to the local database), serves the local API, and reconnects with jittered
// backoff whenever the connection fails or is refused. When ctx ends it
// publishes its state offline, disconnects and returns nil. It returns an
// error only when it cannot start: no identity (wrapping ErrNotEnrolled),
// an unsupported broker URL, an unreadable CA file, a local database held by
// another process (wrapping ErrStoreBusy), or an API address it cannot bind.
func Run(ctx context.Context, cfg RunConfig) error {
	r, err := newRunner(cfg.withDefaults())
	if err != nil {
		return err
	}
	defer r.local.Close()
	ln, err := r.openAPI()
	if err != nil {
		return err
	}
	workerCtx, stopWorker := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() { r.worker.run(workerCtx) })
	stopAPI := r.api.serve(ln)
	r.cfg.apiReady(ln)
	r.loop(ctx)
	stopAPI()
	stopWorker()
	wg.Wait()
	r.log.Info("stopped", "malformed_total", r.worker.inbox.malformed.Load())
	return nil
}

func newRunner(cfg RunConfig) (*runner, error) {
	id, err := LoadIdentity(cfg.DataDir)
	if err != nil {
		return nil, err
	}
	if cfg.Broker != "" {
		id.MQTTURL = cfg.Broker
	}
	server, secure, err := brokerAddress(id.MQTTURL)
	if err != nil {
		return nil, err
	}
	r := &runner{cfg: cfg, log: cfg.Logger, id: id, server: server}
	if secure {
		if r.tls, err = TLSConfig(cfg.CAFile); err != nil {
			return nil, err
		}
	} else if cfg.CAFile != "" {
		return nil, fmt.Errorf("a CA file was given, but the broker %s does not use TLS", id.MQTTURL)
	}
	if err := r.openLocal(); err != nil {
		return nil, err
	}
	return r, nil
}

// openLocal opens the local database for this device and the worker that owns it.
func (r *runner) openLocal() error {
	local, err := OpenLocal(r.cfg.DataDir)
	if err != nil {
		return err
	}
	wiped, err := local.bind(r.id.DeviceID)
	if err == nil {
		r.worker, err = newWorker(local, r.log, "mypos-agent/"+r.cfg.Version)
	}
	if err != nil {
		local.Close()
		return fmt.Errorf("the local database: %w", err)
	}
	if wiped {
		r.log.Warn("the local database held another device's data: emptied, a full sync follows")
	}
	r.local = local
	return nil
}

// openAPI binds the local API's address and readies its token.
func (r *runner) openAPI() (net.Listener, error) {
	token, err := apiToken(r.cfg.DataDir, r.log)
	if err != nil {
		return nil, fmt.Errorf("the local API token: %w", err)
	}
	ln, err := listenAPI(r.cfg.Listen)
	if err != nil {
		return nil, err
	}
	r.api = &api{worker: r.worker, local: r.local, log: r.log, deviceID: r.id.DeviceID,
		token: token, hosts: allowedHosts(ln), syncWait: syncWait, licenseWait: licenseWait, pins: newPINGuard()}
	return ln, nil
}

// loop connects, waits for the connection to end, and reconnects, until
// ctx ends. Each connection is a fresh paho client (see session).
func (r *runner) loop(ctx context.Context) {
	bo := newBackoff(r.cfg.MinReconnect, r.cfg.MaxReconnect)
	for {
		s, err := r.dial(ctx)
		switch {
		case ctx.Err() != nil:
			if s != nil {
				r.goodbye(s)
			}
			return
		case err != nil:
			r.logDialError(err)
		default:
			r.worker.do(func() { r.worker.connected(r.sender(s)) })
			if !r.hold(ctx, s, bo) {
				return
			}
		}
		wait := bo.next()
		r.log.Info("reconnecting", "in", wait.Round(time.Millisecond))
		if !sleep(ctx, wait) {
			return
		}
	}
}

// hold keeps a connection that is set up (subscribed, online, handed to
// the worker) until it is lost (true: reconnect) or ctx ends (false: it
// said goodbye).
func (r *runner) hold(ctx context.Context, s *session, bo *backoff) bool {
	since := time.Now()
	rev, _ := r.local.Rev() // for the log only
	r.log.Info("connected", "identity", r.id, "broker", r.server, "rev", rev)
	select {
	case <-ctx.Done():
		r.worker.do(r.worker.disconnected)
		r.goodbye(s)
		return false
	case err := <-s.lost:
		r.worker.do(r.worker.disconnected)
		r.log.Warn("connection lost", "error", err, "after", time.Since(since).Round(time.Millisecond))
		if time.Since(since) >= r.cfg.StableAfter {
			bo.reset()
		}
		return true
	}
}
