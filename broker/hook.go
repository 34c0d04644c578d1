package broker

import (
	"context"
	"mypos/protocol"
	"time"

	mqtt "github.com/mochi-mqtt/server/v2"
	"github.com/mochi-mqtt/server/v2/packets"

	"mypos"
)

// authTimeout bounds one credentials check. A reconnect storm must not pile
// up connections waiting on a slow store; a device refused now retries.
const authTimeout = 3 * time.Second

// deviceHook is the broker's only hook: it authenticates devices, enforces
// the per-device ACL (DESIGN §6) and keeps the connection metrics.
type deviceHook struct {
	mqtt.HookBase
	auth    Authenticator
	metrics *metrics
	events  Events // may be nil
	conns   connections
	denials *denials
}

// ID names the hook in mochi's logs.
func (h *deviceHook) ID() string { return "mypos-device" }

// Provides lists the events the hook handles; mochi calls no others.
func (h *deviceHook) Provides(b byte) bool {
	switch b {
	case mqtt.OnConnectAuthenticate, mqtt.OnACLCheck,
		mqtt.OnSessionEstablished, mqtt.OnDisconnect, mqtt.OnPublishDropped:
		return true
	}
	return false
}

// OnConnectAuthenticate accepts a device whose username and client ID are
// its device ID and whose password is its secret. Every refusal, an outage
// of the store included, answers the same code (mochi offers no other from
// this hook; an MQTT 3.1.1 client reads it as 0x05 "not authorized") and is
// counted by reason. The password is never logged.
func (h *deviceHook) OnConnectAuthenticate(cl *mqtt.Client, pk packets.Packet) bool {
	id := pk.Connect.ClientIdentifier
	log := h.Log.With("device", id, "remote", cl.Net.Remote, "listener", cl.Net.Listener)

	if reason := h.checkIdentity(pk); reason != "" {
		h.metrics.authRefusals.WithLabelValues(refusedInvalid).Inc()
		log.Info("mqtt connection refused", "reason", reason)
		return false
	}

	ctx, cancel := context.WithTimeout(context.Background(), authTimeout)
	defer cancel()
	err := h.auth.Authenticate(ctx, id, string(pk.Connect.Password))
	switch code := mypos.ErrorCode(err); code {
	case "":
		return true
	case mypos.EINTERNAL:
		// An outage, not a bad device: the one case worth an error log.
		h.metrics.authRefusals.WithLabelValues(refusedError).Inc()
		log.Error("mqtt authentication failed", "error", err)
		return false
	default:
		h.metrics.authRefusals.WithLabelValues(refusedCredentials).Inc()
		log.Info("mqtt connection refused", "reason", "credentials", "code", code)
		return false
	}
}

// checkIdentity returns why a CONNECT cannot be a device's, or "" when its
// identity is well formed. It runs before the authenticator so that a
// malformed client costs no store lookup.
func (h *deviceHook) checkIdentity(pk packets.Packet) string {
	id := pk.Connect.ClientIdentifier
	switch {
	case !pk.Connect.UsernameFlag || string(pk.Connect.Username) != id:
		return "username is not the client ID"
	case !protocol.ValidDeviceID(id):
		return "client ID is not a device ID"
	case id == mqtt.InlineClientId:
		// Taking over the inline client's session would cut fleet off.
		return "client ID is reserved"
	case pk.Connect.WillFlag && !mayPublish(id, pk.Connect.WillTopic):
		// mochi publishes a will without an ACL check, so check it here:
		// otherwise a will could reach another device's topics.
		return "will topic not allowed"
	}
	return ""
}

// OnACLCheck lets a device publish to its own up and state and subscribe to
// its own down, and nothing else. mochi asks with write=false both when a
// client subscribes (topic is the filter) and when it delivers a message
// (topic is the message's topic); the same exact-match rule serves both.
// The inline client (fleet) may do anything.
func (h *deviceHook) OnACLCheck(cl *mqtt.Client, topic string, write bool) bool {
	if cl.Net.Inline {
		return true
	}
	action, ok := actionSubscribe, maySubscribe(cl.ID, topic)
	if write {
		action, ok = actionPublish, mayPublish(cl.ID, topic)
	}
	if !ok {
		h.metrics.aclDenials.WithLabelValues(action).Inc()
		h.denials.add(cl.ID, action, topic)
	}
	return ok
}

// OnSessionEstablished counts a connected device. mochi's OnConnect would be
// too early: it runs before authentication, for refused clients too. This
// event and OnDisconnect come in pairs for every accepted connection.
func (h *deviceHook) OnSessionEstablished(cl *mqtt.Client, _ packets.Packet) {
	h.metrics.connected.Inc()
	seq := h.conns.open(cl)
	if h.events != nil {
		h.events.Connected(cl.ID, seq)
	}
	h.Log.Debug("device connected", "device", cl.ID, "remote", cl.Net.Remote, "listener", cl.Net.Listener)
}

// OnDisconnect uncounts a device, whatever ended its connection (its own
// DISCONNECT, a network error, a takeover by a newer connection, Close).
func (h *deviceHook) OnDisconnect(cl *mqtt.Client, err error, _ bool) {
	h.metrics.connected.Dec()
	if seq, ok := h.conns.close(cl); ok && h.events != nil {
		h.events.Disconnected(cl.ID, seq)
	}
	h.Log.Debug("device disconnected", "device", cl.ID, "error", err)
}

// OnPublishDropped counts a message mochi dropped because the device's
// write queue (MaximumClientWritesPending) was full.
func (h *deviceHook) OnPublishDropped(cl *mqtt.Client, pk packets.Packet) {
	h.metrics.dropped.Inc()
	if h.events != nil {
		h.events.Dropped(cl.ID)
	}
	h.Log.Warn("mqtt message dropped, client queue full", "device", cl.ID, "topic", pk.TopicName)
}
