package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"time"

	"mypos/agent"
)

// simTill is one simulated till: a real agent with its own data directory
// (DIR/till-NNN), and what it did in the run.
type simTill struct {
	name, dir, deviceID string // deviceID is "" until enrolled
	api                 *agent.APIClient

	sold      map[string]int64 // receipt ID → total, as the till priced it
	latencies []time.Duration  // of each POST /v1/receipts
	rejected  int              // the till's rejected receipts before the run
	soldAt    time.Time        // when its last sale was answered
	ackedAt   time.Time        // when its queue was seen empty
	listed    int              // of the sold receipts, how many the cloud lists
	err       error            // what stopped it, if anything
}

// openTills names the simulation's tills and reads the identity of each
// one an earlier run enrolled, so that a run reuses them.
func openTills(o simOptions) ([]*simTill, error) {
	tills := make([]*simTill, o.tills)
	for i := range tills {
		name := fmt.Sprintf("till-%03d", i+1)
		t := &simTill{name: name, dir: filepath.Join(o.data, name)}
		id, err := agent.LoadIdentity(t.dir)
		switch {
		case err == nil:
			t.deviceID = id.DeviceID
		case !errors.Is(err, agent.ErrNotEnrolled):
			return nil, err
		}
		tills[i] = t
	}
	return tills, nil
}

// checkKnown makes sure a reused till is still a device of the company:
// one enrolled with another cloud or company, or deleted since, can never
// connect.
func (t *simTill) checkKnown(ctx context.Context, c *cloud) error {
	err := c.do(ctx, http.MethodGet, "/devices/"+t.deviceID, nil, nil)
	var refusal *cloudError
	if errors.As(err, &refusal) && refusal.Status == http.StatusNotFound {
		return fmt.Errorf("%s is device %s, which the company of --token does not have: give sim an empty --data", t.dir, t.deviceID)
	}
	return err
}

// enroll adds the till to the store as a device and enrolls it, as a
// till's installer would. The cloud limits enrollments per address: the
// agent waits out a refusal, within budget.
func (t *simTill) enroll(ctx context.Context, c *cloud, storeID string, log io.Writer) error {
	var dev struct {
		ID   string `json:"id"`
		Code string `json:"enrollment_code"`
	}
	if err := c.do(ctx, http.MethodPost, "/devices", map[string]string{"name": "sim " + t.name, "store_id": storeID}, &dev); err != nil {
		return err
	}
	id, err := agent.Enroll(ctx, agent.EnrollConfig{
		Server: c.server, Code: dev.Code, DataDir: t.dir, HTTPClient: c.http,
		Logger: newLogger(log).With("till", t.name), Budget: 3 * time.Minute,
	})
	if err != nil {
		return fmt.Errorf("enroll %s: %w", t.name, err)
	}
	t.deviceID = id.DeviceID
	return nil
}
