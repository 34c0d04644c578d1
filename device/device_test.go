package device_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"mypos"
	"mypos/changelog"
	"mypos/db"
	"mypos/device"
	"mypos/protocol"
	"mypos/services"
	"mypos/services/servicestest"
)

type fixture struct {
	db      *db.DB
	changes *changelog.Log
	svc     *device.Service
	now     time.Time
	// companies A and B, and a partner
	a, b, partner context.Context
	aID, bID      string
	addr          int
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	svc := servicestest.Open(t, services.Config{})
	f := &fixture{db: svc.DB, changes: svc.Changes, svc: svc.Devices, now: time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC)}
	f.db.Now = func() time.Time { return f.now }
	f.aID, f.bID = mypos.NewID(), mypos.NewID()
	f.a, f.b = companyCtx(f.aID), companyCtx(f.bID)
	f.partner = mypos.NewContextWithActor(context.Background(), mypos.Actor{Kind: mypos.KindPartner, ID: mypos.NewID()})
	return f
}

func companyCtx(id string) context.Context {
	return mypos.NewContextWithActor(context.Background(), mypos.Actor{Kind: mypos.KindCompany, ID: id, CompanyID: id, Name: "Магазин"})
}

// store returns the ID of a store to place devices in: this package takes
// a store on trust (backoffice vouches for it, and tests it).
func (f *fixture) store() string { return mypos.NewID() }

// address returns a fresh client address, so tests stay clear of the rate limit.
func (f *fixture) address() string {
	f.addr++
	return fmt.Sprintf("192.0.2.%d", f.addr)
}

func (f *fixture) mustCreate(t *testing.T, ctx context.Context, name string) (*device.Device, string) {
	t.Helper()
	d, code, err := f.svc.Create(ctx, device.NewDevice{Name: name})
	if err != nil {
		t.Fatalf("create %q: %v", name, err)
	}
	return d, code
}

func (f *fixture) mustEnroll(t *testing.T, code, nonce string) *device.Enrollment {
	t.Helper()
	e, err := f.svc.Enroll(context.Background(), code, nonce, f.address())
	if err != nil {
		t.Fatalf("enroll %s: %v", code, err)
	}
	return e
}

func (f *fixture) head(t *testing.T, companyID string) int64 {
	t.Helper()
	rev, err := f.changes.Head(context.Background(), companyID)
	if err != nil {
		t.Fatal(err)
	}
	return rev
}

// lastChange returns the company's latest change, asserting the log's length.
func (f *fixture) lastChange(t *testing.T, companyID string, wantRev int64) changelog.Change {
	t.Helper()
	rows, err := f.changes.Rows(context.Background(), companyID, 0, 1000)
	if err != nil {
		t.Fatal(err)
	}
	if got := int64(len(rows)); got != wantRev {
		t.Fatalf("changes=%d, want %d", got, wantRev)
	}
	return rows[len(rows)-1]
}

// assertUpsert checks a change is the device's state, seen by itself alone.
func assertUpsert(t *testing.T, c changelog.Change, d *device.Device) {
	t.Helper()
	if c.Kind != "device" || c.Entity != d.ID || c.Op != protocol.OpUpsert || !c.Scope.Equal(changelog.Devices(d.ID)) || c.PrevScope != nil {
		t.Fatalf("change %+v, want an upsert of device %s scoped to it", c, d.ID)
	}
	want, _ := json.Marshal(map[string]any{"id": d.ID, "name": d.Name, "serial": d.Serial, "store_id": d.StoreID})
	if got := canonical(t, c.Body); got != string(want) {
		t.Fatalf("body=%s, want %s", got, want)
	}
}

func canonical(t *testing.T, raw []byte) string {
	t.Helper()
	var v map[string]any
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatalf("body %s: %v", raw, err)
	}
	b, _ := json.Marshal(v)
	return string(b)
}

func assertCode(t *testing.T, err error, code string) {
	t.Helper()
	if got := mypos.ErrorCode(err); got != code {
		t.Fatalf("error=%v (code %q), want code %q", err, got, code)
	}
}

func assertField(t *testing.T, err error, code, field string) {
	t.Helper()
	assertCode(t, err, code)
	if got := mypos.ErrorField(err); got != field {
		t.Fatalf("field=%q, want %q (%v)", got, field, err)
	}
}

func ptr[T any](v T) *T { return &v }

