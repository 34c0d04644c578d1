package mypos_test

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"testing"
	"time"

	"mypos"
)

func TestNewID(t *testing.T) {
	const n = 10000
	ids := make([]string, n)
	seen := make(map[string]bool, n)
	for i := range ids {
		ids[i] = mypos.NewID()
		if !mypos.ValidID(ids[i]) {
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
		if mypos.ValidID(s) {
			t.Errorf("ValidID(%q)=true, want false", s)
		}
	}
}

func TestErrorCode(t *testing.T) {
	wrapped := fmt.Errorf("finding: %w", mypos.Invalid("inn", "Bad INN."))
	tests := []struct {
		err              error
		code, msg, field string
	}{
		{nil, "", "", ""},
		{errors.New("disk on fire"), mypos.EINTERNAL, "Internal error.", ""},
		{mypos.Errorf(mypos.ENOTFOUND, "Partner not found."), mypos.ENOTFOUND, "Partner not found.", ""},
		{wrapped, mypos.EINVALID, "Bad INN.", "inn"},
	}
	for _, tt := range tests {
		if got := mypos.ErrorCode(tt.err); got != tt.code {
			t.Errorf("ErrorCode(%v)=%q, want %q", tt.err, got, tt.code)
		}
		if got := mypos.ErrorMessage(tt.err); got != tt.msg {
			t.Errorf("ErrorMessage(%v)=%q, want %q", tt.err, got, tt.msg)
		}
		if got := mypos.ErrorField(tt.err); got != tt.field {
			t.Errorf("ErrorField(%v)=%q, want %q", tt.err, got, tt.field)
		}
	}
	if got, want := mypos.ErrorRetryAfter(mypos.RateLimited(time.Minute, "Slow down.")), time.Minute; got != want {
		t.Errorf("ErrorRetryAfter=%v, want %v", got, want)
	}
}

func TestRequireActor(t *testing.T) {
	ctx := context.Background()
	if _, err := mypos.RequireActor(ctx, mypos.KindOwner); mypos.ErrorCode(err) != mypos.EUNAUTHORIZED {
		t.Fatalf("no actor: err=%v, want EUNAUTHORIZED", err)
	}
	ctx = mypos.NewContextWithActor(ctx, mypos.Actor{Kind: mypos.KindCompany, ID: "c"})
	if _, err := mypos.RequireActor(ctx, mypos.KindOwner); mypos.ErrorCode(err) != mypos.EFORBIDDEN {
		t.Fatalf("company as owner: err=%v, want EFORBIDDEN", err)
	}
	a, err := mypos.RequireActor(ctx, mypos.KindOwner, mypos.KindCompany)
	if err != nil || a.ID != "c" {
		t.Fatalf("RequireActor=%v, %v; want company c", a, err)
	}
}
