package fleet_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	paho "github.com/eclipse/paho.mqtt.golang"
	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"

	"mypos"
	"mypos/broker"
	"mypos/changelog"
	"mypos/db"
	"mypos/device"
	"mypos/fleet"
	"mypos/protocol"
	"mypos/services"
	"mypos/services/servicestest"
)

// env is fleet on the embedded broker over the real services and a real
// database, with devices enrolled through the real device service.
type env struct {
	t       testing.TB
	svc     *services.Set
	db      *db.DB
	devices *device.Service
	changes *changelog.Log
	fleet   *fleet.Fleet
	broker  *broker.Broker
	reg     *prometheus.Registry
	rate    float64 // uplink messages a second a device may send
	url     string
	company context.Context
	tune    func(*fleet.Config) // adjusts fleet's configuration at each start
	prepare func(*fleet.Fleet)  // runs before fleet starts
}

// envOption tunes an env before it starts.
type envOption func(*env)

func newEnv(t testing.TB, opts ...envOption) *env {
	t.Helper()
	e := withServices(t, servicestest.Open(t, services.Config{}))
	e.rate = 200
	for _, o := range opts {
		o(e)
	}
	id := mypos.NewID()
	e.company = mypos.NewContextWithActor(context.Background(), mypos.Actor{Kind: mypos.KindCompany, ID: id, CompanyID: id})
	e.start()
	return e
}

// withServices is an env, not started, over the services.
func withServices(t testing.TB, svc *services.Set) *env {
	return &env{t: t, svc: svc, db: svc.DB, changes: svc.Changes, devices: svc.Devices}
}

// start runs fleet and the broker, as a server process does.
func (e *env) start() {
	e.t.Helper()
	e.reg = prometheus.NewRegistry()
	cfg := fleet.Config{Node: "test", Registerer: e.reg, Rate: e.rate, Burst: e.rate}
	if e.tune != nil {
		e.tune(&cfg)
	}
	e.fleet, e.broker, e.url = servicestest.Serve(e.t, e.svc, cfg, e.prepare)
	e.t.Cleanup(e.stop)
}

func (e *env) stop() {
	e.broker.Close()
	e.fleet.Close()
}

// enroll makes a device and returns its ID and secret.
func (e *env) enroll(name string) (string, string) {
	e.t.Helper()
	return e.enrollFrom(name, "127.0.0.1")
}

// enrollFrom enrolls from an address of its own: the device service allows
// an address only a few enrollments a minute.
func (e *env) enrollFrom(name, address string) (string, string) {
	e.t.Helper()
	d, code, err := e.devices.Create(e.company, device.NewDevice{Name: name})
	if err != nil {
		e.t.Fatal(err)
	}
	en, err := e.devices.Enroll(context.Background(), code, "nonce-"+d.ID, address)
	if err != nil {
		e.t.Fatal(err)
	}
	return en.DeviceID, en.Secret
}

// terminal is a raw paho client of a device, collecting its downlink.
type terminal struct {
	paho.Client
	mu   sync.Mutex
	down []protocol.Message
}

func (e *env) connect(id, secret string) *terminal { return dialTerminal(e.t, e.url, id, secret) }

// dialTerminal connects a device to the broker at url and subscribes it
// to its downlink; the test's end disconnects it.
func dialTerminal(tb testing.TB, url, id, secret string) *terminal {
	tb.Helper()
	term := &terminal{}
	opts := paho.NewClientOptions().AddBroker(url).SetClientID(id).SetUsername(id).SetPassword(secret).
		SetAutoReconnect(false).SetConnectTimeout(5 * time.Second)
	term.Client = paho.NewClient(opts)
	if tok := term.Connect(); !tok.WaitTimeout(5*time.Second) || tok.Error() != nil {
		tb.Fatalf("connect %s: %v", id, tok.Error())
	}
	tok := term.Subscribe(protocol.DeviceTopic(id, protocol.LeafDown), 1, func(_ paho.Client, m paho.Message) {
		msg, err := protocol.DecodeDown(m.Payload())
		if err != nil {
			tb.Errorf("the cloud sent what its own decoder refuses: %v", err)
			return
		}
		term.mu.Lock()
		term.down = append(term.down, msg)
		term.mu.Unlock()
	})
	if !tok.WaitTimeout(5*time.Second) || tok.Error() != nil {
		tb.Fatalf("subscribe: %v", tok.Error())
	}
	tb.Cleanup(func() { term.Disconnect(0) })
	return term
}

func (term *terminal) publish(t *testing.T, payload []byte) {
	t.Helper()
	r := term.OptionsReader()
	tok := term.Publish(protocol.DeviceTopic(r.ClientID(), protocol.LeafUp), 1, false, payload)
	if !tok.WaitTimeout(5*time.Second) || tok.Error() != nil {
		t.Fatalf("publish: %v", tok.Error())
	}
}

// errors returns the codes of the Error replies received so far.
func (term *terminal) errors() []string {
	term.mu.Lock()
	defer term.mu.Unlock()
	var codes []string
	for _, m := range term.down {
		if e, ok := m.(*protocol.Error); ok {
			codes = append(codes, e.Code+"@"+e.ID)
		}
	}
	return codes
}

// eventually polls cond for up to two seconds.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(2 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("not within 2 s: %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func (e *env) online(id string) (fleet.Presence, bool) {
	p, err := e.fleet.Presence(context.Background(), []string{id})
	if err != nil {
		e.t.Fatal(err)
	}
	got, ok := p[id]
	return got, ok
}

