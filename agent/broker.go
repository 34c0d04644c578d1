package agent

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net"
	"net/url"
	"os"
)

// brokerAddress turns the mqtt_url of enrollment into the server URL paho
// dials, and says whether it is TLS. The cloud speaks MQTT's own schemes;
// paho wants its older names: mqtt → tcp, mqtts → ssl. WebSocket URLs keep
// their path, which the broker's listener may need.
func brokerAddress(raw string) (server string, secure bool, err error) {
	u, err := url.Parse(raw)
	if err != nil {
		return "", false, fmt.Errorf("broker URL %q: %w", raw, err)
	}
	if u.Hostname() == "" {
		return "", false, fmt.Errorf("broker URL %q has no host", raw)
	}
	switch u.Scheme {
	case "mqtt":
		return "tcp://" + withPort(u, "1883"), false, nil
	case "mqtts":
		return "ssl://" + withPort(u, "8883"), true, nil
	case "ws", "wss":
		return u.String(), u.Scheme == "wss", nil
	}
	return "", false, fmt.Errorf("broker URL %q: the scheme must be mqtt, mqtts, ws or wss", raw)
}

// withPort is the URL's host:port, with MQTT's standard port when absent.
func withPort(u *url.URL, port string) string {
	if u.Port() != "" {
		port = u.Port()
	}
	return net.JoinHostPort(u.Hostname(), port)
}

// TLSConfig trusts the system's roots, and also caFile's certificates when
// given: a cloud with a private CA or a self-signed certificate.
func TLSConfig(caFile string) (*tls.Config, error) {
	conf := &tls.Config{MinVersion: tls.VersionTLS12}
	if caFile == "" {
		return conf, nil
	}
	pem, err := os.ReadFile(caFile)
	if err != nil {
		return nil, fmt.Errorf("CA file: %w", err)
	}
	pool, err := x509.SystemCertPool()
	if err != nil {
		pool = x509.NewCertPool() // no system roots here: trust the file alone
	}
	if !pool.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("CA file %s holds no PEM certificate", caFile)
	}
	conf.RootCAs = pool
	return conf, nil
}
