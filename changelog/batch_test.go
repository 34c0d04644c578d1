package changelog_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"testing"
	"time"

	"mypos"
	"mypos/changelog"
	"mypos/protocol"
)

// AppendMany leaves exactly what Append one by one leaves: the same change
// rows and revisions, the same last states, the same head.
func TestAppendManyEqualsAppend(t *testing.T) {
	db, log := setup(t)
	one, many := mypos.NewID(), mypos.NewID()
	prev := changelog.Company()
	var entries []changelog.Entry
	for i := 0; i < 300; i++ { // several chunks
		entries = append(entries, changelog.Entry{Kind: "goods", Entity: fmt.Sprintf("g%03d", i), Op: protocol.OpUpsert,
			Body: map[string]int{"price": i}, Scope: changelog.Company()})
	}
	entries = append(entries,
		changelog.Entry{Kind: "price", Entity: "g001@s1", Op: protocol.OpUpsert, Body: 5, Scope: changelog.Store("s1")},
		changelog.Entry{Kind: "goods", Entity: "g002", Op: protocol.OpUpsert, Body: "again", Scope: changelog.Devices("d2", "d1"), PrevScope: &prev},
		changelog.Entry{Kind: "goods", Entity: "g003", Op: protocol.OpDelete, Scope: changelog.Company()},
		changelog.Entry{Kind: "goods", Entity: "g004", Op: protocol.OpDelete, Scope: changelog.Company()},
		changelog.Entry{Kind: "goods", Entity: "g004", Op: protocol.OpUpsert, Body: "back", Scope: changelog.Company()},
	)
	appendOneCompanyFirst := func(company string) { // the company has history before the batch
		appendOne(t, db, log, company, "first", changelog.Company(), nil)
	}
	appendOneCompanyFirst(one)
	appendOneCompanyFirst(many)
	err := db.InTx(context.Background(), func(ctx context.Context) error {
		for _, e := range entries {
			if _, err := log.Append(ctx, one, e); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var last int64
	err = db.InTx(context.Background(), func(ctx context.Context) error {
		last, err = log.AppendMany(ctx, many, entries)
		return err
	})
	if err != nil || last != int64(len(entries))+1 {
		t.Fatalf("AppendMany: last %d, %v; want %d", last, err, len(entries)+1)
	}
	wantSameLog(t, log, one, many)
}

func wantSameLog(t *testing.T, log *changelog.Log, a, b string) {
	t.Helper()
	ctx := context.Background()
	ra, err := log.Rows(ctx, a, 0, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	rb, err := log.Rows(ctx, b, 0, 1<<20)
	if err != nil || len(ra) != len(rb) {
		t.Fatalf("rows %d and %d, %v", len(ra), len(rb), err)
	}
	for i := range ra {
		ra[i].CompanyID, rb[i].CompanyID = "", ""
		ra[i].CreatedAt, rb[i].CreatedAt = time.Time{}, time.Time{}
		if !reflect.DeepEqual(ra[i], rb[i]) {
			t.Fatalf("row %d: %+v, batched %+v", i, ra[i], rb[i])
		}
	}
	for _, v := range []changelog.View{{DeviceID: "d1"}, {DeviceID: "d9", StoreID: "s1"}} {
		sa, _ := log.Snapshot(ctx, a, v, "", 1000)
		sb, err := log.Snapshot(ctx, b, v, "", 1000)
		if err != nil || !reflect.DeepEqual(sa, sb) || len(sa.Items) == 0 {
			t.Fatalf("snapshot for %+v: %d items, batched %d (%v)", v, len(sa.Items), len(sb.Items), err)
		}
	}
}

func TestAppendManyNeedsTransaction(t *testing.T) {
	_, log := setup(t)
	_, err := log.AppendMany(context.Background(), mypos.NewID(), []changelog.Entry{{Kind: "k", Entity: "e", Op: protocol.OpDelete, Scope: changelog.Company()}})
	if !errors.Is(err, changelog.ErrNoTransaction) {
		t.Fatalf("err=%v, want ErrNoTransaction", err)
	}
}
