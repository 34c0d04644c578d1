package fleet_test

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"mypos"
	"mypos/account"
	"mypos/db"
	"mypos/device"
	"mypos/fleet"
	"mypos/licensing"
	"mypos/licensing/licensingtest"
	"mypos/protocol"
	"mypos/services"
	"mypos/services/servicestest"
)

// keyEnv is fleet on the embedded broker with the real licensing service
// over a real db: an owner, a partner, its linked client company and
// a company that is not its client. (The fleet_test env has no accounts.)
type keyEnv struct {
	t        *testing.T
	svc      *services.Set
	db       *db.DB
	accounts *account.Service
	devices  *device.Service
	lic      *licensing.Service
	url      string
	logs     *keyLogs
	owner    context.Context
	partner  context.Context
	shop     context.Context // the partner's client
	stranger context.Context // another company
}

func newKeyEnv(t *testing.T, keyEntries int) *keyEnv {
	t.Helper()
	svc := servicestest.Open(t, services.Config{})
	e := &keyEnv{t: t, svc: svc, db: svc.DB, logs: &keyLogs{}, accounts: svc.Accounts, devices: svc.Devices, lic: svc.Licensing}
	licensingtest.VerifyAfter(t, e.lic)
	e.people()
	e.serve(fleet.Config{Node: "test",
		Registerer: prometheus.NewRegistry(), Rate: 200, Burst: 200, KeyEntries: keyEntries,
		Logger: slog.New(slog.NewTextHandler(e.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))})
	return e
}

// people makes the accounts and links the shop to the partner.
func (e *keyEnv) people() {
	t := e.t
	must := func(a *account.Account, err error) context.Context {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return mypos.NewContextWithActor(context.Background(), a.Actor())
	}
	e.owner = must(e.accounts.CreateOwner(context.Background(), "owner@mypos.test", "owner-password"))
	e.partner = must(e.accounts.CreatePartner(e.owner, account.Registration{Name: "Дилер", INN: "7736207543", Email: "partner@mypos.test", Password: "partner-pass"}))
	e.shop = must(e.accounts.Register(context.Background(), account.Registration{Kind: mypos.KindCompany, Name: "Магазин", INN: "7707083893", Email: "shop@mypos.test", Password: "company-pass"}))
	e.stranger = must(e.accounts.Register(context.Background(), account.Registration{Kind: mypos.KindCompany, Name: "Чужой", INN: "7707083893", Email: "other@mypos.test", Password: "company-pass"}))
	r, err := e.accounts.RequestLink(e.shop, account.LinkRequestInput{PartnerID: actorID(e.partner)})
	if err == nil {
		_, err = e.accounts.AcceptLink(e.partner, r.ID)
	}
	if err != nil {
		t.Fatal(err)
	}
}

// serve runs fleet and the broker, as a server process does.
func (e *keyEnv) serve(cfg fleet.Config) {
	f, b, url := servicestest.Serve(e.t, e.svc, cfg, nil)
	e.t.Cleanup(func() { b.Close(); f.Close() })
	e.url = url
}

func actorID(ctx context.Context) string {
	a, _ := mypos.ActorFromContext(ctx)
	return a.ID
}

// unsealed sells a license to the partner and unseals it to itself: the
// key the partner may hand to anyone. It returns the license and its key.
func (e *keyEnv) unsealed() (string, string) {
	e.t.Helper()
	sale, err := e.lic.Sell(e.owner, actorID(e.partner), 2)
	if err != nil {
		e.t.Fatal(err)
	}
	// One goes to the client sealed, as partners do; the other is unsealed.
	if _, err := e.lic.Transfer(e.partner, actorID(e.shop), sale.LicenseIDs[:1]); err != nil {
		e.t.Fatal(err)
	}
	id := sale.LicenseIDs[1]
	if _, err := e.lic.Unseal(e.partner, []string{id}, licensing.Licensee{Name: "ООО Ромашка", INN: "7707083893", Email: "shop@romashka.test"}); err != nil {
		e.t.Fatal(err)
	}
	return id, e.license(id).Key
}

