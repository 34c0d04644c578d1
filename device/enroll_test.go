package device_test

import (
	"context"
	"encoding/base64"
	"fmt"
	"strings"
	"testing"
	"time"

	"mypos"
	"mypos/changelog"
	"mypos/db"
	"mypos/device"
	"mypos/protocol"
)

func TestEnroll(t *testing.T) {
	f := newFixture(t)
	d, code := f.mustCreate(t, f.a, "Касса")
	typed := strings.ToLower(strings.ReplaceAll(code, "-", " ")) // as a person types it
	first := f.mustEnroll(t, typed, nonce1)

	t.Run("OK", func(t *testing.T) {
		raw, err := base64.RawURLEncoding.DecodeString(first.Secret)
		if first.DeviceID != d.ID || err != nil || len(raw) != 32 {
			t.Fatalf("enrollment %+v: want device %s and a 256-bit base64url secret (%v)", first, d.ID, err)
		}
		if err := f.svc.Authenticate(context.Background(), d.ID, first.Secret); err != nil {
			t.Fatalf("the new secret is refused: %v", err)
		}
		got, _ := f.svc.Get(f.a, d.ID)
		if got.EnrolledAt == nil || !got.EnrolledAt.Equal(f.now) {
			t.Fatalf("enrolled_at=%v, want %v", got.EnrolledAt, f.now)
		}
	})
	t.Run("OKRetrySameNonce", func(t *testing.T) {
		f.now = f.now.Add(9 * time.Minute)
		again := f.mustEnroll(t, code, nonce1)
		if *again != *first {
			t.Fatalf("retry %+v, want %+v", again, first)
		}
	})
	t.Run("ErrUsedOtherNonce", func(t *testing.T) {
		_, err := f.svc.Enroll(context.Background(), code, nonce2, f.address())
		assertBadCode(t, err)
	})
	t.Run("ErrRetryTooLate", func(t *testing.T) {
		f.now = f.now.Add(2 * time.Minute)
		_, err := f.svc.Enroll(context.Background(), code, nonce1, f.address())
		assertBadCode(t, err)
	})
	t.Run("ErrUnknown", func(t *testing.T) {
		_, err := f.svc.Enroll(context.Background(), "2345-6789-ABCD", nonce1, f.address())
		assertBadCode(t, err)
		_, err = f.svc.Enroll(context.Background(), "not a code", nonce1, f.address())
		assertBadCode(t, err)
	})
	if err := f.svc.Authenticate(context.Background(), d.ID, first.Secret); err != nil {
		t.Fatalf("refused retries spoiled the secret: %v", err)
	}
}

// assertBadCode checks the one refusal of an unknown, used or expired code.
func assertBadCode(t *testing.T, err error) {
	t.Helper()
	assertCode(t, err, mypos.EUNAUTHORIZED)
	const want = "This enrollment code does not work: it is mistyped, used or expired. Get a new code in the cabinet."
	if got := mypos.ErrorMessage(err); got != want {
		t.Fatalf("message %q tells more than the one refusal", got)
	}
}

func TestEnrollExpiry(t *testing.T) {
	f := newFixture(t)
	_, late := f.mustCreate(t, f.a, "Поздняя")
	d, onTime := f.mustCreate(t, f.a, "Вовремя")
	f.now = f.now.Add(device.CodeLifetime - time.Second)
	t.Run("OKJustInTime", func(t *testing.T) {
		if e := f.mustEnroll(t, onTime, nonce1); e.DeviceID != d.ID {
			t.Fatalf("enrolled %s, want %s", e.DeviceID, d.ID)
		}
	})
	t.Run("ErrExpired", func(t *testing.T) {
		f.now = f.now.Add(time.Second)
		_, err := f.svc.Enroll(context.Background(), late, nonce1, f.address())
		assertBadCode(t, err)
	})
}

func TestEnrollNonce(t *testing.T) {
	f := newFixture(t)
	_, code := f.mustCreate(t, f.a, "Касса")
	for name, nonce := range map[string]string{
		"ErrEmpty":    "",
		"ErrShort":    "short-nonce",
		"ErrLong":     strings.Repeat("n", 129),
		"ErrSpace":    "nonce with spaces inside",
		"ErrNonASCII": "одноразовое-число-1234",
		"ErrControl":  "nonce-0123456789\n",
	} {
		t.Run(name, func(t *testing.T) {
			_, err := f.svc.Enroll(context.Background(), code, nonce, f.address())
			assertField(t, err, mypos.EINVALID, "nonce")
		})
	}
	if e := f.mustEnroll(t, code, strings.Repeat("n", 128)); e.Secret == "" {
		t.Fatal("a refused nonce spent the code")
	}
}

