package agent

import (
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const testDevice = "0190c0de-0000-7000-8000-00000000000a"

func testIdentity() *Identity {
	return &Identity{DeviceID: testDevice, Secret: "s3cr3t-" + strings.Repeat("x", 40), MQTTURL: "mqtt://127.0.0.1:1883"}
}

// mustMode asserts a file's permission bits.
func mustMode(t *testing.T, path string, want os.FileMode) {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := fi.Mode().Perm(); got != want {
		t.Fatalf("%s: mode %o, want %o", filepath.Base(path), got, want)
	}
}

func TestSaveIdentity(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		dir := t.TempDir()
		writeValue(dir, fileNonce, newNonce())
		if err := saveIdentity(dir, testIdentity()); err != nil {
			t.Fatal(err)
		}
		for _, name := range []string{fileDeviceID, fileSecret, fileMQTTURL} {
			mustMode(t, filepath.Join(dir, name), 0o600)
		}
		got, err := LoadIdentity(dir)
		if err != nil {
			t.Fatal(err)
		}
		if *got != *testIdentity() {
			t.Fatalf("loaded %#v, want what was saved", got)
		}
		entries, _ := os.ReadDir(dir)
		if len(entries) != 3 {
			t.Fatalf("the directory holds %d files, want the 3 of the identity (no temporary files, no nonce)", len(entries))
		}
	})
	t.Run("ErrNotEnrolled", func(t *testing.T) {
		if _, err := LoadIdentity(t.TempDir()); !errors.Is(err, ErrNotEnrolled) {
			t.Fatalf("err=%v, want ErrNotEnrolled", err)
		}
	})
	t.Run("ErrIncomplete", func(t *testing.T) {
		dir := t.TempDir()
		writeValue(dir, fileDeviceID, testDevice)
		if _, err := LoadIdentity(dir); err == nil || !strings.Contains(err.Error(), "incomplete") {
			t.Fatalf("err=%v, want an incomplete identity", err)
		}
	})
}

func TestWriteFileAtomicReplaces(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "f")
	os.WriteFile(path, []byte("old"), 0o644)
	if err := writeFileAtomic(path, []byte("new")); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(path); string(b) != "new" {
		t.Fatalf("content %q, want new", b)
	}
	mustMode(t, path, 0o600)
}

// The secret stays out of every way an Identity can be printed or logged.
func TestIdentityHidesSecret(t *testing.T) {
	id := testIdentity()
	var logged strings.Builder
	slog.New(slog.NewTextHandler(&logged, nil)).Info("x", "identity", id, "value", *id)
	slog.New(slog.NewJSONHandler(&logged, nil)).Info("x", "identity", id)
	for _, s := range []string{fmt.Sprint(id), fmt.Sprintf("%v %+v %#v %s", *id, *id, *id, id), logged.String()} {
		if strings.Contains(s, id.Secret) {
			t.Fatalf("the secret shows in %q", s)
		}
		if !strings.Contains(s, testDevice) {
			t.Fatalf("the device ID is missing from %q", s)
		}
	}
}

func TestEnrollNonce(t *testing.T) {
	t.Run("PersistedAndReused", func(t *testing.T) {
		dir := t.TempDir()
		first, err := enrollNonce(dir)
		if err != nil {
			t.Fatal(err)
		}
		if len(first) < 32 || !validNonce(first) {
			t.Fatalf("nonce %q: want at least 128 bits the server accepts", first)
		}
		mustMode(t, filepath.Join(dir, fileNonce), 0o600)
		if again, _ := enrollNonce(dir); again != first {
			t.Fatalf("second nonce %q, want the stored %q", again, first)
		}
	})
	t.Run("DamagedReplaced", func(t *testing.T) {
		dir := t.TempDir()
		writeValue(dir, fileNonce, "short")
		n, err := enrollNonce(dir)
		if err != nil || !validNonce(n) {
			t.Fatalf("nonce %q, %v: want a fresh valid one", n, err)
		}
	})
}
