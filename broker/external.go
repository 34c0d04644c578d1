package broker

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"sync"
	"time"

	paho "github.com/eclipse/paho.mqtt.golang"

	"mypos/protocol"
)

// External is the Bus over an MQTT cluster the cloud does not run (EMQX,
// VerneMQ, HiveMQ, Mosquitto): fleet speaks to it as one privileged paho
// client. The cluster authenticates devices itself (DESIGN §9).
type External struct {
	client paho.Client
	log    *slog.Logger

	mu     sync.Mutex
	uplink paho.MessageHandler // set by HandleUplink, renewed on every connect
}

// ExternalConfig says how to reach the cluster.
type ExternalConfig struct {
	URL      string // tcp://, ssl://, ws:// or wss://
	ClientID string // unique per cloud node
	Username string
	Password string
	Logger   *slog.Logger
}

// publishTimeout bounds a QoS 1 exchange with the cluster.
const publishTimeout = 10 * time.Second

// DialExternal connects to the cluster. paho reconnects after a loss, and
// each connect renews the uplink subscriptions, which a clean session forgets.
func DialExternal(ctx context.Context, cfg ExternalConfig) (*External, error) {
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	e := &External{log: log.With("component", "bus")}
	opts := paho.NewClientOptions().AddBroker(cfg.URL).SetClientID(cfg.ClientID).
		SetUsername(cfg.Username).SetPassword(cfg.Password).
		SetCleanSession(true).SetAutoReconnect(true).SetMaxReconnectInterval(10 * time.Second).
		SetConnectTimeout(10 * time.Second).
		SetOrderMatters(false). // the uplink handler only enqueues
		SetOnConnectHandler(func(c paho.Client) { e.subscribe(c) }).
		SetConnectionLostHandler(func(_ paho.Client, err error) { e.log.Warn("external broker lost", "error", err) })
	e.client = paho.NewClient(opts)
	tok := e.client.Connect()
	select {
	case <-tok.Done():
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	if err := tok.Error(); err != nil {
		return nil, fmt.Errorf("MYPOS_BROKER_URL=%s: %w", RedactedURL(cfg.URL), err)
	}
	return e, nil
}

// RedactedURL is a URL fit for a banner, an error or a log: its passwords
// — of its user info, and any parameter named like one (password,
// sslpassword) — masked, and nothing of it when it does not parse (the
// parser's error would quote it whole).
func RedactedURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(not a URL)"
	}
	params, masked := u.Query(), false
	for name := range params {
		if strings.Contains(strings.ToLower(name), "password") {
			params[name], masked = []string{"xxxxx"}, true
		}
	}
	if masked {
		u.RawQuery = params.Encode()
	}
	return u.Redacted()
}

// Publish sends to a device's down topic, QoS 1.
func (e *External) Publish(deviceID string, payload []byte) error {
	tok := e.client.Publish(protocol.DeviceTopic(deviceID, protocol.LeafDown), 1, false, payload)
	if !tok.WaitTimeout(publishTimeout) {
		return errors.New("external broker: publish timed out")
	}
	return tok.Error()
}

// HandleUplink routes every device's up and state messages to fn.
func (e *External) HandleUplink(fn func(deviceID, leaf string, payload []byte)) error {
	e.mu.Lock()
	e.uplink = func(_ paho.Client, m paho.Message) {
		if id, leaf, ok := protocol.ParseDeviceTopic(m.Topic()); ok {
			fn(id, leaf, m.Payload())
		}
	}
	e.mu.Unlock()
	return e.subscribe(e.client)
}

// subscribe (re)subscribes the uplink handler, once there is one.
func (e *External) subscribe(c paho.Client) error {
	e.mu.Lock()
	handler := e.uplink
	e.mu.Unlock()
	if handler == nil {
		return nil
	}
	tok := c.SubscribeMultiple(map[string]byte{
		protocol.TopicPrefix + "+/" + protocol.LeafUp:    1,
		protocol.TopicPrefix + "+/" + protocol.LeafState: 1,
	}, handler)
	if !tok.WaitTimeout(publishTimeout) {
		return errors.New("external broker: subscribe timed out")
	}
	if err := tok.Error(); err != nil {
		e.log.Error("subscribe to the devices' uplink", "error", err)
		return err
	}
	return nil
}

// Disconnect cannot reach into a cluster's sessions; the cluster refuses
// the device at its next connect, when it asks the cabinet (DESIGN §9).
func (e *External) Disconnect(deviceID string) {
	e.log.Info("external broker: a revoked device stays connected until it reconnects", "device", deviceID)
}

// Ready reports whether the connection to the cluster is up.
func (e *External) Ready() bool { return e.client.IsConnectionOpen() }

// Close disconnects from the cluster.
func (e *External) Close() { e.client.Disconnect(250) }