func TestEnrollRateLimit(t *testing.T) {
	f := newFixture(t)
	_, code := f.mustCreate(t, f.a, "Касса")
	const addr = "203.0.113.7"
	for i := 0; i < 10; i++ {
		_, err := f.svc.Enroll(context.Background(), fmt.Sprintf("2345-6789-ABC%d", i%8+2), nonce1, addr)
		assertBadCode(t, err)
	}
	f.now = f.now.Add(20 * time.Second)
	t.Run("ErrLimited", func(t *testing.T) {
		_, err := f.svc.Enroll(context.Background(), code, nonce1, addr)
		assertCode(t, err, mypos.ERATELIMIT)
		if got := mypos.ErrorRetryAfter(err); got != 40*time.Second {
			t.Fatalf("retry after %v, want 40s", got)
		}
	})
	t.Run("OKOtherAddress", func(t *testing.T) {
		_, err := f.svc.Enroll(context.Background(), "2345-6789-ABCD", nonce1, "203.0.113.8")
		assertBadCode(t, err)
	})
	t.Run("OKAfterWindow", func(t *testing.T) {
		f.now = f.now.Add(40 * time.Second)
		if _, err := f.svc.Enroll(context.Background(), code, nonce1, addr); err != nil {
			t.Fatalf("after the window: %v", err)
		}
	})
}

// TestSecretsNotInClear reads every row the enrollment wrote: neither the
// code nor the secret is there, only their hashes and a sealed reply.
func TestSecretsNotInClear(t *testing.T) {
	f := newFixture(t)
	d, code := f.mustCreate(t, f.a, "Касса")
	e := f.mustEnroll(t, code, nonce1)
	bare := strings.ReplaceAll(code, "-", "")
	dump := f.dump(t, "devices") + f.dump(t, "enrollment_codes") + f.dump(t, "enrollment_replies")
	for _, secret := range []string{e.Secret, code, bare, nonce1} {
		if strings.Contains(dump, secret) {
			t.Fatalf("the database holds %q in clear", secret)
		}
	}
	var hashes []struct{ SecretHash, CodeHash string }
	err := f.db.Conn(context.Background()).Raw(`SELECT d.secret_hash, c.code_hash FROM devices d
		JOIN enrollment_codes c ON c.device_id = d.id WHERE d.id = ?`, d.ID).Scan(&hashes).Error
	if err != nil || len(hashes) != 1 {
		t.Fatalf("rows %v, %v", hashes, err)
	}
	if hashes[0].SecretHash != sha256Hex(e.Secret) || hashes[0].CodeHash != sha256Hex(bare) {
		t.Fatalf("stored hashes %+v are not SHA-256 of the secret and the bare code", hashes[0])
	}
}

func (f *fixture) dump(t *testing.T, table string) string {
	t.Helper()
	var rows []map[string]any
	if err := f.db.Conn(context.Background()).Raw("SELECT * FROM " + table).Scan(&rows).Error; err != nil {
		t.Fatal(err)
	}
	if len(rows) == 0 {
		t.Fatalf("%s is empty", table)
	}
	return fmt.Sprint(rows)
}

func TestReEnroll(t *testing.T) {
	f := newFixture(t)
	d, oldCode := f.mustCreate(t, f.a, "Касса")
	old := f.mustEnroll(t, oldCode, nonce1)
	if err := f.svc.Authenticate(context.Background(), d.ID, old.Secret); err != nil {
		t.Fatal(err) // and now it is cached
	}
	unused, _, err := f.svc.NewEnrollmentCode(f.a, d.ID)
	if err != nil {
		t.Fatal(err)
	}
	code, expires, err := f.svc.NewEnrollmentCode(f.a, d.ID)
	if err != nil || !codeShape.MatchString(code) || !expires.Equal(f.now.Add(device.CodeLifetime)) {
		t.Fatalf("code %q expires %v: %v", code, expires, err)
	}
	t.Run("ErrOldSecret", func(t *testing.T) {
		assertCode(t, f.svc.Authenticate(context.Background(), d.ID, old.Secret), mypos.EUNAUTHORIZED)
	})
	t.Run("NotEnrolled", func(t *testing.T) {
		if got, _ := f.svc.Get(f.a, d.ID); got.EnrolledAt != nil {
			t.Fatalf("enrolled_at=%v after a new code", got.EnrolledAt)
		}
	})
	t.Run("ErrOldRetry", func(t *testing.T) {
		_, err := f.svc.Enroll(context.Background(), oldCode, nonce1, f.address())
		assertBadCode(t, err)
	})
	t.Run("ErrVoidedCode", func(t *testing.T) {
		_, err := f.svc.Enroll(context.Background(), unused, nonce1, f.address())
		assertBadCode(t, err)
	})
	t.Run("OK", func(t *testing.T) {
		e := f.mustEnroll(t, code, nonce2)
		if e.DeviceID != d.ID || e.Secret == old.Secret {
			t.Fatalf("re-enrollment %+v", e)
		}
		if err := f.svc.Authenticate(context.Background(), d.ID, e.Secret); err != nil {
			t.Fatal(err)
		}
	})
	if rev := f.head(t, f.aID); rev != 1 {
		t.Fatalf("revision=%d: enrollment is not a change terminals see", rev)
	}
}

