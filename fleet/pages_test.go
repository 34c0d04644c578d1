package fleet_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand"
	"strings"
	"testing"
	"time"

	paho "github.com/eclipse/paho.mqtt.golang"

	"mypos/changelog"
	"mypos/protocol"
)

// pager is a device that syncs by hand, a page at a time, keeping each
// page as it came: its size, and its decoded reply.
type pager struct {
	t     *testing.T
	id    string
	c     paho.Client
	down  chan []byte
	pages []*protocol.SyncReply
	sizes []int
}

func (e *env) pager(t *testing.T, id, secret string, rev int64) *pager {
	p := &pager{t: t, id: id, down: make(chan []byte, 16)}
	opts := paho.NewClientOptions().AddBroker(e.url).SetClientID(id).SetUsername(id).SetPassword(secret).SetAutoReconnect(false)
	p.c = paho.NewClient(opts)
	if tok := p.c.Connect(); !tok.WaitTimeout(5*time.Second) || tok.Error() != nil {
		t.Fatalf("connect: %v", tok.Error())
	}
	t.Cleanup(func() { p.c.Disconnect(0) })
	tok := p.c.Subscribe(protocol.DeviceTopic(id, protocol.LeafDown), 1, func(_ paho.Client, m paho.Message) { p.down <- m.Payload() })
	if !tok.WaitTimeout(5*time.Second) || tok.Error() != nil {
		t.Fatalf("subscribe: %v", tok.Error())
	}
	p.up(&protocol.Hello{Rev: rev, Agent: "pager"})
	return p
}

func (p *pager) up(m protocol.Message) {
	p.t.Helper()
	tok := p.c.Publish(protocol.DeviceTopic(p.id, protocol.LeafUp), 1, false, encode(p.t, m))
	if !tok.WaitTimeout(5*time.Second) || tok.Error() != nil {
		p.t.Fatalf("publish: %v", tok.Error())
	}
}

// next returns the next message to the device.
func (p *pager) next() (protocol.Message, int) {
	p.t.Helper()
	select {
	case data := <-p.down:
		m, err := protocol.DecodeDown(data)
		if err != nil {
			p.t.Fatalf("the cloud sent what its own decoder refuses: %v", err)
		}
		return m, len(data)
	case <-time.After(5 * time.Second):
		p.t.Fatal("no message within 5 s")
		return nil, 0
	}
}

// sync pages through a sync from since and returns its pages.
func (p *pager) sync(since int64) []*protocol.SyncReply {
	p.t.Helper()
	p.pages, p.sizes = nil, nil
	p.up(&protocol.Sync{Header: protocol.Header{ID: "s"}, Since: since})
	for {
		m, size := p.next()
		page, ok := m.(*protocol.SyncReply)
		if !ok {
			p.t.Fatalf("got %#v amid a sync", m)
		}
		p.pages, p.sizes = append(p.pages, page), append(p.sizes, size)
		if page.Next == "" {
			return p.pages
		}
		p.up(&protocol.Sync{Header: protocol.Header{ID: "s"}, Since: since, Cursor: page.Next})
	}
}

// requireFull fails unless every page fits a message and every page but
// the last was cut only because its next item would not fit beside it.
func (p *pager) requireFull() {
	p.t.Helper()
	for i, size := range p.sizes {
		if size > protocol.MaxMessageSize {
			p.t.Fatalf("page %d has %d bytes, over %d", i, size, protocol.MaxMessageSize)
		}
		if i == len(p.sizes)-1 || len(p.pages[i+1].Items) == 0 {
			continue
		}
		first, _ := json.Marshal(p.pages[i+1].Items[0])
		if size+1+len(first)+len(`,"next":""`)+6*len(p.pages[i].Next) <= protocol.MaxMessageSize {
			p.t.Fatalf("page %d of %d bytes was cut before an item of %d that fitted", i, size, len(first))
		}
	}
}

// apply commits the pages onto what a device held, as a terminal does.
func apply(held map[string]string, pages []*protocol.SyncReply) map[string]string {
	if pages[0].Reset {
		held = map[string]string{}
	}
	for _, page := range pages {
		for _, it := range page.Items {
			if it.Op == protocol.OpDelete {
				delete(held, it.Kind+"/"+it.ID)
			} else {
				held[it.Kind+"/"+it.ID] = string(it.Body)
			}
		}
	}
	return held
}

func canonicalAll(t *testing.T, m map[string]string) map[string]string {
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = canonical(t, []byte(v))
	}
	return out
}

