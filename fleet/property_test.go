package fleet_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	paho "github.com/eclipse/paho.mqtt.golang"

	"mypos"
	"mypos/changelog"
	"mypos/device"
	"mypos/protocol"
)

// The property test's size: MYPOS_PROPERTY_SEED replays one seed's
// operations (the network's timing is not replayed), MYPOS_PROPERTY_SEEDS
// and MYPOS_PROPERTY_OPS make a longer run. They do not depend on -short.
const (
	envSeed  = "MYPOS_PROPERTY_SEED"
	envSeeds = "MYPOS_PROPERTY_SEEDS"
	envOps   = "MYPOS_PROPERTY_OPS"
)

// TestSyncConvergesProperty runs random operations on one company with a
// few terminals — writes of every scope, store moves, deletes, terminals
// dropping and coming back, fleet and the broker restarting — and after
// each round, once every terminal is at the head with no sync in flight,
// requires each to hold exactly its view: the snapshot for its device and
// its current store.
func TestSyncConvergesProperty(t *testing.T) {
	ops := envInt(t, envOps, 150)
	var seeds []int64
	if s := os.Getenv(envSeed); s != "" {
		seed, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			t.Fatalf("%s=%q: %v", envSeed, s, err)
		}
		seeds = []int64{seed}
	} else {
		base := time.Now().UnixNano() % 1_000_000_000
		for i := range envInt(t, envSeeds, 3) {
			seeds = append(seeds, base+int64(i))
		}
	}
	for _, seed := range seeds {
		t.Run(fmt.Sprintf("seed=%d", seed), func(t *testing.T) {
			t.Logf("seed %d: %s=%d replays these operations", seed, envSeed, seed)
			newProperty(t, seed).run(ops)
		})
	}
}

