package device_test

import (
	"context"
	"testing"

	"mypos"
)

// The owner counts each company's live devices in one query; a revoked
// device is not counted, a company without devices is absent.
func TestCountByCompany(t *testing.T) {
	f := newFixture(t)
	f.mustCreate(t, f.a, "Касса 1")
	gone, _ := f.mustCreate(t, f.a, "Касса 2")
	f.mustCreate(t, f.a, "Касса 3")
	f.mustCreate(t, f.b, "Касса")
	if err := f.svc.Revoke(f.a, gone.ID); err != nil {
		t.Fatal(err)
	}
	owner := mypos.NewContextWithActor(context.Background(), mypos.Actor{Kind: mypos.KindOwner, ID: mypos.NewID()})
	nobody := mypos.NewID()
	got, err := f.svc.CountByCompany(owner, []string{f.aID, f.bID, nobody})
	if err != nil {
		t.Fatal(err)
	}
	if got[f.aID] != 2 || got[f.bID] != 1 || len(got) != 2 {
		t.Fatalf("counts %v, want a=2 b=1 and nothing else", got)
	}
	if got, err := f.svc.CountByCompany(owner, nil); err != nil || len(got) != 0 {
		t.Fatalf("no companies: %v, %v", got, err)
	}
	if _, err := f.svc.CountByCompany(f.a, []string{f.aID}); mypos.ErrorCode(err) != mypos.EFORBIDDEN {
		t.Fatalf("a company counting: %v, want EFORBIDDEN", err)
	}
}
