package protocol_test

import (
	"sort"
	"testing"

	"mypos/protocol"
)

func TestNewID(t *testing.T) {
	const n = 10000
	ids := make([]string, n)
	seen := make(map[string]bool, n)
	for i := range ids {
		ids[i] = protocol.NewID()
		if !protocol.ValidID(ids[i]) {
			t.Fatalf("NewID()=%q is not a valid ID", ids[i])
		}
		if seen[ids[i]] {
			t.Fatalf("NewID() repeated %q", ids[i])
		}
		seen[ids[i]] = true
	}
	if !sort.StringsAreSorted(ids) {
		t.Fatal("IDs made one after another are not in order")
	}
	if got, want := ids[0][14], byte('7'); got != want {
		t.Fatalf("version nibble=%c, want %c", got, want)
	}
	if v := ids[0][19]; v != '8' && v != '9' && v != 'a' && v != 'b' {
		t.Fatalf("variant nibble=%c, want one of 8, 9, a, b", v)
	}
}

func TestValidID(t *testing.T) {
	for _, s := range []string{"", "x", "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5", "0190A1B2-C3D4-7E5F-8A9B-0C1D2E3F4A5B", "0190a1b2c3d4-7e5f-8a9b-0c1d2e3f4a5b-", "' OR 1=1 --                         "} {
		if protocol.ValidID(s) {
			t.Errorf("ValidID(%q)=true, want false", s)
		}
	}
}