func envInt(t testing.TB, name string, def int) int {
	s := os.Getenv(name)
	if s == "" {
		return def
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 {
		t.Fatalf("%s=%q: want a positive number", name, s)
	}
	return n
}

func withRate(r float64) envOption { return func(e *env) { e.rate = r } }

// entity is the property test's record of a live entity it wrote.
type entity struct {
	kind, id string
	scope    changelog.Scope
	body     map[string]any
}

type property struct {
	t        *testing.T
	e        *env
	rnd      *rand.Rand
	company  string
	tills    []*till
	stores   []string
	storeOf  map[string]string  // device → its store, "" for none
	entities map[string]*entity // kind/id → a live entity (devices aside)
	serial   int
	ops      []string // what was done, with the head after it, for a failure's report
	count    map[string]int
}

func newProperty(t *testing.T, seed int64) *property {
	e := newEnv(t, withRate(10_000))
	p := &property{t: t, e: e, rnd: rand.New(rand.NewSource(seed)), company: e.companyID(),
		storeOf: map[string]string{}, entities: map[string]*entity{}, count: map[string]int{}}
	for range 3 {
		p.stores = append(p.stores, mypos.NewID())
	}
	for i := range 3 + p.rnd.Intn(2) {
		id, secret := e.enroll(fmt.Sprintf("Касса %d", i+1))
		p.tills = append(p.tills, newTill(e, id, secret, false))
		p.storeOf[id] = ""
	}
	for _, tl := range p.tills {
		if p.rnd.Intn(3) > 0 {
			p.move(tl.id)
		}
		tl.connect()
	}
	return p
}

func (p *property) run(ops int) {
	start := time.Now()
	const perRound = 25
	for round := 1; ops > 0; round++ {
		n := min(ops, perRound)
		ops -= n
		for range n {
			p.step()
		}
		p.settle(round)
	}
	var syncs, resets, pushes, skips, ignored int
	for _, tl := range p.tills {
		st := tl.statsNow()
		syncs, resets, pushes, skips, ignored = syncs+st.syncs, resets+st.resets, pushes+st.pushes, skips+st.skips, ignored+st.ignored
	}
	p.t.Logf("%v: %v; terminals: %d pushes applied, %d ignored mid-sync, %d syncs (%d full, %d after a skipped revision)",
		time.Since(start).Round(time.Millisecond), p.count, pushes, ignored, syncs, resets, skips)
}

// step does one random operation.
func (p *property) step() {
	switch r := p.rnd.Intn(100); {
	case r < 45:
		p.write()
	case r < 55:
		p.move(p.tills[p.rnd.Intn(len(p.tills))].id)
	case r < 67:
		if tl := p.pick(true); tl != nil {
			p.did("disconnect %s", short(tl.id))
			tl.disconnect()
		}
	case r < 79:
		if tl := p.pick(false); tl != nil {
			p.did("reconnect %s at %d", short(tl.id), tl.revNow())
			tl.connect()
		}
	case r < 82:
		p.restart()
	case r < 87:
		if tl := p.pick(true); tl != nil {
			p.did("load on %s", short(tl.id))
			tl.load()
		}
	default:
		time.Sleep(time.Duration(5+p.rnd.Intn(35)) * time.Millisecond)
	}
	if p.rnd.Intn(4) == 0 { // let some pushes go out between operations
		time.Sleep(time.Duration(p.rnd.Intn(20)) * time.Millisecond)
	}
}

// pick returns a random terminal that is online (or offline), nil if none.
func (p *property) pick(online bool) *till {
	var some []*till
	for _, tl := range p.tills {
		if tl.isOnline() == online {
			some = append(some, tl)
		}
	}
	if len(some) == 0 {
		return nil
	}
	return some[p.rnd.Intn(len(some))]
}

// write commits one to four changes in one transaction, as a domain write does.
func (p *property) write() {
	n := 1 + p.rnd.Intn(4)
	var entries []changelog.Entry
	for range n {
		entries = append(entries, p.entry())
	}
	many := len(entries) > 1 && p.rnd.Intn(2) == 0
	err := p.e.db.InTx(context.Background(), func(ctx context.Context) error {
		if many {
			_, err := p.e.changes.AppendMany(ctx, p.company, entries)
			return err
		}
		for _, en := range entries {
			if _, err := p.e.changes.Append(ctx, p.company, en); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		p.t.Fatal(err)
	}
	var what []string
	for _, en := range entries {
		what = append(what, en.Op+" "+en.Kind+"/"+short(en.Entity)+" "+en.Scope.String())
	}
	p.did("write %s", strings.Join(what, "; "))
}

// entry makes a random change and records it in the model.
func (p *property) entry() changelog.Entry {
	p.serial++
	var (
		kind  string
		scope changelog.Scope
	)
	switch r := p.rnd.Intn(100); {
	case r < 15 && len(p.entities) > 0:
		keys := p.keys()
		ent := p.entities[keys[p.rnd.Intn(len(keys))]]
		delete(p.entities, ent.kind+"/"+ent.id)
		p.count["delete"]++
		return changelog.Entry{Kind: ent.kind, Entity: ent.id, Op: protocol.OpDelete, Scope: ent.scope}
	case r < 50: // a cashier allowed on a random set of tills, maybe none
		kind = "cashier"
		var ids []string
		for _, tl := range p.tills {
			if p.rnd.Intn(2) == 0 {
				ids = append(ids, tl.id)
			}
		}
		scope = changelog.Devices(ids...)
	case r < 75:
		kind, scope = "goods", changelog.Company()
	default: // a store's price or discount
		kind, scope = "discount", changelog.Store(p.stores[p.rnd.Intn(len(p.stores))])
	}
	ent := p.existing(kind)
	if ent == nil {
		ent = &entity{kind: kind, id: mypos.NewID()}
		p.entities[kind+"/"+ent.id] = ent
	}
	en := changelog.Entry{Kind: kind, Entity: ent.id, Op: protocol.OpUpsert, Scope: scope}
	if ent.body != nil {
		prev := ent.scope
		en.PrevScope = &prev
	}
	ent.scope = scope
	ent.body = map[string]any{"id": ent.id, "name": fmt.Sprintf("%s %d", kind, p.serial), "v": p.serial}
	en.Body = ent.body
	p.count[kind]++
	return en
}

// existing returns a live entity of kind to change, or nil for a new one.
func (p *property) existing(kind string) *entity {
	if p.rnd.Intn(5) < 2 {
		return nil
	}
	var some []*entity
	for _, k := range p.keys() {
		if ent := p.entities[k]; ent.kind == kind {
			some = append(some, ent)
		}
	}
	if len(some) == 0 {
		return nil
	}
	return some[p.rnd.Intn(len(some))]
}

// keys lists the live entities in a stable order, so a seed replays.
func (p *property) keys() []string {
	keys := make([]string, 0, len(p.entities))
	for k := range p.entities {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// move places a device in another store (or in none) through the device
// service, which announces it with a "device" change only the device sees.
func (p *property) move(id string) {
	choices := []string{""}
	for _, s := range p.stores {
		if s != p.storeOf[id] {
			choices = append(choices, s)
		}
	}
	if p.storeOf[id] == "" {
		choices = choices[1:]
	}
	to := choices[p.rnd.Intn(len(choices))]
	patch := device.DevicePatch{Store: device.NoStore()}
	if to != "" {
		patch.Store = device.PlaceIn(to)
	}
	if _, err := p.e.devices.Update(p.e.company, id, patch); err != nil {
		p.t.Fatal(err)
	}
	p.storeOf[id] = to
	p.count["move"]++
	p.did("move %s to store %s", short(id), short(to))
}

// restart stops fleet and the broker and starts them again, on a new port;
// the terminals that were online come back.
func (p *property) restart() {
	var back []*till
	for _, tl := range p.tills {
		if tl.isOnline() {
			back = append(back, tl)
		}
	}
	p.e.stop()
	p.e.start()
	p.count["restart"]++
	p.did("restart")
	for _, tl := range back {
		tl.connect()
	}
}

func (p *property) head() int64 {
	head, err := p.e.changes.Head(context.Background(), p.company)
	if err != nil {
		p.t.Fatal(err)
	}
	return head
}

func (p *property) did(format string, args ...any) {
	p.ops = append(p.ops, fmt.Sprintf("%s → head %d", fmt.Sprintf(format, args...), p.head()))
}

// settle ends a round: every terminal comes online, and either a change
// every terminal sees goes out or each terminal is asked to load; once all
// are at the head with no sync in flight, each must hold exactly its view.
func (p *property) settle(round int) {
	for _, tl := range p.tills {
		if !tl.isOnline() {
			p.did("reconnect %s at %d", short(tl.id), tl.revNow())
			tl.connect()
		}
	}
	if p.rnd.Intn(2) == 0 {
		p.serial++
		err := p.e.db.InTx(context.Background(), func(ctx context.Context) error {
			_, err := p.e.changes.Append(ctx, p.company, changelog.Entry{Kind: "marker", Entity: "round", Op: protocol.OpUpsert,
				Body: map[string]any{"id": "round", "round": round}, Scope: changelog.Company()})
			return err
		})
		if err != nil {
			p.t.Fatal(err)
		}
		p.did("end of round %d: a change for every terminal", round)
	} else {
		for _, tl := range p.tills {
			tl.load()
		}
		p.did("end of round %d: every terminal loads", round)
	}
	p.quiesce(round)
	for _, tl := range p.tills {
		p.check(round, tl)
	}
	if p.t.Failed() {
		p.t.FailNow()
	}
}

// quiesce waits until every terminal is at the head, with no sync in
// flight or wanted, for a while.
//
// A terminal that sees nothing of the last changes is not pushed them: it
// stays behind until fleet's idle advance (30 s) or its next sync. Such a
// terminal, idle and behind only by what it cannot see, is made to load.
func (p *property) quiesce(round int) {
	deadline := time.Now().Add(15 * time.Second)
	var since time.Time
	behind := map[*till]time.Time{}
	for {
		head, quiet := p.head(), true
		for _, tl := range p.tills {
			tl.tick()
			if tl.quiet(head) {
				delete(behind, tl)
				continue
			}
			quiet = false
			rev, idle := tl.idle()
			switch {
			case !idle || rev >= head:
				delete(behind, tl)
			case behind[tl].IsZero():
				behind[tl] = time.Now()
			case time.Since(behind[tl]) > 300*time.Millisecond && p.unseen(tl, rev, head):
				p.did("load on %s at %d: it sees nothing up to %d", short(tl.id), rev, head)
				tl.load()
				delete(behind, tl)
			}
		}
		switch {
		case !quiet:
			since = time.Time{}
		case since.IsZero():
			since = time.Now()
		case time.Since(since) > 150*time.Millisecond:
			return
		}
		if time.Now().After(deadline) {
			p.report()
			var states []string
			for _, tl := range p.tills {
				states = append(states, tl.state())
			}
			p.t.Fatalf("round %d: not quiet within 15 s at head %d:\n%s", round, head, strings.Join(states, "\n"))
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// unseen reports whether a terminal can see nothing of the changes after rev.
func (p *property) unseen(tl *till, rev, head int64) bool {
	rows, err := p.e.changes.Range(context.Background(), p.company, rev, head, 1<<20)
	if err != nil {
		p.t.Fatal(err)
	}
	return len(changelog.Compact(rows, changelog.View{DeviceID: tl.id, StoreID: p.storeOf[tl.id]})) == 0
}

// check compares what a terminal holds with its view.
func (p *property) check(round int, tl *till) {
	ctx := context.Background()
	loc, err := p.e.devices.Locate(ctx, tl.id)
	if err != nil {
		p.t.Fatal(err)
	}
	if loc.StoreID != p.storeOf[tl.id] {
		p.t.Fatalf("device %s is in store %q, the test placed it in %q", tl.id, loc.StoreID, p.storeOf[tl.id])
	}
	v := changelog.View{DeviceID: tl.id, StoreID: loc.StoreID}
	want := p.e.view(v)
	p.checkModel(v, want)
	got := tl.held()
	if diff := diffViews(got, want); diff != "" {
		p.report()
		p.t.Errorf("round %d: %s holds other than its view (store %s):\n%s\n%s", round, short(tl.id), short(loc.StoreID), diff, tl.state())
	}
	for _, problem := range tl.problemsNow() {
		p.t.Errorf("%s: %s", short(tl.id), problem)
	}
}

// checkModel checks the snapshot against what the test wrote, the devices
// aside: a terminal equal to a wrong snapshot would prove nothing.
func (p *property) checkModel(v changelog.View, snap map[string]string) {
	model := map[string]string{}
	for k, ent := range p.entities {
		if ent.scope.Includes(v) {
			model[k] = canonical(p.t, mustJSON(p.t, ent.body))
		}
	}
	for k, body := range snap {
		if strings.HasPrefix(k, "device/") || strings.HasPrefix(k, "marker/") {
			continue
		}
		if model[k] != body {
			p.t.Fatalf("the snapshot for %s has %s=%s, the test wrote %q", short(v.DeviceID), k, body, model[k])
		}
		delete(model, k)
	}
	for k := range model {
		p.t.Fatalf("the snapshot for %s lacks %s", short(v.DeviceID), k)
	}
	if _, ok := snap[protocol.KindDevice+"/"+v.DeviceID]; !ok {
		p.t.Fatalf("the snapshot for %s lacks the device itself", short(v.DeviceID))
	}
}

// report logs the operations of the run.
func (p *property) report() {
	p.t.Logf("operations:\n  %s", strings.Join(p.ops, "\n  "))
}

// view is what a device must hold: the snapshot for v, paged to its end.
func (e *env) view(v changelog.View) map[string]string {
	out := map[string]string{}
	cursor := ""
	for {
		page, err := e.changes.Snapshot(context.Background(), e.companyID(), v, cursor, 500)
		if err != nil {
			e.t.Fatal(err)
		}
		for _, it := range page.Items {
			out[it.Kind+"/"+it.Entity] = canonical(e.t, it.Body)
		}
		if page.Next == "" {
			return out
		}
		cursor = page.Next
	}
}

func diffViews(got, want map[string]string) string {
	var lines []string
	for k, w := range want {
		if g, ok := got[k]; !ok {
			lines = append(lines, "  missing "+k)
		} else if g != w {
			lines = append(lines, "  "+k+": holds "+g+", want "+w)
		}
	}
	for k := range got {
		if _, ok := want[k]; !ok {
			lines = append(lines, "  extra "+k)
		}
	}
	slices.Sort(lines)
	return strings.Join(lines, "\n")
}

// canonical re-encodes JSON, so bodies compare whatever the database did
// to their spacing.
func canonical(t testing.TB, raw []byte) string {
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatalf("a body is not JSON: %v: %s", err, raw)
	}
	return string(mustJSON(t, v))
}

func mustJSON(t testing.TB, v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func short(id string) string {
	if len(id) > 8 {
		return "…" + id[len(id)-6:]
	}
	if id == "" {
		return "none"
	}
	return id
}

// till is a terminal that behaves as the agent does (agent/worker*.go):
// one connection at a time; every downlink message handled in order on
// paho's goroutine by the rules of DESIGN §5 — a push applied when
// from ≤ rev < to, ignored when to ≤ rev or while a sync is in flight,
// answered with a sync when from > rev; sync pages staged and committed at
// the last; a sync on every (re)connect, on the cloud's command (a full one
// on "reset") and when the user loads; an ack after every apply.
type till struct {
	e          *env
	id, secret string
	// A light till (the reset storm) keeps no entities: it counts the
	// goods of a full sync in a bitset and notes whether it saw itself.
	light bool
	// agent is the version the till says hello with.
	agent string

	mu        sync.Mutex
	client    paho.Client
	gen       int // the connection's number: a closed one's late messages are ignored
	online    bool
	rev       int64
	entities  map[string]string // kind/id → canonical body
	goods     int               // light: the goods held
	self      bool              // light: holds its own device
	sync      *tillSync         // the sync in flight
	pending   bool              // a sync is wanted
	wantReset bool              // ... and a full one
	notBefore time.Time         // no sync before this, after a refused one
	syncs     int
	changed   chan struct{}       // closed at every change of rev or sync
	appliedAt map[int64]time.Time // when each revision was reached, if not nil
	log       []string            // the last messages, for a failure's report
	problems  []string            // what the agent would log as errors
	st        tillStats
}

type tillStats struct{ syncs, resets, pushes, skips, ignored, pages int }

// tillSync is the sync in flight.
type tillSync struct {
	id       string
	since    int64
	reset    *bool // what the first page said
	staged   []protocol.Item
	deadline time.Time
	bits     []uint64 // light: the goods staged
	n        int      // light: how many
	self     bool     // light: the device itself was staged
}

// pageTimeout gives up a sync whose next page does not come (the agent
// waits 30 s); here it means a message was lost, which is a failure.
const pageTimeout = 5 * time.Second

func newTill(e *env, id, secret string, light bool) *till {
	tl := &till{e: e, id: id, secret: secret, light: light, agent: "property", entities: map[string]string{}, changed: make(chan struct{})}
	e.t.Cleanup(func() { tl.drop() })
	return tl
}

// connect opens a new connection, as the agent does on every (re)connect:
// subscribe to the downlink, then hello with the revision held and a sync.
func (tl *till) connect() {
	tl.e.t.Helper()
	if err := tl.dial(); err != nil {
		tl.e.t.Fatal(err)
	}
}

// dial is connect for any goroutine: it returns what went wrong.
func (tl *till) dial() error {
	tl.mu.Lock()
	tl.gen++
	gen, old := tl.gen, tl.client
	tl.online, tl.client = false, nil
	tl.lostSyncLocked()
	tl.mu.Unlock()
	if old != nil {
		old.Disconnect(0)
		tl.gone()
	}
	opts := paho.NewClientOptions().AddBroker(tl.e.url).SetClientID(tl.id).SetUsername(tl.id).SetPassword(tl.secret).
		SetCleanSession(true).SetProtocolVersion(4).SetAutoReconnect(false).SetConnectRetry(false).
		SetOrderMatters(true).SetConnectTimeout(10 * time.Second).SetWriteTimeout(10 * time.Second).
		SetConnectionLostHandler(func(paho.Client, error) { tl.lost(gen) })
	c := paho.NewClient(opts)
	if tok := c.Connect(); !tok.WaitTimeout(10*time.Second) || tok.Error() != nil {
		return fmt.Errorf("connect %s: %v", tl.id, tok.Error())
	}
	tok := c.Subscribe(protocol.DeviceTopic(tl.id, protocol.LeafDown), 1, tl.handler(gen))
	if !tok.WaitTimeout(10*time.Second) || tok.Error() != nil {
		c.Disconnect(0)
		return fmt.Errorf("subscribe %s: %v", tl.id, tok.Error())
	}
	tl.mu.Lock()
	defer tl.mu.Unlock()
	if tl.gen != gen {
		c.Disconnect(0)
		return nil
	}
	tl.client, tl.online = c, true
	tl.up(&protocol.Hello{Header: protocol.Header{ID: "hello"}, Rev: tl.rev, Agent: tl.agent})
	tl.notBefore = time.Time{}
	tl.want(false)
	tl.notify()
	return nil
}

// disconnect closes the connection, as when the till loses its network,
// and waits until the broker has let go of it.
func (tl *till) disconnect() {
	if tl.drop() {
		tl.gone()
	}
}

// drop closes the connection without waiting; it reports whether there was one.
func (tl *till) drop() bool {
	tl.mu.Lock()
	tl.gen++
	c := tl.client
	tl.online, tl.client = false, nil
	tl.lostSyncLocked()
	tl.notify()
	tl.mu.Unlock()
	if c != nil {
		c.Disconnect(0)
	}
	return c != nil
}

// gone waits until the broker has forgotten the till's last connection.
// When a clean session ends, mochi (attachClient) unsubscribes its filters
// and deletes the client by client ID, after the connection closed: a new
// connection of the same ID that subscribed in between loses its
// subscription and hears nothing more (mochi-mqtt/server#173). A real till
// reconnects after a backoff; this one waits for the old connection to go.
func (tl *till) gone() {
	b := tl.e.broker
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(time.Millisecond) {
		if _, ok := b.Server().Clients.Get(tl.id); !ok {
			return
		}
	}
	tl.e.t.Errorf("the broker still holds %s's connection 5 s after it closed", tl.id)
}

// lost is paho telling that connection gen broke (the broker went away).
func (tl *till) lost(gen int) {
	tl.mu.Lock()
	defer tl.mu.Unlock()
	if gen == tl.gen {
		tl.online = false
		tl.lostSyncLocked()
		tl.notify()
	}
}

// lostSyncLocked drops the sync in flight with its connection: the cloud
// answers on the connection it was asked on. The next connection syncs.
func (tl *till) lostSyncLocked() {
	if tl.sync != nil {
		tl.sync = nil
		tl.pending = true
	}
}

// load is the user's Sync → Load.
func (tl *till) load() {
	tl.mu.Lock()
	defer tl.mu.Unlock()
	tl.want(false)
}

// tick gives up a sync whose pages stopped coming, and starts a sync
// deferred after a refusal.
func (tl *till) tick() {
	tl.mu.Lock()
	defer tl.mu.Unlock()
	if s := tl.sync; s != nil && time.Now().After(s.deadline) {
		tl.problem("sync %s since %d: no page within %v", s.id, s.since, pageTimeout)
		tl.sync, tl.pending = nil, true
	}
	tl.startIfDue()
}

func (tl *till) handler(gen int) paho.MessageHandler {
	return func(_ paho.Client, m paho.Message) {
		msg, err := protocol.DecodeDown(m.Payload())
		tl.mu.Lock()
		defer tl.mu.Unlock()
		if gen != tl.gen {
			return
		}
		if err != nil {
			tl.problem("the cloud sent what its own decoder refuses: %v", err)
			return
		}
		tl.receive(msg)
		tl.notify()
	}
}

// receive handles one downlink message; the caller holds mu.
func (tl *till) receive(msg protocol.Message) {
	switch m := msg.(type) {
	case *protocol.Changes:
		switch {
		case tl.sync != nil:
			tl.note("changes %d→%d (%d items): ignored, a sync is in flight", m.From, m.To, len(m.Items))
			tl.st.ignored++
		case m.To <= tl.rev:
			tl.note("changes %d→%d (%d items): held already at %d", m.From, m.To, len(m.Items), tl.rev)
		case m.From > tl.rev:
			tl.note("changes %d→%d (%d items): skips revisions from %d, syncing", m.From, m.To, len(m.Items), tl.rev)
			tl.st.skips++
			tl.want(false)
		default:
			tl.note("changes %d→%d (%d items): applied at %d", m.From, m.To, len(m.Items), tl.rev)
			if tl.light {
				tl.problem("a push to a light till: %d→%d", m.From, m.To)
			}
			tl.put(m.Items)
			tl.reach(m.To)
			tl.st.pushes++
			tl.ack()
		}
	case *protocol.SyncReply:
		tl.page(m)
	case *protocol.Command:
		tl.note("command %s", m.Name)
		switch m.Name {
		case "sync":
			tl.want(false)
		case "reset":
			tl.want(true)
		default:
			tl.problem("unknown command %q", m.Name)
		}
	case *protocol.Error:
		tl.note("error %s@%s: %s", m.Code, m.ID, m.Message)
		tl.problem("refused: %s@%s: %s", m.Code, m.ID, m.Message)
		if tl.sync != nil && m.ID == tl.sync.id {
			tl.sync, tl.pending, tl.notBefore = nil, true, time.Now().Add(100*time.Millisecond)
		}
	default:
		tl.problem("unexpected %T", m)
	}
}

// want asks for a sync; a full one abandons the sync in flight.
func (tl *till) want(reset bool) {
	tl.pending = true
	tl.wantReset = tl.wantReset || reset
	if reset && tl.sync != nil {
		tl.note("sync %s abandoned for a reset", tl.sync.id)
		tl.sync = nil
	}
	tl.startIfDue()
}

func (tl *till) startIfDue() {
	if !tl.pending || tl.sync != nil || !tl.online || time.Now().Before(tl.notBefore) {
		return
	}
	since := tl.rev
	if tl.wantReset {
		since = 0
	}
	tl.pending, tl.wantReset = false, false
	tl.syncs++
	tl.st.syncs++
	tl.sync = &tillSync{id: fmt.Sprintf("s%d", tl.syncs), since: since, deadline: time.Now().Add(pageTimeout)}
	if tl.light {
		tl.sync.bits = make([]uint64, (stormGoods+63)/64)
	}
	tl.note("→ sync %s since %d", tl.sync.id, since)
	tl.up(&protocol.Sync{Header: protocol.Header{ID: tl.sync.id}, Since: since})
}

// page stages a page of the sync in flight and asks for the next, or
// commits after the last.
func (tl *till) page(p *protocol.SyncReply) {
	s := tl.sync
	if s == nil || p.ID != s.id {
		tl.note("page of sync %s ignored (%d items)", p.ID, len(p.Items))
		return
	}
	tl.st.pages++
	switch {
	case !p.Reset && p.To < s.since:
		tl.problem("sync %s since %d: a page ends at %d", s.id, s.since, p.To)
		tl.sync, tl.pending = nil, true
		return
	case s.reset != nil && *s.reset != p.Reset:
		tl.problem("sync %s: reset=%v after a page with reset=%v", s.id, p.Reset, *s.reset)
		tl.sync, tl.pending = nil, true
		return
	}
	s.reset = &p.Reset
	if tl.light {
		tl.stageLight(s, p)
	} else {
		s.staged = append(s.staged, p.Items...)
	}
	if p.Next != "" {
		s.deadline = time.Now().Add(pageTimeout)
		tl.up(&protocol.Sync{Header: protocol.Header{ID: s.id}, Since: s.since, Cursor: p.Next})
		return
	}
	tl.note("sync %s since %d → %d committed (reset %v, %d items)", s.id, s.since, p.To, p.Reset, len(s.staged)+s.n)
	if p.Reset {
		tl.st.resets++
		tl.entities = map[string]string{}
		if tl.light {
			tl.goods, tl.self = s.n, s.self
		}
	} else if tl.light && (s.n > 0 || s.self) {
		tl.problem("a light till got items in a sync that is not a reset")
	}
	tl.put(s.staged)
	tl.sync = nil
	tl.reach(p.To)
	tl.ack()
	tl.startIfDue()
}

// stageLight counts a page of goods without keeping them: each goods ID
// carries its number (see stormID), and a bitset finds repeats.
func (tl *till) stageLight(s *tillSync, p *protocol.SyncReply) {
	for _, it := range p.Items {
		switch {
		case it.Op != protocol.OpUpsert:
			tl.problem("a %s in a snapshot", it.Op)
		case it.Kind == protocol.KindDevice && it.ID == tl.id:
			s.self = true
		case it.Kind == "goods":
			n, err := strconv.Atoi(strings.TrimPrefix(it.ID, stormIDPrefix))
			if err != nil || n < 0 || n >= stormGoods {
				tl.problem("a goods not of the catalog: %s", it.ID)
				continue
			}
			if s.bits[n/64]&(1<<(n%64)) != 0 {
				tl.problem("goods %d sent twice in one sync", n)
			}
			s.bits[n/64] |= 1 << (n % 64)
			s.n++
		default:
			tl.problem("an item not of the catalog: %s/%s", it.Kind, it.ID)
		}
	}
}

func (tl *till) put(items []protocol.Item) {
	for _, it := range items {
		key := it.Kind + "/" + it.ID
		if it.Op == protocol.OpDelete {
			delete(tl.entities, key)
		} else {
			tl.entities[key] = canonical(tl.e.t, it.Body)
		}
	}
}

func (tl *till) reach(rev int64) {
	tl.rev = rev
	if tl.appliedAt != nil {
		tl.appliedAt[rev] = time.Now()
	}
}

func (tl *till) ack() { tl.up(&protocol.Ack{Header: protocol.Header{ID: "ack"}, Rev: tl.rev}) }

// up sends to the cloud without waiting, as the agent's sender does: the
// handler that calls it is what drains the downlink.
func (tl *till) up(m protocol.Message) {
	if !tl.online {
		return
	}
	data, err := protocol.Encode(m)
	if err != nil {
		tl.problem("encode %T: %v", m, err)
		return
	}
	tl.client.Publish(protocol.DeviceTopic(tl.id, protocol.LeafUp), 1, false, data)
}

func (tl *till) notify() {
	close(tl.changed)
	tl.changed = make(chan struct{})
}

func (tl *till) note(format string, args ...any) {
	if tl.light {
		return
	}
	tl.log = append(tl.log, fmt.Sprintf(format, args...))
	if len(tl.log) > 60 {
		tl.log = tl.log[len(tl.log)-40:]
	}
}

func (tl *till) problem(format string, args ...any) {
	if len(tl.problems) < 20 {
		tl.problems = append(tl.problems, fmt.Sprintf(format, args...))
	}
}

// quiet reports whether the till is online at head with no sync in
// flight or wanted.
func (tl *till) quiet(head int64) bool {
	tl.mu.Lock()
	defer tl.mu.Unlock()
	return tl.online && tl.sync == nil && !tl.pending && tl.rev == head
}

// waitFor waits until cond holds (checked under mu) or the time is out.
// idle returns the till's revision and whether it is online with no sync
// in flight or wanted.
func (tl *till) idle() (int64, bool) {
	tl.mu.Lock()
	defer tl.mu.Unlock()
	return tl.rev, tl.online && tl.sync == nil && !tl.pending
}

func (tl *till) waitFor(within time.Duration, cond func() bool) bool {
	timeout := time.After(within)
	for {
		tl.mu.Lock()
		ok, changed := cond(), tl.changed
		tl.mu.Unlock()
		if ok {
			return true
		}
		select {
		case <-changed:
		case <-timeout:
			return false
		}
	}
}

func (tl *till) isOnline() bool {
	tl.mu.Lock()
	defer tl.mu.Unlock()
	return tl.online
}

func (tl *till) revNow() int64 {
	tl.mu.Lock()
	defer tl.mu.Unlock()
	return tl.rev
}

func (tl *till) statsNow() tillStats {
	tl.mu.Lock()
	defer tl.mu.Unlock()
	return tl.st
}

func (tl *till) held() map[string]string {
	tl.mu.Lock()
	defer tl.mu.Unlock()
	out := make(map[string]string, len(tl.entities))
	for k, v := range tl.entities {
		out[k] = v
	}
	return out
}

func (tl *till) problemsNow() []string {
	tl.mu.Lock()
	defer tl.mu.Unlock()
	return slices.Clone(tl.problems)
}

// state describes the till for a failure's report.
func (tl *till) state() string {
	tl.mu.Lock()
	defer tl.mu.Unlock()
	sync := "none"
	if tl.sync != nil {
		sync = fmt.Sprintf("%s since %d", tl.sync.id, tl.sync.since)
	}
	return fmt.Sprintf("till %s: online %v, rev %d, sync %s, wanted %v; last messages:\n    %s",
		short(tl.id), tl.online, tl.rev, sync, tl.pending, strings.Join(tl.log, "\n    "))
}

// TestSyncStoreMoves pins the store moves the property test found wrong:
// a till must end up holding exactly the view of the store it is in now.
func TestSyncStoreMoves(t *testing.T) {
	setUp := func(t *testing.T) (*env, *till, map[string]string) {
		e := newEnv(t, withRate(10_000))
		id, secret := e.enroll("Касса")
		tl := newTill(e, id, secret, false)
		discounts := map[string]string{} // store → its discount
		for _, name := range []string{"A", "B", "C"} {
			store := mypos.NewID()
			discounts[name] = store
			e.write(e.companyID(), "discount", changelog.Store(store), "discount-"+name)
		}
		place(t, e, id, discounts["A"])
		tl.connect()
		synced(t, e, tl)
		return e, tl, discounts
	}

	// The till is offline when it is moved; it comes back with hello{rev}
	// and sync{since: rev}. The log after rev holds the move but not the
	// discount of its new store, written before.
	t.Run("WhileOffline", func(t *testing.T) {
		e, tl, stores := setUp(t)
		tl.disconnect()
		place(t, e, tl.id, stores["B"])
		tl.connect()
		synced(t, e, tl)
		holdsView(t, e, tl, stores["B"])
	})

	// Two moves commit before the till's reset: its sync must read the
	// store it is in at the end, not the one of the first move.
	t.Run("TwiceBeforeTheReset", func(t *testing.T) {
		e, tl, stores := setUp(t)
		err := e.db.InTx(e.company, func(ctx context.Context) error {
			for _, s := range []string{stores["B"], stores["C"]} {
				if _, err := e.devices.Update(ctx, tl.id, device.DevicePatch{Store: device.PlaceIn(s)}); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		synced(t, e, tl)
		holdsView(t, e, tl, stores["C"])
	})

	// The till comes back right after its move, while the follower has not
	// yet heard of the move's commit (it sleeps coalescing another
	// company's): its cached head is the till's revision, so the sync is
	// answered from memory, and the hello has already read the new store.
	t.Run("BackBeforeTheFollowerHears", func(t *testing.T) {
		e, tl, stores := setUp(t)
		other := mypos.NewID()
		to := []string{stores["B"], stores["A"]}
		for i := range 10 {
			tl.disconnect()
			e.write(other, "goods", changelog.Company(), fmt.Sprintf("wake-%d", i)) // the follower sleeps 15 ms
			place(t, e, tl.id, to[i%2])
			tl.connect()
			synced(t, e, tl)
			holdsView(t, e, tl, to[i%2])
		}
	})
}

func place(t *testing.T, e *env, id, store string) {
	t.Helper()
	if _, err := e.devices.Update(e.company, id, device.DevicePatch{Store: device.PlaceIn(store)}); err != nil {
		t.Fatal(err)
	}
}

// synced waits until the till is at the head with no sync in flight.
func synced(t *testing.T, e *env, tl *till) {
	t.Helper()
	head := func() int64 { h, _ := e.changes.Head(context.Background(), e.companyID()); return h }
	if !tl.waitFor(5*time.Second, func() bool { return tl.online && tl.sync == nil && !tl.pending && tl.rev == head() }) {
		t.Fatalf("not synced to the head %d within 5 s:\n%s", head(), tl.state())
	}
	time.Sleep(100 * time.Millisecond) // a reset on its way would land now
	if !tl.waitFor(5*time.Second, func() bool { return tl.online && tl.sync == nil && !tl.pending && tl.rev == head() }) {
		t.Fatalf("not synced to the head %d within 5 s:\n%s", head(), tl.state())
	}
}

// holdsView requires the till to hold exactly its view in store.
func holdsView(t *testing.T, e *env, tl *till, store string) {
	t.Helper()
	if diff := diffViews(tl.held(), e.view(changelog.View{DeviceID: tl.id, StoreID: store})); diff != "" {
		t.Fatalf("the till holds other than its view:\n%s\n%s", diff, tl.state())
	}
	for _, p := range tl.problemsNow() {
		t.Error(p)
	}
}
