package fleet_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"mypos"
	"mypos/device"
	"mypos/fleet"
	"mypos/protocol"
	"mypos/sales"
	"mypos/sales/salestest"
	"mypos/services"
	"mypos/services/servicestest"
)

// receiptEnv is the fleet env with receipts stored by the real sales
// ingester, checked against the real backoffice and licensing, over the
// same database. Its company is a partner's client with a cashier, goods
// and a discount (seller); its tills are licensed unless a test says not.
type receiptEnv struct {
	*env
	sales  *sales.Service
	ingest *sales.Ingester
	world  *salestest.World
	seller salestest.Seller // e.company's
	tills  atomic.Int32     // enrolled so far, for each its own address
	behind atomic.Int64     // how far the database's clock is set back (see backdate)
}

// newReceiptEnv starts fleet with the ingester; tune adjusts its config.
func newReceiptEnv(tb testing.TB, tune func(*fleet.Config)) *receiptEnv {
	tb.Helper()
	svc := servicestest.Open(tb, services.Config{})
	e := withServices(tb, svc)
	r := &receiptEnv{env: e, sales: svc.Sales, ingest: svc.Receipts,
		world: salestest.NewWorld(tb, svc.Accounts, svc.Backoffice, svc.Licensing, svc.Devices)}
	svc.DB.Now = func() time.Time { return time.Now().Add(-time.Duration(r.behind.Load())).UTC() }
	e.company, r.seller = r.world.Shop(tb)
	cfg := fleet.Config{Node: "test"}
	if tune != nil {
		tune(&cfg)
	}
	r.serve(cfg)
	return r
}

// serve runs fleet and the broker as a server process does; the services
// stop the ingester after fleet, as serve does.
func (r *receiptEnv) serve(cfg fleet.Config) {
	r.reg = prometheus.NewRegistry()
	cfg.Registerer = r.reg
	r.fleet, r.broker, r.url = servicestest.Serve(r.t, r.svc, cfg, nil)
	r.t.Cleanup(r.stop)
}

// enrollIn makes a licensed device of the company, in the store ("" for
// none), and enrolls it from an address of its own; it returns the ID and
// secret.
func (r *receiptEnv) enrollIn(company context.Context, storeID string) (string, string) {
	r.t.Helper()
	id, secret := r.enrollUnlicensed(company, storeID)
	r.world.License(r.t, company, id)
	return id, secret
}

// enrollUnlicensed is enrollIn without the license.
func (r *receiptEnv) enrollUnlicensed(company context.Context, storeID string) (string, string) {
	r.t.Helper()
	nd := device.NewDevice{Name: "Касса"}
	if storeID != "" {
		nd.StoreID = &storeID
	}
	d, code, err := r.devices.Create(company, nd)
	if err != nil {
		r.t.Fatal(err)
	}
	n := r.tills.Add(1)
	en, err := r.devices.Enroll(context.Background(), code, "nonce-"+d.ID, fmt.Sprintf("10.2.%d.%d", n/200, n%200+1))
	if err != nil {
		r.t.Fatal(err)
	}
	return en.DeviceID, en.Secret
}

// upload sends a sale as the till does.
func (term *terminal) upload(t *testing.T, s protocol.Sale) {
	t.Helper()
	term.publish(t, encode(t, &protocol.ReceiptUpload{Header: protocol.Header{ID: s.ID}, Receipt: s}))
}

// acks counts the receipt_acks the terminal received, by receipt.
func (term *terminal) acks() map[string]int {
	term.mu.Lock()
	defer term.mu.Unlock()
	n := map[string]int{}
	for _, m := range term.down {
		if a, ok := m.(*protocol.ReceiptAck); ok && a.ID == a.ReceiptID {
			n[a.ReceiptID]++
		}
	}
	return n
}

// list returns the company's receipts as its cabinet lists them.
func (r *receiptEnv) list(company context.Context) []sales.Receipt {
	r.t.Helper()
	rows, _, err := r.sales.List(company, sales.Filter{Limit: 500})
	if err != nil {
		r.t.Fatal(err)
	}
	return rows
}

// backdate runs fn with every service's clock set back by d: what fn
// writes — license documents — happened then.
func (r *receiptEnv) backdate(d time.Duration, fn func()) {
	r.behind.Store(int64(d))
	defer r.behind.Store(0)
	fn()
}

// sale is a sale of the company's, punched now.
func (r *receiptEnv) sale(prices ...int64) protocol.Sale { return r.seller.Sale(time.Now(), prices...) }

// A receipt is stored under its device's company and store — from the
// session of a till that said hello, from the devices' record otherwise —
// with protocol's sums, and acknowledged with its ID.
func TestReceiptStoredAndAcked(t *testing.T) {
	e := newReceiptEnv(t, nil)
	storeID := mypos.NewID()
	for _, hello := range []bool{true, false} {
		id, secret := e.enrollIn(e.company, storeID)
		term := e.connect(id, secret)
		if hello {
			term.publish(t, encode(t, &protocol.Hello{Header: protocol.Header{ID: "h"}, Agent: "test"}))
		}
		s := e.sale(5990, 12000, 990)
		term.upload(t, s)
		eventually(t, "the receipt acked", func() bool { return term.acks()[s.ID] == 1 })

		d, err := e.sales.Get(e.company, s.ID)
		if err != nil {
			t.Fatal(err)
		}
		tot := salestest.Totals(s)
		if d.DeviceID != id || d.StoreID == nil || *d.StoreID != storeID || d.Total != tot.Total || d.VAT != tot.VAT || d.Discount != tot.Discount {
			t.Fatalf("hello=%v: stored %+v, want device %s in store %s with %+v", hello, d.Receipt, id, storeID, tot)
		}
		if errs := term.errors(); len(errs) != 0 {
			t.Fatalf("hello=%v: errors %v", hello, errs)
		}
	}
	if n := counter(t, e.reg, "mypos_fleet_receipts_total", "stored"); n != 2 {
		t.Fatalf("receipts{stored}=%v, want 2", n)
	}
}