func TestAuthenticate(t *testing.T) {
	f := newFixture(t)
	d, code := f.mustCreate(t, f.a, "Касса")
	e := f.mustEnroll(t, code, nonce1)
	idle, _ := f.mustCreate(t, f.a, "Не подключена")
	gone, goneCode := f.mustCreate(t, f.a, "Списана")
	goneSecret := f.mustEnroll(t, goneCode, nonce1).Secret
	if err := f.svc.Authenticate(context.Background(), gone.ID, goneSecret); err != nil {
		t.Fatal(err) // cached before the revocation
	}
	if err := f.svc.Revoke(f.a, gone.ID); err != nil {
		t.Fatal(err)
	}
	refusals := map[string][2]string{
		"ErrUnknownDevice": {mypos.NewID(), e.Secret},
		"ErrMalformedID":   {"device-1", e.Secret},
		"ErrWrongSecret":   {d.ID, goneSecret},
		"ErrEmptySecret":   {d.ID, ""},
		"ErrHugeSecret":    {d.ID, strings.Repeat("s", 1000)},
		"ErrNotEnrolled":   {idle.ID, e.Secret},
		"ErrRevoked":       {gone.ID, goneSecret},
	}
	for name, creds := range refusals {
		t.Run(name, func(t *testing.T) {
			assertCode(t, f.svc.Authenticate(context.Background(), creds[0], creds[1]), mypos.EUNAUTHORIZED)
		})
	}
	t.Run("OK", func(t *testing.T) {
		for range 3 { // the second and third from the cache
			if err := f.svc.Authenticate(context.Background(), d.ID, e.Secret); err != nil {
				t.Fatal(err)
			}
		}
	})
}

func TestRevoke(t *testing.T) {
	f := newFixture(t)
	storeID := f.store()
	d, _, err := f.svc.Create(f.a, device.NewDevice{Name: "Касса", StoreID: &storeID})
	if err != nil {
		t.Fatal(err)
	}
	f.mustCreate(t, f.a, "Вторая")
	if err := f.svc.Revoke(f.a, d.ID); err != nil {
		t.Fatal(err)
	}
	t.Run("OKChange", func(t *testing.T) {
		c := f.lastChange(t, f.aID, 3)
		if c.Kind != "device" || c.Entity != d.ID || c.Op != protocol.OpDelete || c.Body != nil || !c.Scope.Equal(changelog.Devices(d.ID)) {
			t.Fatalf("change %+v, want a delete of %s scoped to it", c, d.ID)
		}
	})
	t.Run("OKHistoryKept", func(t *testing.T) {
		got, err := f.svc.Get(f.a, d.ID)
		if err != nil || got.RevokedAt == nil || !got.RevokedAt.Equal(f.now) || *got.StoreID != storeID {
			t.Fatalf("revoked device %+v, %v", got, err)
		}
		items, _, _ := f.svc.List(f.a, db.ListParams{})
		if len(items) != 1 || items[0].ID == d.ID {
			t.Fatalf("list %+v still shows the revoked device", items)
		}
		if n, err := f.svc.InStore(context.Background(), f.aID, storeID); err != nil || n != 0 {
			t.Fatalf("in store: %d, %v", n, err)
		}
	})
	t.Run("OKAgainChangesNothing", func(t *testing.T) {
		if err := f.svc.Revoke(f.a, d.ID); err != nil {
			t.Fatal(err)
		}
		if rev := f.head(t, f.aID); rev != 3 {
			t.Fatalf("revision=%d, want 3", rev)
		}
	})
	t.Run("ErrNewCode", func(t *testing.T) {
		_, _, err := f.svc.NewEnrollmentCode(f.a, d.ID)
		assertCode(t, err, mypos.ECONFLICT)
	})
	t.Run("ErrUnknown", func(t *testing.T) {
		assertCode(t, f.svc.Revoke(f.a, mypos.NewID()), mypos.ENOTFOUND)
		assertCode(t, f.svc.Revoke(f.a, "1; DROP TABLE devices"), mypos.ENOTFOUND)
	})
}