// writeSized upserts goods whose bodies have random sizes, up to max bytes.
func (e *env) writeSized(rnd *rand.Rand, scope changelog.Scope, max int, ids ...string) {
	e.t.Helper()
	err := e.db.InTx(context.Background(), func(ctx context.Context) error {
		for _, id := range ids {
			body := map[string]any{"id": id, "note": strings.Repeat("ж", rnd.Intn(max/2))}
			if _, err := e.changes.Append(ctx, e.companyID(), changelog.Entry{Kind: "goods", Entity: id, Op: protocol.OpUpsert, Body: body, Scope: scope}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		e.t.Fatal(err)
	}
}

// Sync pages are cut by their encoded size: each fits a message and holds
// as much as fits, for a snapshot and for the compacted log, and what they
// carry is exactly the device's view.
func TestSyncPagesBySize(t *testing.T) {
	e := newEnv(t, withRate(10_000))
	rnd := rand.New(rand.NewSource(7))
	id, secret := e.enroll("Касса")
	other, _ := e.enroll("Другая касса")
	var goods []string
	for i := range 300 {
		goods = append(goods, fmt.Sprintf("g%03d", i))
	}
	e.writeSized(rnd, changelog.Company(), 6000, goods...)
	p := e.pager(t, id, secret, 0)
	view := changelog.View{DeviceID: id}

	snapshot := p.sync(0)
	p.requireFull()
	held := apply(nil, snapshot)
	if diff := diffViews(canonicalAll(t, held), e.view(view)); diff != "" || len(snapshot) < 10 {
		t.Fatalf("the snapshot in %d pages differs from the view:\n%s", len(snapshot), diff)
	}
	seen := map[string]bool{}
	for _, page := range snapshot {
		for _, it := range page.Items {
			if seen[it.Kind+"/"+it.ID] {
				t.Fatalf("%s/%s sent twice in one snapshot", it.Kind, it.ID)
			}
			seen[it.Kind+"/"+it.ID] = true
		}
	}

	// Offline, the same goods change again and again — an item of a page
	// is replaced by a later state of different size — some go, and some
	// changes are another device's.
	since := snapshot[0].To
	p.c.Disconnect(0)
	eventually(t, "the broker forgot the connection", func() bool { _, ok := e.broker.Server().Clients.Get(id); return !ok })
	for round := range 6 {
		var ids []string
		for _, g := range goods[round*10 : round*10+40] {
			ids = append(ids, g, g, goods[0]) // replaced within a page
		}
		e.writeSized(rnd, changelog.Company(), 6000, ids...)
		e.writeSized(rnd, changelog.Devices(other), 3000, fmt.Sprintf("other-%d", round))
	}
	err := e.db.InTx(context.Background(), func(ctx context.Context) error {
		_, err := e.changes.Append(ctx, e.companyID(), changelog.Entry{Kind: "goods", Entity: goods[5], Op: protocol.OpDelete, Scope: changelog.Company()})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	p = e.pager(t, id, secret, since)
	catchUp := p.sync(since)
	for i, size := range p.sizes {
		if size > protocol.MaxMessageSize || catchUp[i].Reset {
			t.Fatalf("catch-up page %d: %d bytes, reset %v", i, size, catchUp[i].Reset)
		}
	}
	held = apply(held, catchUp)
	if diff := diffViews(canonicalAll(t, held), e.view(view)); diff != "" || len(catchUp) < 5 {
		t.Fatalf("after catching up in %d pages the device differs from its view:\n%s", len(catchUp), diff)
	}
}

// An entity too large for any message is refused, not sent broken, and
// the sync can be asked again.
func TestSyncPageEntityTooLarge(t *testing.T) {
	e := newEnv(t, withRate(10_000))
	id, secret := e.enroll("Касса")
	e.writeSized(rand.New(rand.NewSource(1)), changelog.Company(), 1000, "small")
	err := e.db.InTx(context.Background(), func(ctx context.Context) error {
		body := map[string]string{"id": "huge", "note": strings.Repeat("x", protocol.MaxMessageSize)}
		_, err := e.changes.Append(ctx, e.companyID(), changelog.Entry{Kind: "goods", Entity: "huge", Op: protocol.OpUpsert, Body: body, Scope: changelog.Company()})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	p := e.pager(t, id, secret, 0)
	p.up(&protocol.Sync{Header: protocol.Header{ID: "s"}})
	for {
		m, _ := p.next()
		if refusal, ok := m.(*protocol.Error); ok {
			if refusal.ID != "s" {
				t.Fatalf("refused %q, want the sync", refusal.ID)
			}
			return
		}
		page, ok := m.(*protocol.SyncReply)
		if !ok || page.Next == "" {
			t.Fatalf("got %#v, want pages up to a refusal", m)
		}
		p.up(&protocol.Sync{Header: protocol.Header{ID: "s"}, Cursor: page.Next})
	}
}
