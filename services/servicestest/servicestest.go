// Package servicestest gives tests the cloud's services, wired by
// services.New over a fresh test database, and fleet running on them.
package servicestest

import (
	"context"
	"net"
	"testing"

	"golang.org/x/crypto/bcrypt"

	"mypos/broker"
	"mypos/db"
	"mypos/db/dbtest"
	"mypos/fleet"
	"mypos/services"
)

// Open returns the services over a fresh database (see dbtest) migrated
// with services.Schemas, tuned by cfg as On tunes them.
func Open(tb testing.TB, cfg services.Config) *services.Set {
	tb.Helper()
	return On(tb, dbtest.Open(tb, services.Schemas...), cfg)
}

// On returns the services over a database the test migrated itself (an
// upgrade test stops a schema short), tuned by cfg; a zero HashCost is
// bcrypt's least, as tests hash. They stop when the test ends, after what
// the test started on them.
func On(tb testing.TB, database *db.DB, cfg services.Config) *services.Set {
	tb.Helper()
	if cfg.HashCost == 0 {
		cfg.HashCost = bcrypt.MinCost
	}
	svc := services.New(database, cfg)
	tb.Cleanup(svc.Close)
	return svc
}

// Serve starts fleet over svc, tuned by cfg, and the embedded broker on a
// loopback port, in a server process's order: prepare (nil for none) runs
// before fleet starts. It returns them and the broker's URL; the caller
// stops them, the broker first.
func Serve(tb testing.TB, svc *services.Set, cfg fleet.Config, prepare func(*fleet.Fleet)) (*fleet.Fleet, *broker.Broker, string) {
	tb.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	f, err := svc.NewFleet(cfg)
	if err != nil {
		tb.Fatal(err)
	}
	if prepare != nil {
		prepare(f)
	}
	b, err := broker.New(broker.Config{TCP: ln, Events: f}, svc.Devices)
	if err != nil {
		tb.Fatal(err)
	}
	if err := f.Start(context.Background(), b); err != nil {
		tb.Fatal(err)
	}
	if err := b.Start(); err != nil {
		tb.Fatal(err)
	}
	return f, b, "tcp://" + ln.Addr().String()
}

// Live is fleet running over svc, as Serve starts it, for tests that need
// it running and no terminal on it; it stops when the test ends.
func Live(tb testing.TB, svc *services.Set) *fleet.Fleet {
	tb.Helper()
	f, b, _ := Serve(tb, svc, fleet.Config{Node: "test"}, nil)
	tb.Cleanup(func() { b.Close(); f.Close() })
	return f
}
