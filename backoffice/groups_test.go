package backoffice_test

import (
	"fmt"
	"sync"
	"testing"

	"mypos"
	"mypos/backoffice"
	"mypos/changelog"
	"mypos/db"
	"mypos/protocol"
)

func TestGroupTree(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := f.company(t, "shop@shop.test")
	dairy := f.group(t, ctx, "Молочные продукты", nil)
	milk := f.group(t, ctx, "Молоко", &dairy.ID)
	skim := f.group(t, ctx, "Обезжиренное", &milk.ID)
	if *skim.ParentID != milk.ID || dairy.ParentID != nil {
		t.Fatalf("tree %+v %+v", dairy, skim)
	}
	cs := f.changesSince(t, ctx, 0)
	if len(cs) != 3 || cs[2].Kind != "goods_group" || !cs[2].Scope.Equal(changelog.Company()) {
		t.Fatalf("changes %+v", cs)
	}
	wantJSON(t, cs[2].Body, `{"id":"`+skim.ID+`","parent_id":"`+milk.ID+`","name":"Обезжиренное"}`)

	t.Run("ErrCycle", func(t *testing.T) {
		head := f.head(t, ctx)
		for _, parent := range []string{dairy.ID, milk.ID, skim.ID} {
			_, err := f.office.UpdateGroup(ctx, dairy.ID, backoffice.GroupPatch{ParentID: backoffice.SetTo(parent)})
			wantCode(t, err, mypos.EINVALID, "parent_id")
		}
		_, err := f.office.UpdateGroup(ctx, milk.ID, backoffice.GroupPatch{ParentID: backoffice.SetTo(skim.ID)})
		wantCode(t, err, mypos.EINVALID, "parent_id")
		if f.head(t, ctx) != head {
			t.Fatal("a refused move wrote")
		}
	})
	t.Run("MoveToTopAndBack", func(t *testing.T) {
		g, err := f.office.UpdateGroup(ctx, skim.ID, backoffice.GroupPatch{ParentID: backoffice.Clear[string]()})
		if err != nil || g.ParentID != nil {
			t.Fatalf("to the top: %+v, %v", g, err)
		}
		g, err = f.office.UpdateGroup(ctx, skim.ID, backoffice.GroupPatch{ParentID: backoffice.SetTo(dairy.ID), Name: ptr("Обрат")})
		if err != nil || *g.ParentID != dairy.ID || g.Name != "Обрат" {
			t.Fatalf("back: %+v, %v", g, err)
		}
	})
	t.Run("ErrBadParent", func(t *testing.T) {
		foreign := f.group(t, f.company(t, "other@shop.test"), "Чужая", nil)
		for _, parent := range []string{foreign.ID, mypos.NewID(), "x"} {
			_, err := f.office.CreateGroup(ctx, backoffice.GroupInput{Name: "Г", ParentID: &parent})
			wantCode(t, err, mypos.EINVALID, "parent_id")
			_, err = f.office.UpdateGroup(ctx, milk.ID, backoffice.GroupPatch{ParentID: backoffice.SetTo(parent)})
			wantCode(t, err, mypos.EINVALID, "parent_id")
		}
		_, err := f.office.CreateGroup(ctx, backoffice.GroupInput{Name: "Мясо/Птица"})
		wantCode(t, err, mypos.EINVALID, "name")
	})
	t.Run("Delete", func(t *testing.T) {
		wantCode(t, f.office.DeleteGroup(ctx, dairy.ID), mypos.ECONFLICT, "") // has subgroups
		g, err := f.office.CreateGoods(ctx, backoffice.GoodsInput{Code: "M", Name: "Молоко", Price: ptr(int64(1)), Unit: "piece", VAT: "none", GroupID: &milk.ID})
		if err != nil {
			t.Fatal(err)
		}
		wantCode(t, f.office.DeleteGroup(ctx, milk.ID), mypos.ECONFLICT, "") // has goods
		if err := f.office.DeleteGoods(ctx, g.ID); err != nil {
			t.Fatal(err)
		}
		head := f.head(t, ctx)
		if err := f.office.DeleteGroup(ctx, milk.ID); err != nil { // a deleted goods does not hold it
			t.Fatal(err)
		}
		if cs := f.changesSince(t, ctx, head); len(cs) != 1 || cs[0].Op != protocol.OpDelete || cs[0].Entity != milk.ID {
			t.Fatalf("changes %+v", cs)
		}
		_, err = f.office.GetGroup(ctx, milk.ID)
		wantCode(t, err, mypos.ENOTFOUND, "")
	})
	items, _, err := f.office.ListGroups(ctx, db.ListParams{Query: "ОБРАТ"})
	if err != nil || len(items) != 1 || items[0].ID != skim.ID {
		t.Fatalf("search %+v, %v", items, err)
	}
}

// Groups nest at most 16 deep, whether built level by level or by moving
// a subtree under another.
func TestGroupDepth(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := f.company(t, "shop@shop.test")
	var parent *string
	var chain []*backoffice.Group
	for i := 0; i < 16; i++ {
		g := f.group(t, ctx, fmt.Sprint("L", i+1), parent)
		chain, parent = append(chain, g), &g.ID
	}
	_, err := f.office.CreateGroup(ctx, backoffice.GroupInput{Name: "L17", ParentID: parent})
	wantCode(t, err, mypos.EINVALID, "parent_id")
	pair := f.group(t, ctx, "P1", nil)
	f.group(t, ctx, "P2", &pair.ID)
	_, err = f.office.UpdateGroup(ctx, pair.ID, backoffice.GroupPatch{ParentID: backoffice.SetTo(chain[14].ID)})
	wantCode(t, err, mypos.EINVALID, "parent_id") // 15 + 2 levels
	if _, err := f.office.UpdateGroup(ctx, pair.ID, backoffice.GroupPatch{ParentID: backoffice.SetTo(chain[13].ID)}); err != nil {
		t.Fatalf("14 + 2 levels: %v", err)
	}
}

// Two moves that each look fine alone — A under B, B under A — never both
// succeed: the tree is locked for a move.
func TestGroupMovesRace(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := f.company(t, "shop@shop.test")
	for round := 0; round < 6; round++ {
		a, b := f.group(t, ctx, "A", nil), f.group(t, ctx, "B", nil)
		var errA, errB error
		var wg sync.WaitGroup
		wg.Add(2)
		go func() {
			defer wg.Done()
			_, errA = f.office.UpdateGroup(ctx, a.ID, backoffice.GroupPatch{ParentID: backoffice.SetTo(b.ID)})
		}()
		go func() {
			defer wg.Done()
			_, errB = f.office.UpdateGroup(ctx, b.ID, backoffice.GroupPatch{ParentID: backoffice.SetTo(a.ID)})
		}()
		wg.Wait()
		if errA == nil && errB == nil {
			t.Fatalf("round %d: both moves succeeded: a cycle", round)
		}
		if errA != nil && errB != nil {
			t.Fatalf("round %d: both failed: %v; %v", round, errA, errB)
		}
		if errA != nil {
			wantCode(t, errA, mypos.EINVALID, "parent_id")
		} else {
			wantCode(t, errB, mypos.EINVALID, "parent_id")
		}
	}
}
