package e2e

import (
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	paho "github.com/eclipse/paho.mqtt.golang"

	"mypos/protocol"
)

// company registers a company with its own e-mail and returns its token.
func (s *server) company(t *testing.T, email string) string {
	t.Helper()
	s.do("POST", "/api/v1/auth/register", "", map[string]string{"kind": "company", "name": "Магазин " + email, "inn": "7707083893", "email": email, "password": "company-password"}).must(t, http.StatusCreated)
	return s.do("POST", "/api/v1/auth/login", "", map[string]string{"email": email, "password": "company-password"}).must(t, http.StatusOK).str("token")
}

// enrolledDevice creates a device and enrolls it over HTTP, as a till does.
func (s *server) enrolledDevice(t *testing.T, token, name string) (id, secret, mqttURL string) {
	t.Helper()
	d := s.do("POST", "/api/v1/devices", token, map[string]string{"name": name}).must(t, http.StatusCreated)
	creds := s.do("POST", "/api/v1/enroll", "", map[string]string{"code": d.str("enrollment_code"), "nonce": "nonce-" + d.str("id")}).must(t, http.StatusOK)
	return creds.str("device_id"), creds.str("secret"), creds.str("mqtt_url")
}

// wireTerminal is a device's raw MQTT client that collects its downlink.
type wireTerminal struct {
	paho.Client
	id string
	mu sync.Mutex
	in []protocol.Message
}

func dialTerminal(t *testing.T, url, id, secret string) *wireTerminal {
	t.Helper()
	term := &wireTerminal{id: id, Client: mqttConnect(t, url, id, secret)}
	tok := term.Subscribe(protocol.DeviceTopic(id, protocol.LeafDown), 1, func(_ paho.Client, m paho.Message) {
		msg, err := protocol.DecodeDown(m.Payload())
		if err != nil {
			t.Errorf("the cloud sent what its own decoder refuses: %v", err)
			return
		}
		term.mu.Lock()
		term.in = append(term.in, msg)
		term.mu.Unlock()
	})
	if !tok.WaitTimeout(5*time.Second) || tok.Error() != nil {
		t.Fatalf("subscribe to down: %v", tok.Error())
	}
	return term
}

func (term *wireTerminal) send(t *testing.T, leaf string, retained bool, payload string) {
	t.Helper()
	tok := term.Publish(protocol.DeviceTopic(term.id, leaf), 1, retained, payload)
	if !tok.WaitTimeout(5*time.Second) || tok.Error() != nil {
		t.Fatalf("publish on %s: %v", leaf, tok.Error())
	}
}

// errorCodes returns the codes of the Error replies received, with the ID
// they answer.
func (term *wireTerminal) errorCodes() string {
	term.mu.Lock()
	defer term.mu.Unlock()
	var codes []string
	for _, m := range term.in {
		if e, ok := m.(*protocol.Error); ok {
			codes = append(codes, e.Code+"@"+e.ID)
		}
	}
	return strings.Join(codes, " ")
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("not within 5 s: %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// metric returns the value of one series from /metrics, "" when absent.
func (s *server) metric(t *testing.T, series string) string {
	t.Helper()
	for _, line := range strings.Split(get(t, s.Metrics), "\n") {
		if name, value, ok := strings.Cut(line, " "); ok && name == series {
			return value
		}
	}
	return ""
}

// badUplink sends a hello and then malformed, unknown, oversized and
// too-old messages: each is dropped, counted and answered, the connection
// is kept and the server stays alive.
func badUplink(t *testing.T, s *server, term *wireTerminal) {
	t.Helper()
	term.send(t, protocol.LeafUp, false, `{"v":1,"type":"hello","id":"h1","rev":0,"agent":"e2e"}`)
	term.send(t, protocol.LeafUp, false, `{"v":1,"type":"hello","id":`)
	term.send(t, protocol.LeafUp, false, `{"v":1,"type":"teleport","id":"u1"}`)
	term.send(t, protocol.LeafUp, false, `{"v":1,"type":"hello","id":"big","agent":"`+strings.Repeat("x", protocol.MaxMessageSize)+`"}`)
	term.send(t, protocol.LeafUp, false, `{"v":0,"type":"hello","id":"old"}`)
	waitFor(t, "four refusals answered", func() bool { return strings.Count(term.errorCodes(), "@") == 4 })
	for _, want := range []string{"malformed@", "unknown_type@u1", "too_large@", "version@old"} {
		if !strings.Contains(term.errorCodes(), want) {
			t.Fatalf("replies %q lack %q", term.errorCodes(), want)
		}
	}
	for _, code := range []string{"malformed", "unknown_type", "too_large", "version"} {
		if got := s.metric(t, `mypos_fleet_uplink_rejected_total{code="`+code+`"}`); got != "1" {
			t.Fatalf("rejected{%s}=%q, want 1", code, got)
		}
	}
	if got := s.metric(t, `mypos_fleet_uplink_total{type="hello"}`); got != "1" {
		t.Fatalf("hello handled %q times, want 1", got)
	}
	if !term.IsConnectionOpen() {
		t.Fatal("bad messages cost the device its connection")
	}
	s.do("GET", "/readyz", "", nil).must(t, http.StatusOK)
}

// online reads a device's presence as its company sees it.
func (s *server) online(t *testing.T, token, id string) bool {
	t.Helper()
	d := s.do("GET", "/api/v1/devices/"+id, token, nil).must(t, http.StatusOK)
	online, _ := d.Body["online"].(bool)
	return online
}

func TestWireEmbedded(t *testing.T) {
	s := startServer(t)
	token := s.company(t, "wire@shop.test")
	id, secret, url := s.enrolledDevice(t, token, "Касса 1")
	if s.online(t, token, id) {
		t.Fatal("a device never connected shows online")
	}
	term := dialTerminal(t, url, id, secret)
	waitFor(t, "the device list shows it online", func() bool { return s.online(t, token, id) })
	badUplink(t, s, term)
	term.Disconnect(100)
	waitFor(t, "the device list shows it offline", func() bool { return !s.online(t, token, id) })

	// A revoked device is disconnected at once, not at its next reconnect.
	term = dialTerminal(t, url, id, secret)
	s.do("DELETE", "/api/v1/devices/"+id, token, nil).must(t, http.StatusNoContent)
	start := time.Now()
	waitFor(t, "the revoked device is disconnected", func() bool { return !term.IsConnectionOpen() })
	if took := time.Since(start); took > time.Second {
		t.Fatalf("the revoked device was disconnected after %v, want within a second", took)
	}
}

// The cloud talks to the Mosquitto running on this machine instead of its
// own broker: the same enroll, connect, hello and refusals pass.
func TestWireExternalBroker(t *testing.T) {
	s := startServer(t, "MYPOS_BROKER=external", "MYPOS_BROKER_URL=tcp://127.0.0.1:1883")
	token := s.company(t, "external@shop.test")
	id, secret, url := s.enrolledDevice(t, token, "Касса 1")
	if url != "mqtt://127.0.0.1:1883" {
		t.Fatalf("enrollment hands out %q, want the external broker", url)
	}
	term := dialTerminal(t, url, id, secret)
	t.Cleanup(func() { term.send(t, protocol.LeafState, true, "") }) // leave no retained state behind
	term.send(t, protocol.LeafState, true, protocol.StateOnline)
	waitFor(t, "the device list shows it online", func() bool { return s.online(t, token, id) })
	badUplink(t, s, term)
	term.send(t, protocol.LeafState, true, protocol.StateOffline) // what its last will says
	waitFor(t, "the device list shows it offline", func() bool { return !s.online(t, token, id) })
}
