package licensing_test

import (
	"context"
	"errors"
	"sync"
	"testing"

	"mypos"
	"mypos/licensing"
	"mypos/licensing/licensingtest"
)

const racers = 50

// activateAll types one key on every device at once and returns each error.
func activateAll(f *fixture, devices, companies []string, key string) []error {
	errs := make([]error, len(devices))
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range devices {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			_, errs[i] = f.lic.Activate(context.Background(), devices[i], companies[i], key)
		}()
	}
	close(start)
	wg.Wait()
	return errs
}

// One unsealed key typed on 50 terminals of 50 companies at once: one
// company gets it, 49 are refused, and the documents agree with the facts.
func TestActivateRaceAcrossCompanies(t *testing.T) {
	f := newFixture(t)
	p := f.partner(t)
	id, key := f.unsealed(t, p)
	devices, companies := make([]string, racers), make([]string, racers)
	for i := range devices {
		c := f.company(t)
		devices[i], companies[i] = f.device(t, c), idOf(c)
	}
	ok, winner := 0, -1
	for i, err := range activateAll(f, devices, companies, key) {
		switch mypos.ErrorCode(err) {
		case "":
			ok, winner = ok+1, i
		case mypos.ECONFLICT:
		default:
			t.Fatalf("terminal %d: %v", i, err)
		}
	}
	if ok != 1 {
		t.Fatalf("%d activations, want exactly 1", ok)
	}
	l := f.license(t, id)
	if !is(l.CompanyID, companies[winner]) || !is(l.DeviceID, devices[winner]) || l.PartnerID != nil {
		t.Fatalf("license %+v, want on the winner's device %s", l, devices[winner])
	}
	if n := len(history(t, f, id)); n != 3 {
		t.Fatalf("%d documents, want sale, unseal, activate", n)
	}
	licensingtest.Verify(t, f.lic)
}

// One key typed on 50 terminals of one company at once: one activation,
// then a move per other terminal; the license ends on exactly one device.
func TestActivateRaceWithinCompany(t *testing.T) {
	f := newFixture(t)
	p, c := f.partner(t), f.company(t)
	id, key := f.unsealed(t, p)
	devices, companies := make([]string, racers), make([]string, racers)
	for i := range devices {
		devices[i], companies[i] = f.device(t, c), idOf(c)
	}
	for i, err := range activateAll(f, devices, companies, key) {
		if err != nil {
			t.Fatalf("terminal %d: %v", i, err)
		}
	}
	docs := history(t, f, id)
	types := map[string]int{}
	for _, d := range docs {
		types[d.Type]++
	}
	if types[licensing.TypeActivate] != 1 || types[licensing.TypeMove] != racers-1 {
		t.Fatalf("documents by type %v, want 1 activate and %d moves", types, racers-1)
	}
	last := docs[len(docs)-1]
	if l := f.license(t, id); l.DeviceID == nil || !is(last.DeviceID, *l.DeviceID) || !is(l.CompanyID, idOf(c)) {
		t.Fatalf("license %+v, want on the device of the last move %v", l, last.DeviceID)
	}
	var on int64
	f.db.Conn(context.Background()).Raw(`SELECT COUNT(*) FROM licenses WHERE device_id IS NOT NULL`).Scan(&on)
	if on != 1 {
		t.Fatalf("%d licenses on devices, want 1", on)
	}
	licensingtest.Verify(t, f.lic)
}

func history(t *testing.T, f *fixture, id string) []licensing.Document {
	t.Helper()
	docs, _, err := f.lic.History(f.owner, id, pageAll)
	if err != nil {
		t.Fatal(err)
	}
	return docs
}

func is(p *string, s string) bool { return p != nil && *p == s }

// Deleting a device (its license released, then the device revoked, in one
// transaction) while a key is typed on it: whichever wins, no license is
// left on a revoked device.
func TestRevokeRacesActivation(t *testing.T) {
	f := newFixture(t)
	p, c := f.partner(t), f.company(t)
	for round := 0; round < 10; round++ {
		d := f.device(t, c)
		id, key := f.unsealed(t, p)
		var revokeErr, activateErr error
		var wg sync.WaitGroup
		wg.Add(2)
		go func() {
			defer wg.Done()
			revokeErr = f.db.InTx(c, func(ctx context.Context) error {
				if _, err := f.lic.ReleaseDevice(ctx, d); err != nil && !errors.Is(err, licensing.ErrNoLicense) {
					return err
				}
				return f.devices.Revoke(ctx, d)
			})
		}()
		go func() {
			defer wg.Done()
			_, activateErr = f.lic.Activate(context.Background(), d, idOf(c), key)
		}()
		wg.Wait()
		if code := mypos.ErrorCode(activateErr); code != "" && code != mypos.ENOTFOUND {
			t.Fatalf("round %d: activate: %v", round, activateErr)
		}
		if code := mypos.ErrorCode(revokeErr); code != "" && code != mypos.ECONFLICT {
			t.Fatalf("round %d: revoke: %v", round, revokeErr)
		}
		dev, err := f.devices.Get(c, d)
		if err != nil {
			t.Fatal(err)
		}
		if l := f.license(t, id); l.DeviceID != nil && dev.RevokedAt != nil {
			t.Fatalf("round %d: license %s stays on revoked device %s", round, id, d)
		}
	}
}

// Twenty keys typed on one terminal at once: each either goes on, pushing
// the one before off (still the company's), or is refused to be typed
// again; one license ends on the terminal.
func TestActivateRaceOnOneDevice(t *testing.T) {
	f := newFixture(t)
	p, c := f.partner(t), f.company(t)
	d := f.device(t, c)
	keys := make([]string, 20)
	for i := range keys {
		_, keys[i] = f.unsealed(t, p)
	}
	errs := make([]error, len(keys))
	var wg sync.WaitGroup
	for i := range keys {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = f.lic.Activate(context.Background(), d, idOf(c), keys[i])
		}()
	}
	wg.Wait()
	ok := 0
	for i, err := range errs {
		switch mypos.ErrorCode(err) {
		case "":
			ok++
		case mypos.ECONFLICT: // "the device's license changed meanwhile: try again"
		default:
			t.Fatalf("key %d: %v", i, err)
		}
	}
	var on, held int64
	f.db.Conn(context.Background()).Raw(`SELECT COUNT(*) FROM licenses WHERE device_id IS NOT NULL`).Scan(&on)
	f.db.Conn(context.Background()).Raw(`SELECT COUNT(*) FROM licenses WHERE company_id IS NOT NULL`).Scan(&held)
	if ok == 0 || on != 1 || held != int64(ok) {
		t.Fatalf("%d activations, %d licenses on the device, %d held by the company", ok, on, held)
	}
	licensingtest.Verify(t, f.lic)
}
