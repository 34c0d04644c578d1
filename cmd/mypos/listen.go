package main

import (
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"strings"
	"syscall"
)

// sockets are the server's bound listeners. Binding them all before serving
// anything lets port 0 work (the real port is known before it is printed)
// and turns a port in use into one clear line naming its variable.
type sockets struct {
	http, mqtt, ws, mqttTLS, metrics net.Listener
}

func bind(cfg Config, tlsConf *tls.Config) (*sockets, error) {
	s := &sockets{}
	binds := []struct {
		env, addr string
		ln        *net.Listener
	}{
		{"MYPOS_HTTP_ADDR", cfg.HTTPAddr, &s.http},
		{"MYPOS_MQTT_ADDR", cfg.MQTTAddr, &s.mqtt},
		{"MYPOS_MQTT_WS_ADDR", cfg.MQTTWSAddr, &s.ws},
		{"MYPOS_MQTT_TLS_ADDR", cfg.MQTTTLSAddr, &s.mqttTLS},
		{"MYPOS_METRICS_ADDR", cfg.MetricsAddr, &s.metrics},
	}
	for _, b := range binds {
		if b.addr == "" || cfg.Broker == brokerExternal && strings.HasPrefix(b.env, "MYPOS_MQTT_") {
			continue // off, or the external cluster serves MQTT
		}
		ln, err := net.Listen("tcp", b.addr)
		if err != nil {
			s.close()
			return nil, bindError(b.env, cfg.shown(b.env), err)
		}
		*b.ln = ln
	}
	if tlsConf != nil {
		s.http = tls.NewListener(s.http, tlsConf)
		if s.mqttTLS != nil {
			s.mqttTLS = tls.NewListener(s.mqttTLS, tlsConf)
		}
	}
	return s, nil
}

func bindError(env, addr string, err error) error {
	if errors.Is(err, syscall.EADDRINUSE) {
		return fmt.Errorf("%s=%s: the address is already in use; set %s to a free address", env, addr, env)
	}
	return fmt.Errorf("%s=%s: %v", env, addr, err)
}

type namedListener struct {
	name string
	ln   net.Listener
}

// named returns the bound listeners with their names, skipping those off.
func (s *sockets) named() []namedListener {
	var out []namedListener
	for _, l := range []namedListener{{"http", s.http}, {"mqtt", s.mqtt}, {"mqtt_ws", s.ws}, {"mqtt_tls", s.mqttTLS}, {"metrics", s.metrics}} {
		if l.ln != nil {
			out = append(out, l)
		}
	}
	return out
}

func (s *sockets) close() {
	for _, l := range s.named() {
		l.ln.Close()
	}
}

// reachable returns the address a client on this machine dials to reach a
// listener: a wildcard host becomes the loopback address.
func reachable(ln net.Listener) string {
	if ln == nil {
		return ""
	}
	addr := ln.Addr().(*net.TCPAddr)
	host := addr.IP.String()
	if addr.IP.IsUnspecified() {
		host = "127.0.0.1"
	}
	return net.JoinHostPort(host, fmt.Sprint(addr.Port))
}
