package broker

import (
	"errors"
	"sync"
	"sync/atomic"

	mqtt "github.com/mochi-mqtt/server/v2"
	"github.com/mochi-mqtt/server/v2/packets"

	"mypos/protocol"
)

// Bus is how fleet talks to devices, whatever broker carries the traffic:
// the embedded one through its inline client, or an external cluster.
type Bus interface {
	// Publish sends a payload to a device's down topic, QoS 1.
	Publish(deviceID string, payload []byte) error
	// HandleUplink routes every message devices publish on their up and
	// state topics to fn, with the sender taken from the topic the broker
	// authorised. fn runs on the broker's read path: it must only enqueue.
	HandleUplink(fn func(deviceID, leaf string, payload []byte)) error
	// Disconnect ends a device's live connection, if it has one here.
	Disconnect(deviceID string)
}

// Events hears of device connections. Each accepted connection has a
// sequence number, increasing over the broker's life, so a listener can
// tell a stale disconnect (of a connection already replaced by a newer
// one) from a real one.
type Events interface {
	Connected(deviceID string, seq uint64)
	Disconnected(deviceID string, seq uint64)
	// Dropped says a message for the device was dropped (its queue was full).
	Dropped(deviceID string)
}

// connections numbers accepted connections and remembers each one's number
// until it ends.
type connections struct {
	next  atomic.Uint64
	seqOf sync.Map // *mqtt.Client → uint64
}

func (c *connections) open(cl *mqtt.Client) uint64 {
	seq := c.next.Add(1)
	c.seqOf.Store(cl, seq)
	return seq
}

func (c *connections) close(cl *mqtt.Client) (uint64, bool) {
	seq, ok := c.seqOf.LoadAndDelete(cl)
	if !ok {
		return 0, false
	}
	return seq.(uint64), true
}

// Publish sends to a device's down topic through the inline client.
func (b *Broker) Publish(deviceID string, payload []byte) error {
	return b.server.Publish(protocol.DeviceTopic(deviceID, protocol.LeafDown), payload, false, 1)
}

// uplinkSubscription identifies fleet's inline subscriptions.
const uplinkSubscription = 1

// HandleUplink subscribes the inline client to every device's up and state.
func (b *Broker) HandleUplink(fn func(deviceID, leaf string, payload []byte)) error {
	handler := func(_ *mqtt.Client, _ packets.Subscription, pk packets.Packet) {
		if id, leaf, ok := protocol.ParseDeviceTopic(pk.TopicName); ok {
			fn(id, leaf, pk.Payload)
		}
	}
	return errors.Join(
		b.server.Subscribe(protocol.TopicPrefix+"+/"+protocol.LeafUp, uplinkSubscription, handler),
		b.server.Subscribe(protocol.TopicPrefix+"+/"+protocol.LeafState, uplinkSubscription, handler),
	)
}

// Disconnect ends a device's connection at once: it was revoked, or its
// credentials replaced. Its next CONNECT meets the authenticator again.
func (b *Broker) Disconnect(deviceID string) {
	cl, ok := b.server.Clients.Get(deviceID)
	if !ok || cl.Net.Inline {
		return
	}
	// DisconnectClient stops the client and returns the reason code as an
	// error by design; there is nothing more to do with it.
	_ = b.server.DisconnectClient(cl, packets.ErrNotAuthorized)
}