func sha256Hex(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

const nonce1, nonce2 = "nonce-0123456789-first", "nonce-0123456789-second"

var codeShape = regexp.MustCompile(`^[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}$`)

func TestCreate(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		f := newFixture(t)
		storeID := f.store()
		d, code, err := f.svc.Create(f.a, device.NewDevice{Name: "  Касса 1 ", Serial: " SN-001 ", StoreID: &storeID})
		if err != nil {
			t.Fatal(err)
		}
		if d.Name != "Касса 1" || d.Serial != "SN-001" || d.CompanyID != f.aID || *d.StoreID != storeID ||
			!mypos.ValidID(d.ID) || !d.CreatedAt.Equal(f.now) || d.EnrolledAt != nil || d.RevokedAt != nil {
			t.Fatalf("device %+v", d)
		}
		if !codeShape.MatchString(code) {
			t.Fatalf("code %q is not three groups of four unambiguous characters", code)
		}
		got, err := f.svc.Get(f.a, d.ID)
		if err != nil {
			t.Fatal(err)
		}
		if *got.StoreID != storeID || got.Name != d.Name || !got.CreatedAt.Equal(d.CreatedAt) {
			t.Fatalf("get %+v, want %+v", got, d)
		}
		assertUpsert(t, f.lastChange(t, f.aID, 1), d)
	})
	t.Run("OKWithoutStore", func(t *testing.T) {
		f := newFixture(t)
		d, _ := f.mustCreate(t, f.a, "Касса")
		if d.StoreID != nil || d.Serial != "" {
			t.Fatalf("device %+v", d)
		}
		assertUpsert(t, f.lastChange(t, f.aID, 1), d)
	})

	f := newFixture(t)
	tests := []struct {
		name        string
		ctx         context.Context
		nd          device.NewDevice
		code, field string
	}{
		{"ErrNameRequired", f.a, device.NewDevice{Name: "   "}, mypos.EINVALID, "name"},
		{"ErrNameTooLong", f.a, device.NewDevice{Name: strings.Repeat("к", 101)}, mypos.EINVALID, "name"},
		{"ErrSerialTooLong", f.a, device.NewDevice{Name: "Касса", Serial: strings.Repeat("9", 65)}, mypos.EINVALID, "serial"},
		{"ErrPartner", f.partner, device.NewDevice{Name: "Касса"}, mypos.EFORBIDDEN, ""},
		{"ErrAnonymous", context.Background(), device.NewDevice{Name: "Касса"}, mypos.EUNAUTHORIZED, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, code, err := f.svc.Create(tt.ctx, tt.nd)
			assertField(t, err, tt.code, tt.field)
			if code != "" {
				t.Fatal("a refused device got a code")
			}
		})
	}
	if n := f.deviceRows(t); n != 0 || f.head(t, f.aID) != 0 {
		t.Fatalf("refused creates left %d devices and revision %d", n, f.head(t, f.aID))
	}
}

func (f *fixture) deviceRows(t *testing.T) int64 {
	t.Helper()
	var n int64
	if err := f.db.Conn(context.Background()).Raw(`SELECT COUNT(*) FROM devices`).Scan(&n).Error; err != nil {
		t.Fatal(err)
	}
	return n
}

func TestTenancy(t *testing.T) {
	f := newFixture(t)
	d, _ := f.mustCreate(t, f.a, "Касса A")
	calls := map[string]func(ctx context.Context) error{
		"Get": func(ctx context.Context) error { _, err := f.svc.Get(ctx, d.ID); return err },
		"Update": func(ctx context.Context) error {
			_, err := f.svc.Update(ctx, d.ID, device.DevicePatch{Name: ptr("Чужая")})
			return err
		},
		"Revoke": func(ctx context.Context) error { return f.svc.Revoke(ctx, d.ID) },
		"NewEnrollmentCode": func(ctx context.Context) error {
			_, _, err := f.svc.NewEnrollmentCode(ctx, d.ID)
			return err
		},
	}
	for name, call := range calls {
		t.Run("ErrOtherCompany"+name, func(t *testing.T) { assertCode(t, call(f.b), mypos.ENOTFOUND) })
		t.Run("ErrPartner"+name, func(t *testing.T) { assertCode(t, call(f.partner), mypos.EFORBIDDEN) })
	}
	t.Run("ErrPartnerList", func(t *testing.T) {
		_, _, err := f.svc.List(f.partner, db.ListParams{})
		assertCode(t, err, mypos.EFORBIDDEN)
	})
	t.Run("OtherCompanyListsNothing", func(t *testing.T) {
		items, next, err := f.svc.List(f.b, db.ListParams{})
		if err != nil || len(items) != 0 || next != "" {
			t.Fatalf("list=%v next=%q err=%v", items, next, err)
		}
	})
	got, err := f.svc.Get(f.a, d.ID)
	if err != nil || got.Name != "Касса A" || got.RevokedAt != nil {
		t.Fatalf("the device changed: %+v, %v", got, err)
	}
	if a, b := f.head(t, f.aID), f.head(t, f.bID); a != 1 || b != 0 {
		t.Fatalf("revisions A=%d B=%d, want 1 and 0", a, b)
	}
}

