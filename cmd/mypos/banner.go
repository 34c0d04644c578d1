package main

import (
	"fmt"
	"io"
)

// printBanner tells a person where the platform is and how to log in.
func printBanner(w io.Writer, cfg Config, socks *sockets, secure bool, owner ownerLogin) {
	scheme := "http"
	if secure {
		scheme = "https"
	}
	database := "SQLite in " + cfg.DataDir
	if cfg.DatabaseURL != "" {
		database = "Postgres"
	}
	fmt.Fprintf(w, "MyPOS Cloud is running (%s).\n", database)
	fmt.Fprintf(w, "  cabinet   %s://%s/\n", scheme, reachable(socks.http))
	fmt.Fprintf(w, "  api       %s://%s/api/v1\n", scheme, reachable(socks.http))
	if cfg.Broker == brokerExternal {
		fmt.Fprintf(w, "  mqtt-external  %s\n", cfg.shown("MYPOS_BROKER_URL"))
	}
	if socks.mqtt != nil {
		fmt.Fprintf(w, "  mqtt      mqtt://%s\n", reachable(socks.mqtt))
	}
	if socks.ws != nil {
		fmt.Fprintf(w, "  mqtt-ws   ws://%s/\n", reachable(socks.ws))
	}
	if socks.mqttTLS != nil {
		fmt.Fprintf(w, "  mqtt-tls  mqtts://%s\n", reachable(socks.mqttTLS))
	}
	if socks.metrics != nil {
		fmt.Fprintf(w, "  metrics   http://%s/metrics\n", reachable(socks.metrics))
	}
	switch {
	case owner.passwordFile != "":
		fmt.Fprintf(w, "Log in as the owner: %s, password in %s\n", owner.email, owner.passwordFile)
	case owner.email != "":
		fmt.Fprintf(w, "Log in as the owner: %s with MYPOS_OWNER_PASSWORD\n", owner.email)
	default:
		fmt.Fprintln(w, "Log in with your account; `mypos owner create --email E` adds an owner.")
	}
	fmt.Fprintln(w, "Partners and companies register at POST /api/v1/auth/register. Stop with Ctrl+C.")
}
