// Package broker is the cloud's embedded MQTT broker (mochi-mqtt): it serves
// terminals over TCP, WebSocket and TLS, lets in only devices the
// Authenticator vouches for, and confines each device to its own topics
// (DESIGN §5, §6). Fleet talks to devices through the broker's inline client.
package broker

import (
	"errors"
	"fmt"
	"log/slog"
	"math"
	"net"
	"sync"
	"sync/atomic"
	"time"

	mqtt "github.com/mochi-mqtt/server/v2"
	"github.com/mochi-mqtt/server/v2/listeners"
	"github.com/mochi-mqtt/server/v2/packets"
	"github.com/prometheus/client_golang/prometheus"
)

// Defaults of Config.
const (
	DefaultMaxPacketSize       = 64 << 10
	DefaultClientWritesPending = 64
)

const (
	// sessionExpiry caps how long mochi keeps a disconnected session.
	// Devices use clean sessions and resync on reconnect (DESIGN §5), so a
	// kept session is only memory.
	sessionExpiry = 60 // seconds
	// sysTopicInterval is how often mochi refreshes $SYS. Devices may not
	// read $SYS and each refresh stops the world to read memory stats, so
	// rarely.
	sysTopicInterval = 60 // seconds
	// netBufferSize is the per-connection read and write buffer. Device
	// messages are small; tens of thousands of connections are not.
	netBufferSize = 2048
)

// Listener IDs, as they appear in mochi's logs and client records.
const (
	listenerTCP = "tcp"
	listenerWS  = "ws"
	listenerTLS = "tls"
)

// Config configures a Broker. The caller binds the listeners (so port 0
// works and a busy port is reported by the caller, naming its variable) and
// hands their ownership to the Broker, which closes them on Close.
type Config struct {
	// TCP, if set, serves plain MQTT. At least one of TCP, WS and TLS is.
	TCP net.Listener
	// WS, if set, serves MQTT over WebSocket (subprotocol "mqtt") on this
	// listener, at any path.
	WS net.Listener
	// TLS, if set, is a listener already wrapped by tls.NewListener; it is
	// served like TCP.
	TLS    net.Listener
	Logger *slog.Logger // nil: discard
	// Registerer, if set, receives the broker's metrics: connected clients,
	// auth refusals, ACL denials, dropped messages.
	Registerer prometheus.Registerer
	// MaxPacketSize bounds every packet a client sends, CONNECT included
	// (mochi refuses a larger one and drops the connection). Default 64 KiB.
	MaxPacketSize uint32
	// ClientWritesPending is the length of each client's outgoing queue
	// (mochi's MaximumClientWritesPending); a message for a client whose
	// queue is full is dropped and counted. Default 64.
	ClientWritesPending int

	// Events, if set, hears of device connections (fleet's presence).
	Events Events

	// connectTimeout overrides defaultConnectTimeout; tests shorten it.
	connectTimeout time.Duration
}

// Broker is the embedded MQTT server. Build it with New, then Start it.
type Broker struct {
	server *mqtt.Server
	hook   *deviceHook
	ready  atomic.Bool
	// stop ends the denials summary; done says it has ended.
	stop, done chan struct{}

	mu      sync.Mutex // guards started and closed
	started bool
	closed  bool
}