func TestUpdate(t *testing.T) {
	f := newFixture(t)
	d, _ := f.mustCreate(t, f.a, "Касса")
	storeID := f.store()
	steps := []struct {
		name      string
		patch     device.DevicePatch
		wantStore *string
	}{
		{"OKRename", device.DevicePatch{Name: ptr(" Касса у входа "), Serial: ptr("SN-7")}, nil},
		{"OKPlaceInStore", device.DevicePatch{Store: device.PlaceIn(storeID)}, &storeID},
		{"OKLeaveStore", device.DevicePatch{Name: ptr("Касса 2")}, &storeID},
		{"OKClearStore", device.DevicePatch{Store: device.NoStore()}, nil},
	}
	for i, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			got, err := f.svc.Update(f.a, d.ID, st.patch)
			if err != nil {
				t.Fatal(err)
			}
			if !sameStore(got.StoreID, st.wantStore) {
				t.Fatalf("store=%v, want %v", got.StoreID, st.wantStore)
			}
			reread, _ := f.svc.Get(f.a, d.ID)
			if reread.Name != got.Name || reread.Serial != got.Serial || !sameStore(reread.StoreID, got.StoreID) {
				t.Fatalf("stored %+v, answered %+v", reread, got)
			}
			assertUpsert(t, f.lastChange(t, f.aID, int64(i+2)), got)
		})
	}
	if got, _ := f.svc.Get(f.a, d.ID); got.Name != "Касса 2" || got.Serial != "SN-7" {
		t.Fatalf("after the steps: %+v", got)
	}

	refusals := []struct {
		name        string
		patch       device.DevicePatch
		code, field string
	}{
		{"ErrNameRequired", device.DevicePatch{Name: ptr(""), Serial: ptr("SN-8")}, mypos.EINVALID, "name"},
		{"ErrSerialTooLong", device.DevicePatch{Serial: ptr(strings.Repeat("x", 65))}, mypos.EINVALID, "serial"},
	}
	for _, tt := range refusals {
		t.Run(tt.name, func(t *testing.T) {
			_, err := f.svc.Update(f.a, d.ID, tt.patch)
			assertField(t, err, tt.code, tt.field)
		})
	}
	t.Run("OKNothingChanged", func(t *testing.T) {
		if _, err := f.svc.Update(f.a, d.ID, device.DevicePatch{Name: ptr("Касса 2")}); err != nil {
			t.Fatal(err)
		}
	})
	if got, _ := f.svc.Get(f.a, d.ID); got.Name != "Касса 2" || got.Serial != "SN-7" || got.StoreID != nil {
		t.Fatalf("refused updates changed the device: %+v", got)
	}
	if rev := f.head(t, f.aID); rev != 5 {
		t.Fatalf("revision=%d, want 5: refused or empty updates appended", rev)
	}
	t.Run("ErrRevoked", func(t *testing.T) {
		if err := f.svc.Revoke(f.a, d.ID); err != nil {
			t.Fatal(err)
		}
		_, err := f.svc.Update(f.a, d.ID, device.DevicePatch{Name: ptr("Снова")})
		assertCode(t, err, mypos.ECONFLICT)
	})
}

func sameStore(a, b *string) bool {
	return a == nil && b == nil || a != nil && b != nil && *a == *b
}

func TestStoreChangeJSON(t *testing.T) {
	tests := []struct {
		name, body string
		want       device.StoreChange
	}{
		{"Absent", `{"name":"x"}`, device.StoreChange{}},
		{"Null", `{"store_id":null}`, device.NoStore()},
		{"ID", `{"store_id":"0190a3c4-0000-7000-8000-000000000001"}`, device.PlaceIn("0190a3c4-0000-7000-8000-000000000001")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var p device.DevicePatch
			if err := json.Unmarshal([]byte(tt.body), &p); err != nil {
				t.Fatal(err)
			}
			if p.Store.Set != tt.want.Set || !sameStore(p.Store.StoreID, tt.want.StoreID) {
				t.Fatalf("store change %+v, want %+v", p.Store, tt.want)
			}
		})
	}
	t.Run("ErrNumber", func(t *testing.T) {
		var p device.DevicePatch
		if err := json.Unmarshal([]byte(`{"store_id":5}`), &p); err == nil {
			t.Fatal("a number was taken for a store ID")
		}
	})
}
