package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"mypos/agent"
)

// How long the tills may take to start, and to show their license and
// cashier once connected (a first sync of the whole fleet).
const (
	simStartWait = 30 * time.Second
	simReadyWait = 2 * time.Minute
)

// runTills runs every till's agent in this process — its own local database, MQTT
// connection and local API on a port of its own — until stop is called,
// which ends them all and waits. Agents log warnings and errors only,
// each line naming its till. broker, when set, replaces the enrolled
// broker's URL: offlineBroker cuts the tills off, and they log errors only.
func runTills(ctx context.Context, tills []*simTill, o simOptions, broker string, client *http.Client, stderr io.Writer) (stop func(), err error) {
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	stop = func() { cancel(); wg.Wait() }
	level := slog.LevelWarn
	if broker != "" {
		level = slog.LevelError // every refused connection would be a warning
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))
	starts := make([]chan string, len(tills))
	failed := make(chan error, len(tills))
	for i, t := range tills {
		starts[i] = make(chan string, 1)
		cfg := agent.RunConfig{
			DataDir: t.dir, CAFile: o.ca, Version: version, Listen: "127.0.0.1:0", Broker: broker,
			Logger: log.With("till", t.name), APIReady: func(addr string) { starts[i] <- addr },
		}
		wg.Go(func() {
			if err := agent.Run(ctx, cfg); err != nil {
				failed <- fmt.Errorf("%s: %w", t.name, err)
			}
		})
	}
	for i, t := range tills {
		if err := t.connect(ctx, starts[i], failed, client); err != nil {
			stop()
			return nil, err
		}
	}
	return stop, nil
}

// connect waits until the till's agent serves its local API, and makes a
// client of it that shares the simulation's connections.
func (t *simTill) connect(ctx context.Context, started <-chan string, failed <-chan error, client *http.Client) error {
	select {
	case addr := <-started:
		api, err := agent.NewAPIClient(t.dir, addr)
		if err != nil {
			return err
		}
		api.HTTP, t.api = client, api
		return nil
	case err := <-failed:
		return err
	case <-ctx.Done():
		return ctx.Err()
	case <-time.After(simStartWait):
		return fmt.Errorf("%s: its agent did not start within %v", t.name, simStartWait)
	}
}

// waitReady waits until every till holds a license and the cashier — the
// cloud's set-up has reached it — and notes how many receipts each had
// rejected before, so that the run counts only its own.
func waitReady(ctx context.Context, tills []*simTill, cashier string) error {
	ctx, cancel := context.WithTimeout(ctx, simReadyWait)
	defer cancel()
	errs := make(chan error, len(tills))
	for _, t := range tills {
		go func() { errs <- t.waitReady(ctx, cashier) }()
	}
	var first error
	for range tills {
		if err := <-errs; err != nil && first == nil {
			first = err
			cancel()
		}
	}
	return first
}

func (t *simTill) waitReady(ctx context.Context, cashier string) error {
	for {
		lacks, err := t.lacks(ctx, cashier)
		if err == nil && lacks == "" {
			return nil
		}
		if err != nil {
			lacks = err.Error()
		}
		if !sleep(ctx, 50*time.Millisecond) {
			return fmt.Errorf("%s is not ready after %v: %s", t.name, simReadyWait, lacks)
		}
	}
}

// lacks says what the till still lacks to sell, "" when nothing.
func (t *simTill) lacks(ctx context.Context, cashier string) (string, error) {
	st, err := t.api.Status(ctx)
	switch {
	case err != nil:
		return "", err
	case !st.Online:
		return "not connected to the cloud", nil
	case !hasLicense(st):
		return "no license", nil
	}
	if ok, err := t.hasCashier(ctx, cashier); !ok || err != nil {
		return "the cashier has not arrived", err
	}
	t.rejected = st.Receipts.Rejected
	return "", nil
}

func hasLicense(st *agent.Status) bool {
	return len(st.License) > 0 && !bytes.Equal(st.License, []byte("null"))
}

func (t *simTill) hasCashier(ctx context.Context, id string) (bool, error) {
	items, err := t.api.Cashiers(ctx)
	for _, raw := range items {
		var c struct{ ID string }
		if json.Unmarshal(raw, &c) == nil && c.ID == id {
			return true, nil
		}
	}
	return false, err
}

// sleep waits d, or less when ctx ends first, and says whether it waited d.
func sleep(ctx context.Context, d time.Duration) bool {
	select {
	case <-time.After(d): // collected once it fires or is dropped (Go 1.23)
		return true
	case <-ctx.Done():
		return false
	}
}