// New builds a broker on the listeners of cfg, admitting devices that auth
// accepts (DenyAll while there are none). It does not serve until Start.
// On error the listeners stay the caller's to close.
func New(cfg Config, auth Authenticator) (*Broker, error) {
	if cfg.TCP == nil && cfg.WS == nil && cfg.TLS == nil {
		return nil, errors.New("broker: a listener is required (TCP, WS or TLS)")
	}
	if auth == nil {
		return nil, errors.New("broker: an Authenticator is required (DenyAll refuses everyone)")
	}
	if cfg.MaxPacketSize == 0 {
		cfg.MaxPacketSize = DefaultMaxPacketSize
	}
	if cfg.ClientWritesPending == 0 {
		cfg.ClientWritesPending = DefaultClientWritesPending
	}
	if cfg.connectTimeout == 0 {
		cfg.connectTimeout = defaultConnectTimeout
	}
	if cfg.ClientWritesPending < 0 || cfg.ClientWritesPending > math.MaxInt32 {
		return nil, fmt.Errorf("broker: client writes pending %d out of range", cfg.ClientWritesPending)
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	// mochi logs whole packets when it cannot process one; a packet's
	// payload is a device's data and a CONNECT's is its secret.
	log = slog.New(packetRedactor{log.Handler()}).With("component", "broker")

	m, err := newMetrics(cfg.Registerer)
	if err != nil {
		return nil, err
	}

	server := mqtt.New(&mqtt.Options{
		Capabilities:             capabilities(cfg),
		ClientNetWriteBufferSize: netBufferSize,
		ClientNetReadBufferSize:  netBufferSize,
		Logger:                   log,
		SysTopicResendInterval:   sysTopicInterval,
		InlineClient:             true, // fleet publishes and subscribes through it
	})
	hook := &deviceHook{auth: auth, metrics: m, events: cfg.Events, denials: newDenials(log, denialPeriod)}
	if err := server.AddHook(hook, nil); err != nil {
		return nil, fmt.Errorf("broker: add device hook: %w", err)
	}
	for _, l := range serverListeners(cfg) {
		if err := server.AddListener(l); err != nil {
			return nil, fmt.Errorf("broker: add listener %s: %w", l.ID(), err)
		}
	}
	return &Broker{server: server, hook: hook, stop: make(chan struct{}), done: make(chan struct{})}, nil
}

// capabilities are mochi's limits for our fleet: small per-client queues,
// QoS at most 1 (the protocol uses 1), retained messages for presence.
func capabilities(cfg Config) *mqtt.Capabilities {
	c := mqtt.NewDefaultServerCapabilities()
	c.MaximumPacketSize = cfg.MaxPacketSize
	c.MaximumClientWritesPending = int32(cfg.ClientWritesPending)
	c.MaximumSessionExpiryInterval = sessionExpiry
	c.MaximumQos = 1
	c.RetainAvailable = 1
	return c
}

// serverListeners wraps the configured listeners for mochi.
func serverListeners(cfg Config) []listeners.Listener {
	var ls []listeners.Listener
	if cfg.TCP != nil {
		ls = append(ls, listeners.NewNet(listenerTCP, connectDeadlineListener{cfg.TCP, cfg.connectTimeout}))
	}
	if cfg.WS != nil {
		ls = append(ls, newWSListener(listenerWS, cfg.WS, cfg.connectTimeout))
	}
	if cfg.TLS != nil {
		ls = append(ls, listeners.NewNet(listenerTLS, connectDeadlineListener{cfg.TLS, cfg.connectTimeout}))
	}
	return ls
}

// Start begins serving on all listeners and returns at once. A broker starts
// once; Start after Start or Close is an error.
func (b *Broker) Start() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return errors.New("broker: start after close")
	}
	if b.started {
		return errors.New("broker: already started")
	}
	if err := b.server.Serve(); err != nil {
		return fmt.Errorf("broker: serve: %w", err)
	}
	b.started = true
	b.ready.Store(true)
	go b.hook.denials.run(b.stop, b.done)
	return nil
}

// Close stops the listeners, disconnects every client and waits for their
// connections to end. It is safe to call more than once, and without Start.
func (b *Broker) Close() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return nil
	}
	b.closed = true
	b.ready.Store(false) // before the slow part: /readyz must fail while draining
	// Each listener closes its clients once; closing them here first with
	// closeListenerClients leaves mochi's Close none to close its way.
	b.server.Listeners.CloseAll(b.closeListenerClients)
	err := b.server.Close()
	if b.started {
		close(b.stop) // after the clients are gone: the last count is final
		<-b.done
	}
	if err != nil {
		return fmt.Errorf("broker: close: %w", err)
	}
	return nil
}

// closeListenerClients disconnects a listener's clients, as mochi's Close
// would, but listing them under one read lock: mochi's GetByListener takes
// the clients' read lock twice, and a client leaving in between queues a
// writer that the second waits behind for ever (mochi-mqtt/server#488).
func (b *Broker) closeListenerClients(listener string) {
	for _, cl := range b.server.Clients.GetAll() {
		if cl.Net.Listener == listener && !cl.Closed() {
			_ = b.server.DisconnectClient(cl, packets.ErrServerShuttingDown) // a client gone already is what we want
		}
	}
}

// Ready reports whether the broker is serving: true between Start and Close.
// /readyz asks it.
func (b *Broker) Ready() bool { return b.ready.Load() }

// Server returns the mochi server, whose inline client (Publish, Subscribe)
// is how the cloud talks to devices without a network hop.
func (b *Broker) Server() *mqtt.Server { return b.server }
