package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"sync"
	"time"

	"mypos/agent"
	"mypos/protocol"
)

const (
	// simPoll is how often a till that has sold is asked whether its
	// queue is empty: the upload time is that much too long at most.
	simPoll = 20 * time.Millisecond
	// simStall is how long a queue may stay the same length before the
	// run gives up on it: well past the agent's 10 s resend.
	simStall = time.Minute
)

// simulate runs the tills, has each sell its receipts as fast as its local
// API answers — all tills at once — and wait until the cloud acknowledged
// them, checks that the cloud lists them, and reports. A till's failure
// is in the report; an error means there is no report.
func (f *simFleet) simulate(ctx context.Context, o simOptions, stderr io.Writer) (*simReport, error) {
	client := tillClient()
	defer client.CloseIdleConnections()
	stop, err := runTills(ctx, f.tills, o, "", client, stderr)
	if err != nil {
		return nil, err
	}
	defer func() { stop() }()
	if err := waitReady(ctx, f.tills, f.cashier); err != nil {
		return nil, err
	}
	start := time.Now()
	if !o.offline {
		f.each(func(t *simTill) error { return t.sell(ctx, f, o) })
		return f.report(ctx, o, start, start)
	}
	if err := f.restart(ctx, o, offlineBroker, client, stderr, &stop); err != nil {
		return nil, err
	}
	start = time.Now()
	f.each(func(t *simTill) error { return t.sellAll(ctx, f, o) })
	if err := f.restart(ctx, o, "", client, stderr, &stop); err != nil {
		return nil, err
	}
	back := time.Now()
	f.each(func(t *simTill) error { return t.waitAcked(ctx) })
	return f.report(ctx, o, start, back)
}

// restart stops the tills and runs them again with broker (see runTills),
// replacing *stop; after a failure *stop does nothing.
func (f *simFleet) restart(ctx context.Context, o simOptions, broker string, client *http.Client, stderr io.Writer, stop *func()) error {
	(*stop)()
	next, err := runTills(ctx, f.tills, o, broker, client, stderr)
	if err != nil {
		*stop = func() {}
		return err
	}
	*stop = next
	return nil
}

// offlineBroker is a broker address nothing listens on: `sim --offline`
// sells with the tills cut off from the cloud, as through a week without
// a network, then brings them all back at once.
const offlineBroker = "mqtt://127.0.0.1:1"

// each runs step on every till at once, for the tills that have not
// failed yet, and waits.
func (f *simFleet) each(step func(*simTill) error) {
	var wg sync.WaitGroup
	for _, t := range f.tills {
		if t.err == nil {
			wg.Go(func() { t.err = step(t) })
		}
	}
	wg.Wait()
}

// report checks the cloud lists what every till sold and reports, the
// upload timed from upload.
func (f *simFleet) report(ctx context.Context, o simOptions, sell, upload time.Time) (*simReport, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	f.each(func(t *simTill) error { return t.verify(ctx, f.cloud) })
	return newReport(o, f.tills, sell, upload), ctx.Err()
}

// tillClient is the one client of every till's local API: it keeps a
// connection or two to each open between requests, however many tills.
func tillClient() *http.Client {
	return &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{
		MaxIdleConnsPerHost: 2, IdleConnTimeout: time.Minute,
	}}
}

// sell registers the till's receipts one after another, as its POS front
// would, then waits until the cloud has acknowledged them all.
func (t *simTill) sell(ctx context.Context, f *simFleet, o simOptions) error {
	if err := t.sellAll(ctx, f, o); err != nil {
		return err
	}
	return t.waitAcked(ctx)
}

// sellAll registers the till's receipts one after another.
func (t *simTill) sellAll(ctx context.Context, f *simFleet, o simOptions) error {
	t.sold = make(map[string]int64, o.receipts)
	for n := range o.receipts {
		began := time.Now()
		r, _, err := t.api.Sell(ctx, f.sale(n, o.lines))
		if err != nil {
			return fmt.Errorf("%s: sale %d: %w", t.name, n+1, err)
		}
		t.latencies = append(t.latencies, time.Since(began))
		t.sold[r.Sale.ID] = r.Sale.Total
	}
	t.soldAt = time.Now()
	return nil
}

// sale is the till's n-th sale: lines of the sim goods in turn, one to
// three pieces each, paid in cash and by card in turn.
func (f *simFleet) sale(n, lines int) *agent.SaleRequest {
	req := &agent.SaleRequest{CashierID: f.cashier, Payment: protocol.PaymentCash}
	if n%2 == 1 {
		req.Payment = protocol.PaymentCard
	}
	for i := range lines {
		req.Lines = append(req.Lines, agent.SaleLineRequest{Code: f.codes[i%len(f.codes)], Quantity: int64(1+(n+i)%3) * 1000})
	}
	return req
}

// waitAcked polls the till until its queue is empty. It fails when the
// queue stops shrinking for simStall, or the cloud rejected receipts.
func (t *simTill) waitAcked(ctx context.Context) error {
	last, since := -1, time.Now()
	for {
		st, err := t.api.Status(ctx)
		if err != nil {
			return fmt.Errorf("%s: %w", t.name, err)
		}
		queued := st.Receipts.Queued
		switch {
		case queued == 0:
			t.ackedAt = time.Now()
			if n := st.Receipts.Rejected - t.rejected; n > 0 {
				return fmt.Errorf("%s: the cloud rejected %d receipts (mypos-agent receipts --state rejected --data %s)", t.name, n, t.dir)
			}
			return nil
		case queued != last:
			last, since = queued, time.Now()
		case time.Since(since) > simStall:
			return fmt.Errorf("%s: %d receipts queued, none acknowledged for %v", t.name, queued, simStall)
		}
		if !sleep(ctx, simPoll) {
			return ctx.Err()
		}
	}
}

// verify checks that the cloud lists every receipt the till sold, with
// the till's total. The list is newest first, so an earlier run's
// receipts are read only when some of this run's are missing.
func (t *simTill) verify(ctx context.Context, c *cloud) error {
	type receipt struct {
		ID    string `json:"id"`
		Total int64  `json:"total"`
	}
	listed, wrong := map[string]bool{}, 0
	err := each(ctx, c, "/receipts?device_id="+t.deviceID, func(r receipt) bool {
		if total, ours := t.sold[r.ID]; ours {
			listed[r.ID] = true
			if total != r.Total {
				wrong++
			}
		}
		return len(listed) < len(t.sold)
	})
	t.listed = len(listed)
	switch {
	case err != nil:
		return fmt.Errorf("%s: the cloud's receipts: %w", t.name, err)
	case len(listed) != len(t.sold):
		return fmt.Errorf("%s: the cloud lists %d of the %d receipts it acknowledged", t.name, len(listed), len(t.sold))
	case wrong > 0:
		return fmt.Errorf("%s: the cloud lists %d receipts with another total than the till's", t.name, wrong)
	}
	return nil
}
