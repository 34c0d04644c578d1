package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	paho "github.com/eclipse/paho.mqtt.golang"
)

// With a certificate, enrollment hands terminals the mqtts:// URL, and the
// plain MQTT listener is off unless MYPOS_MQTT_ADDR asks for it.
func TestServeTLS(t *testing.T) {
	certFile, keyFile, roots := selfSigned(t)
	tlsConf := &tls.Config{RootCAs: roots}
	tlsEnv := []string{"MYPOS_TLS_CERT=" + certFile, "MYPOS_TLS_KEY=" + keyFile, "MYPOS_MQTT_TLS_ADDR=127.0.0.1:0"}

	t.Run("PlainOffByDefault", func(t *testing.T) {
		s := startServe(t, append(tlsEnv, "MYPOS_MQTT_ADDR")...)
		s.client.Transport = &http.Transport{TLSClientConfig: tlsConf}
		if _, plain := s.banner["mqtt"]; plain || !strings.HasPrefix(s.banner["mqtt-tls"], "mqtts://") || !strings.HasPrefix(s.URL, "https://") {
			t.Fatalf("banner %v: want https, mqtt-tls and no plain mqtt", s.banner)
		}
		creds := s.enroll()
		if got, want := creds["mqtt_url"], s.banner["mqtt-tls"]; got != want {
			t.Fatalf("enrollment hands out %q, want %q", got, want)
		}
		// The terminal connects with what it was handed.
		url := "ssl://" + strings.TrimPrefix(creds["mqtt_url"].(string), "mqtts://")
		id, secret := creds["device_id"].(string), creds["secret"].(string)
		opts := paho.NewClientOptions().AddBroker(url).SetClientID(id).SetUsername(id).SetPassword(secret).
			SetTLSConfig(tlsConf).SetAutoReconnect(false).SetConnectTimeout(5 * time.Second)
		c := paho.NewClient(opts)
		if tok := c.Connect(); !tok.WaitTimeout(10*time.Second) || tok.Error() != nil {
			t.Fatalf("connect over TLS as the enrolled device: %v", tok.Error())
		}
		c.Disconnect(0)
	})
	t.Run("PlainAskedFor", func(t *testing.T) {
		s := startServe(t, tlsEnv...) // the base environment sets MYPOS_MQTT_ADDR
		s.client.Transport = &http.Transport{TLSClientConfig: tlsConf}
		if !strings.HasPrefix(s.banner["mqtt"], "mqtt://") {
			t.Fatalf("banner %v: want the plain mqtt asked for", s.banner)
		}
		if got, want := s.enroll()["mqtt_url"], s.banner["mqtt-tls"]; got != want {
			t.Fatalf("enrollment hands out %q, want the TLS listener's %q", got, want)
		}
	})
}

// selfSigned writes a certificate for 127.0.0.1 and its key, and returns
// their paths and a pool that trusts it.
func selfSigned(t *testing.T) (certFile, keyFile string, roots *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "mypos test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")},
		KeyUsage:    x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER}), 0o600); err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	roots = x509.NewCertPool()
	roots.AddCert(cert)
	return certFile, keyFile, roots
}