func TestRevokeVoidsCode(t *testing.T) {
	f := newFixture(t)
	d, code := f.mustCreate(t, f.a, "Касса")
	if err := f.svc.Revoke(f.a, d.ID); err != nil {
		t.Fatal(err)
	}
	_, err := f.svc.Enroll(context.Background(), code, nonce1, f.address())
	assertBadCode(t, err)
}

func TestCheckOwnedInStore(t *testing.T) {
	f := newFixture(t)
	storeID := f.store()
	a1, _, _ := f.svc.Create(f.a, device.NewDevice{Name: "A1", StoreID: &storeID})
	a2, _ := f.mustCreate(t, f.a, "A2")
	a3, _, _ := f.svc.Create(f.a, device.NewDevice{Name: "A3", StoreID: &storeID})
	b1, _ := f.mustCreate(t, f.b, "B1")
	if err := f.svc.Revoke(f.a, a3.ID); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	t.Run("OK", func(t *testing.T) {
		for _, ids := range [][]string{nil, {a1.ID}, {a2.ID, a1.ID, a1.ID}} {
			if err := f.svc.CheckOwned(ctx, f.aID, ids); err != nil {
				t.Fatalf("%v: %v", ids, err)
			}
		}
	})
	for name, bad := range map[string]string{"ErrOtherCompany": b1.ID, "ErrRevoked": a3.ID, "ErrUnknown": mypos.NewID(), "ErrMalformed": "x'"} {
		t.Run(name, func(t *testing.T) {
			err := f.svc.CheckOwned(ctx, f.aID, []string{a1.ID, bad, a2.ID})
			assertField(t, err, mypos.EINVALID, "device_ids")
			if !strings.Contains(mypos.ErrorMessage(err), bad) {
				t.Fatalf("message %q does not name %s", mypos.ErrorMessage(err), bad)
			}
		})
	}
	t.Run("InStore", func(t *testing.T) {
		for _, tt := range []struct {
			company, store string
			want           int
		}{{f.aID, storeID, 1}, {f.bID, storeID, 0}, {f.aID, mypos.NewID(), 0}, {f.aID, "bad", 0}} {
			if n, err := f.svc.InStore(ctx, tt.company, tt.store); err != nil || n != tt.want {
				t.Fatalf("InStore(%s, %s)=%d, %v; want %d", tt.company, tt.store, n, err, tt.want)
			}
		}
	})
}

func TestList(t *testing.T) {
	f := newFixture(t)
	var want []string
	for i := 1; i <= 5; i++ {
		d, _ := f.mustCreate(t, f.a, fmt.Sprintf("Касса №%d", i))
		want = append(want, d.ID)
	}
	f.mustCreate(t, f.a, "Office printer")
	f.mustCreate(t, f.b, "Касса чужая")

	t.Run("OKPages", func(t *testing.T) {
		var got []string
		p := db.ListParams{Limit: 2, Query: "касса"}
		for page := 0; ; page++ {
			items, next, err := f.svc.List(f.a, p)
			if err != nil || page > 3 {
				t.Fatalf("page %d: %v", page, err)
			}
			for _, d := range items {
				got = append(got, d.ID)
			}
			if next == "" {
				break
			}
			p.Cursor = next
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("pages %v, want %v", got, want)
		}
	})
	for q, n := range map[string]int{"КАССА №3": 1, "сса": 5, "office": 1, "%": 0, "": 6} {
		t.Run("OKSearch"+q, func(t *testing.T) {
			items, _, err := f.svc.List(f.a, db.ListParams{Query: q})
			if err != nil || len(items) != n {
				t.Fatalf("q=%q: %d items, want %d (%v)", q, len(items), n, err)
			}
		})
	}
	t.Run("ErrBadCursor", func(t *testing.T) {
		_, _, err := f.svc.List(f.a, db.ListParams{Cursor: "x"})
		assertField(t, err, mypos.EINVALID, "cursor")
	})
}
