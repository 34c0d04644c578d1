package main

import (
	"context"
	"log/slog"

	"github.com/prometheus/client_golang/prometheus"

	"mypos/broker"
	"mypos/fleet"
	"mypos/sales"
)

const brokerExternal = "external"

// liveBus is the bus fleet talks through, as serve sees it.
type liveBus interface {
	broker.Bus
	Ready() bool
}

// startLive starts the receipt ingester — checking receipts against the
// backoffice and the licensing ledger —, fleet and the bus fleet talks
// through. The returned stop closes the ingester last: fleet's workers
// submit to it until they stop, and it writes what they queued.
func startLive(ctx context.Context, cfg Config, socks *sockets, svc *services, log *slog.Logger, reg prometheus.Registerer) (*fleet.Fleet, liveBus, func(), error) {
	receipts := sales.NewIngester(svc.sales, sales.Checks{Owners: svc.office, Licenses: svc.licenses}, sales.IngestOptions{Logger: log})
	live, bus, stop, err := startFleet(ctx, cfg, socks, svc, receipts, log, reg)
	if err != nil {
		receipts.Close()
		return nil, nil, nil, err
	}
	return live, bus, func() { stop(); receipts.Close() }, nil
}

// startFleet starts fleet and the bus it talks through: the embedded broker
// on the bound MQTT listeners, or a connection to an external cluster. The
// returned stop closes the bus before fleet, so the last disconnects are
// written.
func startFleet(ctx context.Context, cfg Config, socks *sockets, svc *services, receipts fleet.Receipts, log *slog.Logger, reg prometheus.Registerer) (*fleet.Fleet, liveBus, func(), error) {
	external := cfg.Broker == brokerExternal
	live, err := fleet.New(fleet.Config{DB: svc.db, Changes: svc.changes, Devices: svc.devices, Licenses: svc.licenses, Receipts: receipts, Horizon: cfg.Horizon(), Logger: log, Registerer: reg, PresenceFromState: external})
	if err != nil {
		return nil, nil, nil, err
	}
	if external {
		bus, err := broker.DialExternal(ctx, broker.ExternalConfig{URL: cfg.BrokerURL, ClientID: "mypos-cloud-" + live.Node(), Logger: log})
		if err != nil {
			return nil, nil, nil, err
		}
		if err := live.Start(ctx, bus); err != nil {
			bus.Close()
			return nil, nil, nil, err
		}
		return live, bus, func() { bus.Close(); live.Close() }, nil
	}
	mqtt, err := broker.New(broker.Config{TCP: socks.mqtt, WS: socks.ws, TLS: socks.mqttTLS, Logger: log, Registerer: reg, Events: live}, svc.devices)
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