// stored reads the presence table itself, as another node would.
func (e *env) stored(id string) (fleet.Presence, bool) {
	var rows []fleet.Presence
	if err := e.db.Conn(context.Background()).Where("device_id = ?", id).Find(&rows).Error; err != nil {
		e.t.Fatal(err)
	}
	if len(rows) == 0 {
		return fleet.Presence{}, false
	}
	return rows[0], true
}

func counter(t *testing.T, reg *prometheus.Registry, name, label string) float64 {
	t.Helper()
	families, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range families {
		if f.GetName() != name {
			continue
		}
		for _, m := range f.GetMetric() {
			if labelled(m, label) {
				return m.GetCounter().GetValue()
			}
		}
	}
	return 0
}

func labelled(m *dto.Metric, value string) bool {
	for _, l := range m.GetLabel() {
		if l.GetValue() == value {
			return true
		}
	}
	return value == ""
}

func TestPresence(t *testing.T) {
	e := newEnv(t)
	id, secret := e.enroll("Касса 1")
	if _, ok := e.online(id); ok {
		t.Fatal("a device never connected has a presence")
	}

	first := e.connect(id, secret)
	eventually(t, "online after connect", func() bool { p, _ := e.online(id); return p.Online })
	eventually(t, "online written to the table", func() bool { p, _ := e.stored(id); return p.Online })

	// A second connection of the same device takes the session over: the
	// old connection's disconnect arrives after the new one began and must
	// not mark the device offline.
	second := e.connect(id, secret)
	eventually(t, "the first connection closed", func() bool { return !first.IsConnectionOpen() })
	time.Sleep(200 * time.Millisecond)
	if p, _ := e.online(id); !p.Online {
		t.Fatal("a stale disconnect marked the device offline")
	}

	second.Disconnect(0)
	eventually(t, "offline after disconnect", func() bool { p, _ := e.online(id); return !p.Online })
	eventually(t, "offline written to the table", func() bool { p, ok := e.stored(id); return ok && !p.Online })

	// A restart: the device is online when the process dies; the new
	// process marks it offline until it connects again.
	e.connect(id, secret)
	eventually(t, "online again", func() bool { p, _ := e.stored(id); return p.Online })
	e.stop()
	e.db.Conn(context.Background()).Model(&fleet.Presence{}).Where("device_id = ?", id).Update("online", true) // as if killed before the last write
	e.start()
	if p, _ := e.stored(id); p.Online {
		t.Fatal("after a restart the device is still online")
	}
	e.connect(id, secret)
	eventually(t, "online after the restart", func() bool { p, _ := e.stored(id); return p.Online })
}

func TestDisconnectOnRevoke(t *testing.T) {
	e := newEnv(t)
	id, secret := e.enroll("Касса 1")
	term := e.connect(id, secret)
	if err := e.devices.Revoke(e.company, id); err != nil {
		t.Fatal(err)
	}
	e.fleet.Disconnect(id)
	eventually(t, "the revoked device is disconnected", func() bool { return !term.IsConnectionOpen() })
}

func TestUplinkRefusals(t *testing.T) {
	e := newEnv(t)
	e.stop()
	e.rate = 5
	e.start()
	id, secret := e.enroll("Касса 1")
	term := e.connect(id, secret)

	term.publish(t, []byte(`{"v":1,"type":"hello","id":"h1","rev":0,"agent":"test"}`))
	term.publish(t, []byte(`not json`))
	term.publish(t, []byte(`{"v":1,"type":"dance","id":"u1"}`))
	term.publish(t, []byte(`{"v":1,"type":"hello","id":"big","agent":"`+strings.Repeat("x", protocol.MaxMessageSize)+`"}`))
	term.publish(t, []byte(`{"v":0,"type":"hello","id":"old"}`))
	eventually(t, "four refusals answered", func() bool { return len(term.errors()) == 4 })
	got := strings.Join(term.errors(), " ")
	for _, want := range []string{protocol.CodeMalformed + "@", protocol.CodeUnknownType + "@u1", protocol.CodeTooLarge + "@", protocol.CodeVersion + "@old"} {
		if !strings.Contains(got, want) {
			t.Fatalf("replies %q lack %q", got, want)
		}
	}
	for _, code := range []string{protocol.CodeMalformed, protocol.CodeUnknownType, protocol.CodeTooLarge, protocol.CodeVersion} {
		if n := counter(t, e.reg, "mypos_fleet_uplink_rejected_total", code); n != 1 {
			t.Fatalf("rejected{%s}=%v, want 1", code, n)
		}
	}
	if n := counter(t, e.reg, "mypos_fleet_uplink_total", protocol.TypeHello); n != 1 {
		t.Fatalf("hello handled %v times, want 1", n)
	}
	if !term.IsConnectionOpen() {
		t.Fatal("bad messages cost the device its connection")
	}

	// A flood: past the burst, messages are dropped, counted, and answered
	// once — not once each.
	for i := 0; i < 20; i++ {
		term.publish(t, []byte(`{"v":1,"type":"ack","id":"a","rev":1}`))
	}
	eventually(t, "the flood is limited", func() bool {
		return counter(t, e.reg, "mypos_fleet_uplink_rejected_total", "rate_limited") > 0
	})
	time.Sleep(200 * time.Millisecond)
	limited := 0
	for _, c := range term.errors() {
		if strings.HasPrefix(c, "rate_limited@") {
			limited++
		}
	}
	if limited != 1 {
		t.Fatalf("told to slow down %d times, want 1", limited)
	}
	if !term.IsConnectionOpen() {
		t.Fatal("a flood cost the device its connection")
	}
}
