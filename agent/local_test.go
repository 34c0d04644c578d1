package agent

import (
	"errors"
	"path/filepath"
	"testing"

	"mypos/protocol"
)

func TestOpenStore(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		dir := t.TempDir()
		s := mustLocal(t, dir)
		if rev, err := s.Rev(); rev != 0 || err != nil {
			t.Fatalf("a new local database: rev %d %v, want 0", rev, err)
		}
		mustMode(t, filepath.Join(dir, fileStore), 0o600)
	})
	t.Run("ErrLocalBusy", func(t *testing.T) {
		dir := t.TempDir()
		mustLocal(t, dir)
		if _, err := OpenLocal(dir); !errors.Is(err, ErrLocalBusy) {
			t.Fatalf("a second open: %v, want ErrStoreBusy", err)
		}
	})
}

// A local database written for one device is emptied when another device's
// identity runs on it (the till was enrolled again as a new device).
func TestStoreBind(t *testing.T) {
	s := mustLocal(t, t.TempDir())
	if wiped, err := s.bind("dev-a"); wiped || err != nil {
		t.Fatalf("first bind: wiped=%v %v", wiped, err)
	}
	s.applyChanges([]protocol.Item{upsert("cashier", "c1", `"name":"a"`)}, 9)
	s.openStaging("sync-1", 9, true)
	if wiped, err := s.bind("dev-a"); wiped || err != nil {
		t.Fatalf("the same device: wiped=%v %v, want its data kept", wiped, err)
	}
	if rev, _ := s.Rev(); rev != 9 {
		t.Fatalf("rev %d, want 9 kept", rev)
	}
	if wiped, err := s.bind("dev-b"); !wiped || err != nil {
		t.Fatalf("another device: wiped=%v %v, want the local database emptied", wiped, err)
	}
	list, _ := s.List("cashier")
	if rev, _ := s.Rev(); rev != 0 || len(list) != 0 {
		t.Fatalf("after rebinding: rev %d, %d cashiers; want an empty local database", rev, len(list))
	}
	if _, err := s.commit("sync-1", 10); !errors.Is(err, errStaleStaging) {
		t.Fatalf("commit of the old device's staging: %v, want errStaleStaging", err)
	}
}
