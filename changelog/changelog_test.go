package changelog_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"mypos"
	"mypos/changelog"
	"mypos/db"
	"mypos/db/dbtest"
	"mypos/protocol"
)

func setup(t *testing.T) (*db.DB, *changelog.Log) {
	t.Helper()
	database := dbtest.Open(t, changelog.Schema)
	return database, changelog.New(database)
}

// appendOne appends one upsert in its own transaction.
func appendOne(t *testing.T, database *db.DB, log *changelog.Log, company, entity string, scope changelog.Scope, prev *changelog.Scope) int64 {
	t.Helper()
	var rev int64
	err := database.InTx(context.Background(), func(ctx context.Context) error {
		var err error
		rev, err = log.Append(ctx, company, changelog.Entry{Kind: "cashier", Entity: entity, Op: protocol.OpUpsert, Body: map[string]string{"id": entity}, Scope: scope, PrevScope: prev})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return rev
}

func TestConcurrentAppendIsGapless(t *testing.T) {
	database, log := setup(t)
	company, other := mypos.NewID(), mypos.NewID()
	const writers, perWriter = 8, 200
	var wg sync.WaitGroup
	errs := make(chan error, writers)
	for w := 0; w < writers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; i < perWriter+perWriter/50; i++ {
				target := company
				if i >= perWriter {
					target = other // another company's counter runs on its own
				}
				err := database.InTx(context.Background(), func(ctx context.Context) error {
					_, err := log.Append(ctx, target, changelog.Entry{Kind: "store", Entity: fmt.Sprintf("w%d-%d", w, i), Op: protocol.OpUpsert, Body: i, Scope: changelog.Company()})
					return err
				})
				if err != nil {
					errs <- err
					return
				}
			}
		}(w)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	for _, c := range []struct {
		id   string
		want int
	}{{company, writers * perWriter}, {other, writers * perWriter / 50}} {
		rows, err := log.Rows(context.Background(), c.id, 0, 1<<20)
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != c.want {
			t.Fatalf("rows=%d, want %d", len(rows), c.want)
		}
		for i, r := range rows {
			if r.Rev != int64(i+1) {
				t.Fatalf("row %d has revision %d: a gap or a duplicate", i, r.Rev)
			}
		}
		if head, _ := log.Head(context.Background(), c.id); head != int64(c.want) {
			t.Fatalf("head=%d, want %d", head, c.want)
		}
	}
}

func TestRollbackUsesNoRevision(t *testing.T) {
	database, log := setup(t)
	company := mypos.NewID()
	appendOne(t, database, log, company, "a", changelog.Company(), nil)
	boom := errors.New("the write failed")
	err := database.InTx(context.Background(), func(ctx context.Context) error {
		if _, err := log.Append(ctx, company, changelog.Entry{Kind: "store", Entity: "b", Op: protocol.OpUpsert, Body: 1, Scope: changelog.Company()}); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatal(err)
	}
	if got := appendOne(t, database, log, company, "c", changelog.Company(), nil); got != 2 {
		t.Fatalf("revision after a rollback=%d, want 2", got)
	}
	rows, _ := log.Rows(context.Background(), company, 0, 10)
	if len(rows) != 2 || rows[1].Entity != "c" {
		t.Fatalf("rows=%+v, want a and c only", rows)
	}
	snap, _ := log.Snapshot(context.Background(), company, changelog.View{DeviceID: "d"}, "", 10)
	if len(snap.Items) != 2 {
		t.Fatalf("snapshot has %d items, want 2 (the rolled-back b is not there)", len(snap.Items))
	}
}

func TestAppendNeedsTransaction(t *testing.T) {
	_, log := setup(t)
	_, err := log.Append(context.Background(), mypos.NewID(), changelog.Entry{Kind: "store", Entity: "a", Op: protocol.OpUpsert, Scope: changelog.Company()})
	if !errors.Is(err, changelog.ErrNoTransaction) {
		t.Fatalf("err=%v, want ErrNoTransaction", err)
	}
}

func TestSubscribeHearsCommitsOnly(t *testing.T) {
	database, log := setup(t)
	commits, stop := log.Subscribe()
	defer stop()
	company := mypos.NewID()
	database.InTx(context.Background(), func(ctx context.Context) error {
		log.Append(ctx, company, changelog.Entry{Kind: "store", Entity: "x", Op: protocol.OpUpsert, Body: 1, Scope: changelog.Company()})
		return errors.New("rolled back")
	})
	rev := appendOne(t, database, log, company, "a", changelog.Company(), nil)
	select {
	case c := <-commits:
		if c.CompanyID != company || c.Rev != rev {
			t.Fatalf("commit=%+v, want %s@%d", c, company, rev)
		}
	case <-time.After(time.Second):
		t.Fatal("no commit heard")
	}
	select {
	case c := <-commits:
		t.Fatalf("heard %+v: a rolled-back change was announced", c)
	default:
	}
}

// A cashier allowed on {A}, then {A, B}, then {B}.
func TestVisibility(t *testing.T) {
	database, log := setup(t)
	company := mypos.NewID()
	a, b := changelog.View{DeviceID: "dev-a"}, changelog.View{DeviceID: "dev-b"}
	steps := []struct {
		scope, prev  changelog.Scope
		wantA, wantB string // "" nothing, else the op
	}{
		{changelog.Devices("dev-a"), changelog.Devices(), protocol.OpUpsert, ""},
		{changelog.Devices("dev-a", "dev-b"), changelog.Devices("dev-a"), protocol.OpUpsert, protocol.OpUpsert},
		{changelog.Devices("dev-b"), changelog.Devices("dev-a", "dev-b"), protocol.OpDelete, protocol.OpUpsert},
	}
	var after int64
	for i, st := range steps {
		prev := st.prev
		appendOne(t, database, log, company, "olga", st.scope, &prev)
		for _, dev := range []struct {
			view changelog.View
			want string
		}{{a, st.wantA}, {b, st.wantB}} {
			items, head, err := log.Compacted(context.Background(), company, dev.view, after)
			if err != nil {
				t.Fatal(err)
			}
			got := ""
			if len(items) == 1 {
				got = items[0].Op
			}
			if got != dev.want || len(items) > 1 || head != int64(i+1) {
				t.Fatalf("step %d, %s: items=%+v head=%d, want %q", i+1, dev.view.DeviceID, items, head, dev.want)
			}
		}
		after = int64(i + 1)
	}
	// Compacted from the start: A ends with a delete, B with the cashier.
	for _, dev := range []struct {
		view changelog.View
		want string
	}{{a, protocol.OpDelete}, {b, protocol.OpUpsert}} {
		items, _, _ := log.Compacted(context.Background(), company, dev.view, 0)
		if len(items) != 1 || items[0].Op != dev.want {
			t.Fatalf("%s from 0: %+v, want one %s", dev.view.DeviceID, items, dev.want)
		}
	}
	// A device that never saw the cashier hears nothing of it.
	if items, _, _ := log.Compacted(context.Background(), company, changelog.View{DeviceID: "dev-c"}, 0); len(items) != 0 {
		t.Fatalf("dev-c: %+v, want nothing", items)
	}
}

func TestSnapshotFiltersAndPages(t *testing.T) {
	database, log := setup(t)
	company := mypos.NewID()
	appendOne(t, database, log, company, "everyone", changelog.Company(), nil)
	appendOne(t, database, log, company, "store-1", changelog.Store("s1"), nil)
	appendOne(t, database, log, company, "store-2", changelog.Store("s2"), nil)
	appendOne(t, database, log, company, "dev-a-only", changelog.Devices("dev-a"), nil)
	err := database.InTx(context.Background(), func(ctx context.Context) error {
		_, err := log.Append(ctx, company, changelog.Entry{Kind: "cashier", Entity: "store-2", Op: protocol.OpDelete, Scope: changelog.Store("s2")})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	appendOne(t, database, log, mypos.NewID(), "other-company", changelog.Company(), nil)

	read := func(v changelog.View) []string {
		var got []string
		cursor := ""
		for {
			page, err := log.Snapshot(context.Background(), company, v, cursor, 1)
			if err != nil {
				t.Fatal(err)
			}
			for _, it := range page.Items {
				var body map[string]string
				json.Unmarshal(it.Body, &body)
				if body["id"] != it.Entity || it.Op != protocol.OpUpsert {
					t.Fatalf("item %+v has the wrong body", it)
				}
				got = append(got, it.Entity)
			}
			if page.Next == "" {
				return got
			}
			cursor = page.Next
		}
	}
	if got := fmt.Sprint(read(changelog.View{DeviceID: "dev-a", StoreID: "s1"})); got != "[dev-a-only everyone store-1]" {
		t.Fatalf("dev-a in s1 sees %s", got)
	}
	if got := fmt.Sprint(read(changelog.View{DeviceID: "dev-b", StoreID: "s2"})); got != "[everyone]" {
		t.Fatalf("dev-b in s2 sees %s", got)
	}
}

func TestScopeRoundTrip(t *testing.T) {
	for _, s := range []changelog.Scope{changelog.Company(), changelog.Store("s1"), changelog.Devices(), changelog.Devices("b", "a", "b")} {
		back, err := changelog.ParseScope(s.String())
		if err != nil || !back.Equal(s) {
			t.Fatalf("ParseScope(%q)=%+v, %v", s.String(), back, err)
		}
	}
	if got := changelog.Devices("b", "a", "b").String(); got != "devices:a,b" {
		t.Fatalf("Devices sorted and deduplicated=%q", got)
	}
	for _, bad := range []string{"", "store:", "store:a,b", "galaxy:x", "devices"} {
		if _, err := changelog.ParseScope(bad); err == nil {
			t.Fatalf("ParseScope(%q) accepted", bad)
		}
	}
}

func TestPruneMovesTheHorizon(t *testing.T) {
	database, log := setup(t)
	company := mypos.NewID()
	now := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	database.Now = func() time.Time { return now }
	appendOne(t, database, log, company, "old", changelog.Company(), nil)
	appendOne(t, database, log, company, "old-2", changelog.Company(), nil)
	now = now.Add(40 * 24 * time.Hour)
	appendOne(t, database, log, company, "new", changelog.Company(), nil)
	if h, _ := log.Horizon(context.Background(), company); h != 0 {
		t.Fatalf("horizon before pruning=%d, want 0", h)
	}
	n, err := log.Prune(context.Background(), now.Add(-30*24*time.Hour))
	if err != nil || n != 2 {
		t.Fatalf("pruned %d, %v; want 2", n, err)
	}
	if h, _ := log.Horizon(context.Background(), company); h != 2 {
		t.Fatalf("horizon after pruning=%d, want 2", h)
	}
	snap, _ := log.Snapshot(context.Background(), company, changelog.View{DeviceID: "d"}, "", 10)
	if len(snap.Items) != 3 {
		t.Fatalf("the snapshot lost pruned entities: %d items, want 3", len(snap.Items))
	}
	rows, _ := log.Range(context.Background(), company, 0, 3, 10)
	if len(rows) != 1 || rows[0].Rev != 3 {
		t.Fatalf("range after pruning: %+v", rows)
	}
	if _, err := log.Prune(context.Background(), now.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if h, _ := log.Horizon(context.Background(), company); h != 3 {
		t.Fatalf("horizon with every change pruned=%d, want the head, 3", h)
	}
	heads, _ := log.Heads(context.Background(), []string{company, mypos.NewID()})
	if len(heads) != 1 || heads[company] != 3 {
		t.Fatalf("heads=%v", heads)
	}
}
