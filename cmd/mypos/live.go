package main

import (
	"context"
	"log/slog"

	"github.com/prometheus/client_golang/prometheus"

	"mypos"
	"mypos/broker"
	"mypos/fleet"
	"mypos/services"
)

const brokerExternal = "external"

// liveBus is the bus fleet talks through, as serve sees it.
type liveBus interface {
	broker.Bus
	Ready() bool
}

// startLive starts fleet over the services — keys typed on tills go to
// licensing, receipts to the ingester — and the bus it talks through: the
// embedded broker on the bound MQTT listeners, or a connection to an
// external cluster. The returned stop closes the bus before fleet, so the
// last disconnects are written; the ingester is the services', closed
// after it.
func startLive(ctx context.Context, cfg Config, socks *sockets, svc *services.Set, log *slog.Logger, reg prometheus.Registerer) (*fleet.Fleet, liveBus, func(), error) {
	external := cfg.Broker == brokerExternal
	live, err := svc.NewFleet(fleet.Config{Horizon: cfg.Horizon(), Logger: log, Registerer: reg, PresenceFromState: external})
	if err != nil {
		return nil, nil, nil, err
	}
	if external {
		bus, err := broker.DialExternal(ctx, broker.ExternalConfig{URL: cfg.BrokerURL, ClientID: cloudClientID(live.Node()), Logger: log})
		if err != nil {
			return nil, nil, nil, err
		}
		if err := live.Start(ctx, bus); err != nil {
			bus.Close()
			return nil, nil, nil, err
		}
		return live, bus, func() { bus.Close(); live.Close() }, nil
	}
	mqtt, err := broker.New(broker.Config{TCP: socks.mqtt, WS: socks.ws, TLS: socks.mqttTLS, Logger: log, Registerer: reg, Events: live}, svc.Devices)
	if err != nil {
		return nil, nil, nil, err
	}
	if err := live.Start(ctx, mqtt); err != nil {
		return nil, nil, nil, err
	}
	if err := mqtt.Start(); err != nil {
		live.Close()
		return nil, nil, nil, err
	}
	return live, mqtt, func() { mqtt.Close(); live.Close() }, nil
}

// cloudClientID names this process to the external broker: its node and a
// random tail. The node alone is the host's name, which two processes on
// one host — or two containers named alike — share, and a broker drops the
// older of two clients with one ID, so they would take turns kicking each
// other off. The session is clean, so a new ID on each start loses nothing.
func cloudClientID(node string) string {
	return "mypos-cloud-" + node + "-" + mypos.RandomCode("0123456789abcdef", 8)
}
