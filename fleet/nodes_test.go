package fleet_test

import (
	"context"
	"testing"
	"time"

	"mypos/changelog"
	"mypos/db"
	"mypos/fleet"
	"mypos/services"
	"mypos/services/servicestest"
)

// node starts another cloud node on e's database, with its own services,
// fleet and broker: commits made through e reach it only through the
// database, as between two processes.
func (e *env) node(name string, tune func(*fleet.Config), prepare func(*fleet.Fleet)) *env {
	e.t.Helper()
	n := withServices(e.t, servicestest.On(e.t, e.db, services.Config{}))
	n.rate, n.company, n.prepare = e.rate, e.company, prepare
	n.tune = func(c *fleet.Config) {
		c.Node = name
		if tune != nil {
			tune(c)
		}
	}
	n.start()
	return n
}

func pollEvery(d time.Duration) func(*fleet.Config) {
	return func(c *fleet.Config) { c.Poll = d }
}

func (e *env) wakes(t *testing.T, by string) float64 {
	return counter(t, e.reg, "mypos_fleet_follower_wakes_total", by)
}

func (e *env) listens(t *testing.T) float64 {
	return counter(t, e.reg, "mypos_fleet_follower_listens_total", "")
}

// tillOn connects a new till to node n and waits until it is synced.
func (e *env) tillOn(t *testing.T, n *env, name string) *till {
	id, secret := e.enroll(name)
	tl := newTill(n, id, secret, false)
	tl.connect()
	synced(t, n, tl)
	return tl
}

// reaches waits until the till holds revision rev.
func reaches(t *testing.T, tl *till, rev int64) {
	t.Helper()
	if !tl.waitFor(5*time.Second, func() bool { return tl.rev >= rev }) {
		t.Fatalf("revision %d did not reach the till within 5 s:\n%s", rev, tl.state())
	}
}

// A write made through node 1 reaches a till connected to node 2 because
// Postgres notified node 2 — its poll is an hour away — also after node
// 2's listening connection was cut and made again.
func TestOtherNodesNotify(t *testing.T) {
	e := newEnv(t, withRate(10_000))
	if e.db.Dialect() != db.Postgres {
		t.Skip("notifications are Postgres's: on SQLite one process serves")
	}
	n2 := e.node("test-2", pollEvery(time.Hour), nil)
	eventually(t, "node 2 listens", func() bool { return n2.listens(t) == 1 })
	tl := e.tillOn(t, n2, "Касса на втором узле")
	company := e.companyID()
	written := func(entity string) {
		t.Helper()
		before := n2.wakes(t, "notify") // the enrollment's commits were notified too
		e.write(company, "cashier", changelog.Devices(tl.id), entity)
		reaches(t, tl, e.headOf(company))
		if got, poll := n2.wakes(t, "notify")-before, n2.wakes(t, "poll"); got < 1 || poll != 0 {
			t.Fatalf("node 2 woken by %v notifications and %v polls, want the notification", got, poll)
		}
	}
	written("first")

	// Both nodes' listening connections are cut: they listen again.
	err := e.db.Conn(context.Background()).Exec(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity
		WHERE datname = current_database() AND query = ?`, `LISTEN "`+schemaOf(t, e)+`.`+changelog.Channel+`"`).Error
	if err != nil {
		t.Fatal(err)
	}
	eventually(t, "node 2 listens again", func() bool { return n2.listens(t) == 2 })
	written("second")
}

// A notification lost — or none at all, on SQLite — delays a write made on
// another node until the poll, which finds it: node 2 has no other way to
// hear of it.
func TestOtherNodesPollCoversLost(t *testing.T) {
	e := newEnv(t, withRate(10_000))
	n2 := e.node("test-2", pollEvery(50*time.Millisecond), fleet.LoseNotifications)
	if e.db.Dialect() == db.Postgres {
		eventually(t, "node 2 listens", func() bool { return n2.listens(t) == 1 })
	}
	tl := e.tillOn(t, n2, "Касса на втором узле")
	company := e.companyID()
	e.write(company, "cashier", changelog.Devices(tl.id), "unheard")
	reaches(t, tl, e.headOf(company))
	if notify, poll := n2.wakes(t, "notify"), n2.wakes(t, "poll"); notify != 0 || poll < 1 {
		t.Fatalf("node 2 woken by %v notifications and %v polls, want none and the poll", notify, poll)
	}
}

func (e *env) headOf(company string) int64 {
	e.t.Helper()
	h, err := e.changes.Head(context.Background(), company)
	if err != nil {
		e.t.Fatal(err)
	}
	return h
}

func schemaOf(t *testing.T, e *env) string {
	var schema string
	if err := e.db.Conn(context.Background()).Raw(`SELECT current_schema()`).Row().Scan(&schema); err != nil {
		t.Fatal(err)
	}
	return schema
}
