package e2e

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
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

// selfSigned writes a certificate for 127.0.0.1 and its key, and returns
// their paths and a pool that trusts it.
func selfSigned(t *testing.T) (certFile, keyFile string, pool *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "mypos e2e"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")},
		KeyUsage:    x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, _ := x509.MarshalECPrivateKey(key)
	dir := t.TempDir()
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600)
	os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER}), 0o600)
	cert, _ := x509.ParseCertificate(der)
	pool = x509.NewCertPool()
	pool.AddCert(cert)
	return certFile, keyFile, pool
}

// mqttOptions are a terminal's connection options: username = client ID =
// device ID, password = secret.
func mqttOptions(url, id, secret string, tlsConf *tls.Config) *paho.ClientOptions {
	opts := paho.NewClientOptions().AddBroker(url).SetClientID(id).SetUsername(id).SetPassword(secret).
		SetAutoReconnect(false).SetConnectRetry(false).SetConnectTimeout(5 * time.Second)
	if tlsConf != nil {
		opts.SetTLSConfig(tlsConf)
	}
	return opts
}

// mqttConnect connects as a device and fails the test if the broker refuses.
func mqttConnect(t *testing.T, url, id, secret string) paho.Client {
	t.Helper()
	c := paho.NewClient(mqttOptions(url, id, secret, nil))
	if tok := c.Connect(); !tok.WaitTimeout(10*time.Second) || tok.Error() != nil {
		t.Fatalf("%s: connect as %s: %v", url, id, tok.Error())
	}
	t.Cleanup(func() { c.Disconnect(0) })
	return c
}

// mqttRefused asserts that the broker at url answers the CONNECT with a
// refusal — which also proves the transport (WebSocket, TLS) works.
func mqttRefused(t *testing.T, url string, tlsConf *tls.Config, id, secret string) {
	t.Helper()
	tok := paho.NewClient(mqttOptions(url, id, secret, tlsConf)).Connect()
	if !tok.WaitTimeout(10 * time.Second) {
		t.Fatalf("%s: no answer to CONNECT", url)
	}
	if err := tok.Error(); err == nil || !strings.Contains(err.Error(), "not Authorized") {
		t.Fatalf("%s: err=%v, want a refusal as not authorized", url, err)
	}
}

// The listeners that are off by default: MQTT over WebSocket and over TLS,
// and the cabinet over HTTPS; with TLS, enrollment hands out mqtts://.
func TestOptionalListeners(t *testing.T) {
	certFile, keyFile, pool := selfSigned(t)
	s := startServer(t, "MYPOS_MQTT_WS_ADDR=127.0.0.1:0", "MYPOS_MQTT_TLS_ADDR=127.0.0.1:0",
		"MYPOS_TLS_CERT="+certFile, "MYPOS_TLS_KEY="+keyFile)
	if !strings.HasPrefix(s.URL, "https://") || s.banner["mqtt-ws"] == "" || s.banner["mqtt-tls"] == "" {
		t.Fatalf("banner=%v, want https, mqtt-ws and mqtt-tls", s.banner)
	}
	tlsConf := &tls.Config{RootCAs: pool}
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: tlsConf}, Timeout: 10 * time.Second}
	resp, err := client.Get(s.URL + "/healthz")
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /healthz over HTTPS: %v %v", resp, err)
	}
	resp.Body.Close()

	mqttRefused(t, "tcp://"+s.MQTT, nil, "stranger", "guess")
	mqttRefused(t, s.banner["mqtt-ws"], nil, "stranger", "guess")
	mqttRefused(t, "ssl://"+strings.TrimPrefix(s.banner["mqtt-tls"], "mqtts://"), tlsConf, "stranger", "guess")

	// A till enrolled over HTTPS is handed the broker over TLS, though
	// plain MQTT was asked for too, and connects with what it was handed.
	creds := enrollOver(t, client, s.URL)
	if got, want := creds["mqtt_url"], s.banner["mqtt-tls"]; got != want {
		t.Fatalf("enrollment hands out %q, want the TLS listener's %q", got, want)
	}
	id, secret := creds["device_id"].(string), creds["secret"].(string)
	till := paho.NewClient(mqttOptions("ssl://"+strings.TrimPrefix(creds["mqtt_url"].(string), "mqtts://"), id, secret, tlsConf))
	if tok := till.Connect(); !tok.WaitTimeout(10*time.Second) || tok.Error() != nil {
		t.Fatalf("the till connects over TLS as enrolled: %v", tok.Error())
	}
	till.Disconnect(0)
}

// enrollOver signs a company up through client, creates a device and
// enrolls it, as a till does, and returns the enrollment answer.
func enrollOver(t *testing.T, client *http.Client, base string) map[string]any {
	t.Helper()
	call := func(path, token string, body map[string]string, want int) map[string]any {
		t.Helper()
		b, _ := json.Marshal(body)
		req, _ := http.NewRequest("POST", base+"/api/v1"+path, bytes.NewReader(b))
		req.Header.Set("Content-Type", "application/json")
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		resp, err := client.Do(req)
		if err != nil {
			t.Fatalf("POST %s: %v", path, err)
		}
		defer resp.Body.Close()
		var out map[string]any
		json.NewDecoder(resp.Body).Decode(&out)
		if resp.StatusCode != want {
			t.Fatalf("POST %s: %d %v, want %d", path, resp.StatusCode, out, want)
		}
		return out
	}
	company := map[string]string{"kind": "company", "name": "Магазин", "inn": "7707083893", "email": "tls@shop.test", "password": "company-password"}
	call("/auth/register", "", company, http.StatusCreated)
	token, _ := call("/auth/login", "", map[string]string{"email": company["email"], "password": company["password"]}, http.StatusOK)["token"].(string)
	device := call("/devices", token, map[string]string{"name": "Касса 1"}, http.StatusCreated)
	code, _ := device["enrollment_code"].(string)
	return call("/enroll", "", map[string]string{"code": code, "nonce": "nonce-of-the-tls-till"}, http.StatusOK)
}