// license returns a license's facts as the owner sees them.
func (e *keyEnv) license(id string) *licensing.License {
	e.t.Helper()
	l, err := e.lic.Get(e.owner, id)
	if err != nil {
		e.t.Fatal(err)
	}
	return l
}

// documents counts every license document written.
func (e *keyEnv) documents() int64 {
	e.t.Helper()
	var n int64
	if err := e.db.Conn(context.Background()).Raw(`SELECT COUNT(*) FROM license_documents`).Scan(&n).Error; err != nil {
		e.t.Fatal(err)
	}
	return n
}

// keyPad is a terminal of a company's device that types keys.
type keyPad struct {
	*terminal
	t  *testing.T
	id string
}

// till adds a device to the company, enrolls it and connects it.
func (e *keyEnv) till(company context.Context, name string) *keyPad {
	e.t.Helper()
	d, code, err := e.devices.Create(company, device.NewDevice{Name: name})
	if err != nil {
		e.t.Fatal(err)
	}
	en, err := e.devices.Enroll(context.Background(), code, "nonce-"+d.ID, "127.0.0.1")
	if err != nil {
		e.t.Fatal(err)
	}
	return &keyPad{terminal: dialTerminal(e.t, e.url, en.DeviceID, en.Secret), t: e.t, id: en.DeviceID}
}

func (p *keyPad) send(m protocol.Message) { p.t.Helper(); p.publish(p.t, encode(p.t, m)) }

// await waits up to two seconds for a downlink message that match accepts.
func (p *keyPad) await(what string, match func(protocol.Message) bool) protocol.Message {
	p.t.Helper()
	for deadline := time.Now().Add(2 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		p.mu.Lock()
		for _, m := range p.down {
			if match(m) {
				p.mu.Unlock()
				return m
			}
		}
		p.mu.Unlock()
	}
	p.t.Fatalf("%s: not within 2 s", what)
	return nil
}

// online says hello and syncs from 0, so the cloud pushes to the device.
func (p *keyPad) online() {
	p.t.Helper()
	p.send(&protocol.Hello{Header: protocol.Header{ID: "h"}, Agent: "test"})
	p.send(&protocol.Sync{Header: protocol.Header{ID: "s"}})
	p.await("the sync's last page", func(m protocol.Message) bool {
		r, ok := m.(*protocol.SyncReply)
		return ok && r.ID == "s" && r.Next == ""
	})
}

// enter types a key on the terminal and returns the cloud's answer.
func (p *keyPad) enter(id, key string) *protocol.LicenseReply {
	p.t.Helper()
	p.send(&protocol.License{Header: protocol.Header{ID: id}, Key: key})
	return p.await("the license_reply to "+id, func(m protocol.Message) bool {
		r, ok := m.(*protocol.LicenseReply)
		return ok && r.ID == id
	}).(*protocol.LicenseReply)
}

// pushed says whether a push told the device of the license: "upsert" it
// got it, "delete" it lost it.
func (p *keyPad) pushed(licenseID, op string) func() bool {
	return func() bool {
		p.mu.Lock()
		defer p.mu.Unlock()
		for _, m := range p.down {
			if c, ok := m.(*protocol.Changes); ok {
				for _, it := range c.Items {
					if it.Kind == protocol.KindLicense && it.ID == licenseID && it.Op == op {
						return true
					}
				}
			}
		}
		return false
	}
}

func wantReply(t *testing.T, got *protocol.LicenseReply, result, code string) {
	t.Helper()
	if got.Result != result || got.Code != code || (code != "" && got.Message == "") {
		t.Fatalf("reply %+v, want %s %q with a message", got, result, code)
	}
}

