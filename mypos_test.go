package mypos_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"mypos"
)

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

// RandomCode draws only the alphabet's characters, as many as asked, and
// in enough draws every one of them.
func TestRandomCode(t *testing.T) {
	seen := map[rune]bool{}
	for range 1000 {
		code := mypos.RandomCode(mypos.CodeAlphabet, 12)
		if len(code) != 12 {
			t.Fatalf("%q: want 12 characters", code)
		}
		for _, c := range code {
			if !strings.ContainsRune(mypos.CodeAlphabet, c) {
				t.Fatalf("%q: %q is not of the alphabet", code, c)
			}
			seen[c] = true
		}
	}
	// 12,000 draws of 31 characters: one is missed with odds under e^-390.
	if len(seen) != len(mypos.CodeAlphabet) {
		t.Fatalf("%d of the %d characters drawn", len(seen), len(mypos.CodeAlphabet))
	}
}
