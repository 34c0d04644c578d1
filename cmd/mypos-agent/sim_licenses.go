package main

import (
	"context"
	"fmt"
	"net/http"
)

// licensePlan is the licenses a simulation needs: which tills lack one,
// and the company's free ones (held, on no device) to put on them.
type licensePlan struct {
	lacking map[string]bool // by till name; a till not yet enrolled lacks one
	free    []string
}

// planLicenses counts what the tills need against what the company has,
// and refuses the run when it is short.
func planLicenses(ctx context.Context, c *cloud, tills []*simTill) (*licensePlan, error) {
	type license struct {
		ID       string  `json:"id"`
		DeviceID *string `json:"device_id"`
	}
	held := map[string]bool{}
	err := each(ctx, c, "/licenses?state=active", func(l license) bool {
		if l.DeviceID != nil {
			held[*l.DeviceID] = true
		}
		return true
	})
	if err != nil {
		return nil, err
	}
	p := &licensePlan{lacking: map[string]bool{}}
	for _, t := range tills {
		if !held[t.deviceID] {
			p.lacking[t.name] = true
		}
	}
	for _, state := range []string{"sealed", "unsealed"} {
		err := each(ctx, c, "/licenses?state="+state, func(l license) bool { p.free = append(p.free, l.ID); return true })
		if err != nil {
			return nil, err
		}
	}
	if len(p.free) < len(p.lacking) {
		return nil, fmt.Errorf("the company is short of licenses: tills without one %d, free licenses %d; ask its partner for %d more",
			len(p.lacking), len(p.free), len(p.lacking)-len(p.free))
	}
	return p, nil
}

// assign puts a free license on each till that lacks one.
func (p *licensePlan) assign(ctx context.Context, c *cloud, tills []*simTill) error {
	free := p.free
	for _, t := range tills {
		if !p.lacking[t.name] {
			continue
		}
		err := c.do(ctx, http.MethodPost, "/devices/"+t.deviceID+"/license", map[string]string{"license_id": free[0]}, nil)
		if err != nil {
			return fmt.Errorf("license for %s: %w", t.name, err)
		}
		free = free[1:]
	}
	return nil
}
