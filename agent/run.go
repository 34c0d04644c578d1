package agent

import (
	"context"
	"crypto/tls"
	"fmt"
	"log/slog"
	"sync"
	"time"
)

// RunConfig says how to run a terminal's connection to the cloud.
type RunConfig struct {
	DataDir string
	Logger  *slog.Logger // nil: slog.Default()
	Version string       // sent in hello as "mypos-agent/"+Version; "" is "dev"
	CAFile  string       // extra trusted CA for mqtts:// and wss:// brokers

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
	c.KeepAlive = orDefault(c.KeepAlive, 30*time.Second)
	c.ConnectTimeout = orDefault(c.ConnectTimeout, 10*time.Second)
	c.MinReconnect = orDefault(c.MinReconnect, time.Second)
	c.MaxReconnect = orDefault(c.MaxReconnect, time.Minute)
	c.StableAfter = orDefault(c.StableAfter, time.Minute)
	return c
}

// runner is one Run: the identity, where it connects, and the inbox that
// receives the cloud's messages across every connection.
type runner struct {
	cfg    RunConfig
	log    *slog.Logger
	id     *Identity
	server string      // paho's broker URL
	tls    *tls.Config // nil for plain brokers
	inbox  *inbox
}

// Run keeps the terminal connected to the cloud until ctx ends: it
// connects, subscribes to its downlink, announces itself online with a
// hello, logs what the cloud sends, and reconnects with jittered backoff
// whenever the connection fails or is refused. When ctx ends it publishes
// its state offline, disconnects and returns nil. It returns an error only
// when it cannot start: no identity (wrapping ErrNotEnrolled), an
// unsupported broker URL, or an unreadable CA file.
func Run(ctx context.Context, cfg RunConfig) error {
	r, err := newRunner(cfg.withDefaults())
	if err != nil {
		return err
	}
	inboxCtx, stopInbox := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() { r.inbox.consume(inboxCtx) })
	r.loop(ctx)
	stopInbox()
	wg.Wait()
	r.log.Info("stopped", "malformed_total", r.inbox.malformed.Load())
	return nil
}

func newRunner(cfg RunConfig) (*runner, error) {
	id, err := LoadIdentity(cfg.DataDir)
	if err != nil {
		return nil, err
	}
	server, secure, err := brokerAddress(id.MQTTURL)
	if err != nil {
		return nil, err
	}
	r := &runner{cfg: cfg, log: cfg.Logger, id: id, server: server, inbox: newInbox(cfg.Logger)}
	if secure {
		if r.tls, err = TLSConfig(cfg.CAFile); err != nil {
			return nil, err
		}
	} else if cfg.CAFile != "" {
		return nil, fmt.Errorf("a CA file was given, but the broker %s does not use TLS", id.MQTTURL)
	}
	return r, nil
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

// hold keeps a connection that is set up (subscribed, online, hello sent)
// until it is lost (true: reconnect) or ctx ends (false: it said goodbye).
func (r *runner) hold(ctx context.Context, s *session, bo *backoff) bool {
	since := time.Now()
	r.log.Info("connected", "identity", r.id, "broker", r.server, "rev", s.rev)
	select {
	case <-ctx.Done():
		r.goodbye(s)
		return false
	case err := <-s.lost:
		r.log.Warn("connection lost", "error", err, "after", time.Since(since).Round(time.Millisecond))
		if time.Since(since) >= r.cfg.StableAfter {
			bo.reset()
		}
		return true
	}
}