// typoOf is the key with its last character mistyped.
func typoOf(key string) string {
	last := key[len(key)-1]
	for _, c := range []byte(protocol.LicenseKeyAlphabet) {
		if c != last {
			return key[:len(key)-1] + string(c)
		}
	}
	return ""
}

func keyWait(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(2 * time.Second); !cond(); time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("not within 2 s: %s", what)
		}
	}
}

// A key typed on a terminal, through the broker: activated on the device
// that typed it, moved by typing it on another device of the company (the
// first is told at once), refused on a device of another company, and a
// mistyped or unknown key refused — each with its code, and the key never
// in the log.
func TestLicenseEntry(t *testing.T) {
	e := newKeyEnv(t, 100)
	id, key := e.unsealed()
	a, b, x := e.till(e.shop, "Касса A"), e.till(e.shop, "Касса B"), e.till(e.stranger, "Чужая касса")
	a.online()

	reply := a.enter("k1", strings.ToLower(key))
	wantReply(t, reply, protocol.LicenseActivated, "")
	if l := e.license(id); reply.LicenseID != id || l.DeviceID == nil || *l.DeviceID != a.id || *l.CompanyID != actorID(e.shop) {
		t.Fatalf("after activation on A: reply %+v, license %+v", reply, l)
	}
	keyWait(t, "A is pushed its license", a.pushed(id, protocol.OpUpsert))

	// The same key on B of the same company moves it; A is told at once.
	wantReply(t, b.enter("k2", key), protocol.LicenseMovedHere, "")
	if l := e.license(id); *l.DeviceID != b.id {
		t.Fatalf("after entry on B the license is on %v", *l.DeviceID)
	}
	keyWait(t, "A is told it lost the license", a.pushed(id, protocol.OpDelete))

	docs := e.documents()
	wantReply(t, x.enter("k3", key), protocol.LicenseRefused, mypos.ECONFLICT)
	typo := typoOf(key)
	wantReply(t, a.enter("k4", typo), protocol.LicenseRefused, mypos.EINVALID)
	payload := strings.Repeat("2", protocol.LicenseKeyLen-1) // a well-formed key nobody was sold
	unknown := protocol.FormatLicenseKey(payload + string(protocol.LicenseKeyCheck(payload)))
	wantReply(t, a.enter("k5", unknown), protocol.LicenseRefused, mypos.ENOTFOUND)
	if l := e.license(id); *l.DeviceID != b.id || e.documents() != docs {
		t.Fatalf("a refused entry changed something: license on %v, %d documents, want %d", *l.DeviceID, e.documents(), docs)
	}

	bare := strings.ReplaceAll(key, "-", "")
	if logs := e.logs.String(); strings.Contains(logs, key) || strings.Contains(logs, bare) || strings.Contains(logs, typo) {
		t.Fatalf("a key reached the log:\n%s", logs)
	}
}

// Key entry has its own budget per device, far below the uplink's: past it
// a key is refused rate_limited without being looked up, while the
// device's other traffic and other devices' keys go on.
func TestLicenseEntryRateLimit(t *testing.T) {
	e := newKeyEnv(t, 3)
	_, key := e.unsealed()
	a, b := e.till(e.shop, "Касса A"), e.till(e.shop, "Касса B")
	for _, id := range []string{"t0", "t1", "t2"} {
		wantReply(t, a.enter(id, typoOf(key)), protocol.LicenseRefused, mypos.EINVALID)
	}
	limited := a.enter("t3", key)
	wantReply(t, limited, protocol.LicenseRefused, mypos.ERATELIMIT)
	if !strings.Contains(limited.Message, "try again in") {
		t.Fatalf("the refusal %q does not say when to try again", limited.Message)
	}
	a.online() // the rest of the uplink is not limited by keys
	wantReply(t, b.enter("t4", key), protocol.LicenseActivated, "")
}

// keyLogs is a log sink goroutines may share.
type keyLogs struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *keyLogs) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *keyLogs) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}