// The same receipt uploaded twice — the till lost the first ack — is
// stored once and acknowledged twice.
func TestReceiptDuplicateStoredOnceAckedTwice(t *testing.T) {
	e := newReceiptEnv(t, nil)
	id, secret := e.enrollIn(e.company, "")
	term := e.connect(id, secret)
	s := e.sale(100, 200)
	term.upload(t, s)
	eventually(t, "the first ack", func() bool { return term.acks()[s.ID] == 1 })
	term.upload(t, s)
	eventually(t, "the second ack", func() bool { return term.acks()[s.ID] == 2 })
	if rows := e.list(e.company); len(rows) != 1 || rows[0].ID != s.ID {
		t.Fatalf("stored %+v, want the receipt once", rows)
	}
	if s, d := counter(t, e.reg, "mypos_fleet_receipts_total", "stored"), counter(t, e.reg, "mypos_fleet_receipts_total", "duplicate"); s != 1 || d != 1 {
		t.Fatalf("stored %v, duplicate %v; want 1 and 1", s, d)
	}
}

// A receipt whose total is not its lines' sum is refused with bad_field
// and its ID — the till's final refusal — and nothing is stored.
func TestReceiptBadTotalRefused(t *testing.T) {
	e := newReceiptEnv(t, nil)
	id, secret := e.enrollIn(e.company, "")
	term := e.connect(id, secret)
	s := e.sale(100, 200)
	s.Total++
	term.upload(t, s)
	eventually(t, "the refusal", func() bool { return len(term.errors()) == 1 })
	if got := term.errors()[0]; got != protocol.CodeBadField+"@"+s.ID {
		t.Fatalf("refused with %s, want bad_field@%s", got, s.ID)
	}
	time.Sleep(50 * time.Millisecond)
	if rows := e.list(e.company); len(rows) != 0 || len(term.acks()) != 0 {
		t.Fatalf("stored %+v, acks %v", rows, term.acks())
	}
}

// Receipts from devices of two companies land each in its own company.
func TestReceiptsLandInTheirCompanies(t *testing.T) {
	e := newReceiptEnv(t, nil)
	other, theirs := e.world.Shop(t)
	sellers := map[context.Context]salestest.Seller{e.company: e.seller, other: theirs}
	ids := map[context.Context]string{}
	for _, company := range []context.Context{e.company, other} {
		id, secret := e.enrollIn(company, "")
		term := e.connect(id, secret)
		s := sellers[company].Sale(time.Now(), 100)
		term.upload(t, s)
		eventually(t, "the ack", func() bool { return term.acks()[s.ID] == 1 })
		ids[company] = s.ID
	}
	for company, want := range ids {
		if rows := e.list(company); len(rows) != 1 || rows[0].ID != want {
			t.Fatalf("a company lists %+v, want its receipt %s only", rows, want)
		}
	}
}

// Receipts spend a budget of their own: a till may upload far more than
// the general uplink rate allows, and past its receipt budget it is told
// rate_limited with the receipt's ID, so it uploads that one again later.
func TestReceiptsHaveTheirOwnBudget(t *testing.T) {
	e := newReceiptEnv(t, func(c *fleet.Config) { c.Rate, c.Burst, c.ReceiptRate, c.ReceiptBurst = 1, 1, 0.01, 20 })
	id, secret := e.enrollIn(e.company, "")
	term := e.connect(id, secret)
	var sent []protocol.Sale
	for range 25 {
		s := e.sale(100)
		sent = append(sent, s)
		term.upload(t, s)
	}
	eventually(t, "20 acks", func() bool { return len(term.acks()) == 20 })
	eventually(t, "told to slow down", func() bool { return len(term.errors()) >= 1 })
	if got, want := term.errors()[0], "rate_limited@"+sent[20].ID; got != want {
		t.Fatalf("refused with %s, want %s", got, want)
	}
	if n := counter(t, e.reg, "mypos_fleet_receipts_total", "refused"); n != 5 {
		t.Fatalf("receipts{refused}=%v, want 5", n)
	}
	if rows := e.list(e.company); len(rows) != 20 {
		t.Fatalf("%d stored, want 20", len(rows))
	}
}

// Fleet is built with every service it calls: a config without the
// receipts' ingester or licensing is refused at once, not found missing
// when a till first uploads a receipt or types a key.
func TestNewRequiresServices(t *testing.T) {
	svc := servicestest.Open(t, services.Config{})
	full := fleet.Config{DB: svc.DB, Changes: svc.Changes, Devices: svc.Devices, Licenses: svc.Licensing, Receipts: svc.Receipts}
	for name, spoil := range map[string]func(*fleet.Config){
		"NoReceipts": func(c *fleet.Config) { c.Receipts = nil },
		"NoLicenses": func(c *fleet.Config) { c.Licenses = nil },
	} {
		cfg := full
		spoil(&cfg)
		if _, err := fleet.New(cfg); err == nil {
			t.Errorf("%s: fleet built", name)
		}
	}
	if _, err := fleet.New(full); err != nil {
		t.Fatalf("with every service: %v", err)
	}
}
