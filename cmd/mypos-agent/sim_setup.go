package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
)

// simFleet is what set-up made: the tills, each enrolled, in the store
// and licensed, the goods they sell, and the cashier allowed on them all.
type simFleet struct {
	cloud   *cloud
	tills   []*simTill
	codes   []string // the goods' codes
	cashier string
}

// simGoods are the goods the tills sell; line i of a receipt sells
// simGoods[i % len(simGoods)], so that a receipt mixes VAT rates.
var simGoods = []struct {
	Code  string `json:"code"`
	Name  string `json:"name"`
	Price int64  `json:"price"`
	Unit  string `json:"unit"`
	VAT   string `json:"vat"`
}{
	{"sim-1", "Sim: milk 1 l", 8990, "piece", "10"},
	{"sim-2", "Sim: bread", 4590, "piece", "10"},
	{"sim-3", "Sim: soap", 12990, "piece", "20"},
}

// The names sim finds its store and cashier by on a later run.
const (
	simStore   = "sim"
	simCashier = "sim cashier"
)

// setUp readies the company for the simulation through the cabinet's API,
// reusing what an earlier run with the same --data made: a store, the
// goods, a device per till (enrolled into DIR/till-NNN), a license on
// each, and one cashier allowed on all. Licenses are counted before
// anything is written, so a company short of them fails at once.
func setUp(ctx context.Context, c *cloud, o simOptions, log io.Writer) (*simFleet, error) {
	if err := c.checkCompany(ctx); err != nil {
		return nil, err
	}
	tills, err := openTills(o)
	if err != nil {
		return nil, err
	}
	for _, t := range tills {
		if t.deviceID != "" {
			if err := t.checkKnown(ctx, c); err != nil {
				return nil, err
			}
		}
	}
	lic, err := planLicenses(ctx, c, tills)
	if err != nil {
		return nil, err
	}
	f := &simFleet{cloud: c, tills: tills}
	storeID, err := f.catalog(ctx)
	if err != nil {
		return nil, err
	}
	if err := f.enroll(ctx, storeID, log); err != nil {
		return nil, err
	}
	if err := lic.assign(ctx, c, tills); err != nil {
		return nil, err
	}
	f.cashier, err = allowCashier(ctx, c, tills)
	return f, err
}

// catalog finds or makes the store and the goods, and returns the store.
func (f *simFleet) catalog(ctx context.Context) (string, error) {
	storeID, err := findOrCreate(ctx, f.cloud, "/stores", simStore, func(e entity) bool { return e.Name == simStore },
		map[string]string{"name": simStore})
	if err != nil {
		return "", err
	}
	for _, g := range simGoods {
		if _, err := findOrCreate(ctx, f.cloud, "/goods", g.Code, func(e entity) bool { return e.Code == g.Code }, g); err != nil {
			return "", err
		}
		f.codes = append(f.codes, g.Code)
	}
	return storeID, nil
}

// enroll enrolls the tills an earlier run did not.
func (f *simFleet) enroll(ctx context.Context, storeID string, log io.Writer) error {
	n := 0
	for _, t := range f.tills {
		if t.deviceID == "" {
			n++
		}
	}
	if n > 10 {
		fmt.Fprintf(log, "sim: enrolling %d tills; the cloud limits enrollments from one address (10 a minute by default), so this may take minutes — a later run with this --data reuses them\n", n)
	}
	for _, t := range f.tills {
		if t.deviceID == "" {
			if err := t.enroll(ctx, f.cloud, storeID, log); err != nil {
				return err
			}
		}
	}
	return nil
}

// entity is what sim reads of a listed store, goods or cashier.
type entity struct {
	ID        string   `json:"id"`
	Name      string   `json:"name"`
	Code      string   `json:"code"`
	DeviceIDs []string `json:"device_ids"`
}

// findOrCreate returns the first entity of a list that match accepts,
// searching it by q, or creates one with body.
func findOrCreate(ctx context.Context, c *cloud, path, q string, match func(entity) bool, body any) (string, error) {
	found, err := find(ctx, c, path, q, match)
	switch {
	case err != nil:
		return "", err
	case found != nil:
		return found.ID, nil
	}
	return create(ctx, c, path, body)
}

// create posts a new entity and returns its ID.
func create(ctx context.Context, c *cloud, path string, body any) (string, error) {
	var made entity
	err := c.do(ctx, http.MethodPost, path, body, &made)
	return made.ID, err
}

func find(ctx context.Context, c *cloud, path, q string, match func(entity) bool) (*entity, error) {
	var found *entity
	err := each(ctx, c, path+"?q="+url.QueryEscape(q), func(e entity) bool {
		if match(e) {
			found = &e
		}
		return found == nil
	})
	return found, err
}

// allowCashier finds or makes the cashier and allows it on every till.
func allowCashier(ctx context.Context, c *cloud, tills []*simTill) (string, error) {
	var ids []string
	for _, t := range tills {
		ids = append(ids, t.deviceID)
	}
	found, err := find(ctx, c, "/cashiers", simCashier, func(e entity) bool { return e.Name == simCashier })
	if err != nil {
		return "", err
	}
	if found == nil {
		return create(ctx, c, "/cashiers", map[string]any{"name": simCashier, "pin": "1234", "role": "cashier", "device_ids": ids})
	}
	all := slices.Compact(slices.Sorted(slices.Values(append(found.DeviceIDs, ids...))))
	if len(all) == len(found.DeviceIDs) {
		return found.ID, nil
	}
	return found.ID, c.do(ctx, http.MethodPatch, "/cashiers/"+found.ID, map[string]any{"device_ids": all}, nil)
}
