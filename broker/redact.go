package broker

import (
	"context"
	"log/slog"

	"github.com/mochi-mqtt/server/v2/packets"
)

// packetRedactor is the handler of the broker's log. mochi logs a packet
// whole when it cannot process one ("error processing packet", "pk", pk):
// a PUBLISH's payload is a device's data — a receipt — and a CONNECT's
// password its secret, and neither is ever logged. A packet is logged as
// what identifies it: its type, topic, QoS and payload size.
type packetRedactor struct{ slog.Handler }

func (h packetRedactor) Handle(ctx context.Context, r slog.Record) error {
	out := slog.NewRecord(r.Time, r.Level, r.Message, r.PC)
	r.Attrs(func(a slog.Attr) bool {
		out.AddAttrs(redactPackets(a))
		return true
	})
	return h.Handler.Handle(ctx, out)
}

func (h packetRedactor) WithAttrs(attrs []slog.Attr) slog.Handler {
	redacted := make([]slog.Attr, len(attrs))
	for i, a := range attrs {
		redacted[i] = redactPackets(a)
	}
	return packetRedactor{h.Handler.WithAttrs(redacted)}
}

func (h packetRedactor) WithGroup(name string) slog.Handler {
	return packetRedactor{h.Handler.WithGroup(name)}
}

// redactPackets replaces a packet, wherever it is in an attribute, with its
// summary.
func redactPackets(a slog.Attr) slog.Attr {
	switch a.Value.Kind() {
	case slog.KindGroup:
		group := a.Value.Group()
		redacted := make([]any, len(group))
		for i, g := range group {
			redacted[i] = redactPackets(g)
		}
		return slog.Group(a.Key, redacted...)
	case slog.KindAny:
		switch pk := a.Value.Any().(type) {
		case packets.Packet:
			return packetSummary(a.Key, &pk)
		case *packets.Packet:
			return packetSummary(a.Key, pk)
		}
	}
	return a
}

func packetSummary(key string, pk *packets.Packet) slog.Attr {
	if pk == nil {
		return slog.Any(key, nil)
	}
	return slog.Group(key,
		"type", packets.PacketNames[pk.FixedHeader.Type],
		"topic", pk.TopicName,
		"qos", pk.FixedHeader.Qos,
		"payload_bytes", len(pk.Payload))
}
