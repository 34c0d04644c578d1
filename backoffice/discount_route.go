package backoffice

import (
	"context"
	"slices"

	"mypos/changelog"
	"mypos/protocol"
)

// How a discount reaches devices. A changelog scope names the whole
// company, one store or a set of devices — not several stores. A set of
// devices would go stale as devices move between stores, so a discount for
// listed stores is logged as one copy per store: entity "ID@storeID",
// scope that store. Each device thus holds its store's copy (the body
// carries the discount's own ID); a device moved to another store gets a
// reset, and with it the other store's copies. A discount for all stores
// is one entity, "ID", scoped to the company.
//
// When the stores change, the copies of the stores dropped are deleted
// (scope: that store), so exactly the devices that lose the discount are
// told; going from listed stores to all (or back) deletes the old form and
// upserts the new one in the same transaction, and a device applies a
// batch atomically, so it is never without the discount in between.

// reach is who a discount reaches: all stores or the listed ones.
type reach struct {
	all    bool
	stores []string
}

func reachOf(d *Discount) *reach {
	return &reach{all: d.AllStores, stores: slices.Clone(d.StoreIDs)}
}

// keeps reports whether r still reaches the store's copy.
func (r *reach) keeps(storeID string) bool {
	return r != nil && !r.all && slices.Contains(r.stores, storeID)
}

// routeDiscount appends what devices must do when a discount's reach goes
// from before to after; nil before is a new discount, nil after a deleted one.
func (s *Service) routeDiscount(ctx context.Context, d *Discount, before, after *reach) error {
	var entries []changelog.Entry
	del := func(entity string, scope changelog.Scope) {
		entries = append(entries, changelog.Entry{Kind: protocol.KindDiscount, Entity: entity, Op: protocol.OpDelete, Scope: scope})
	}
	up := func(entity string, scope changelog.Scope) {
		entries = append(entries, changelog.Entry{Kind: protocol.KindDiscount, Entity: entity, Op: protocol.OpUpsert, Body: d.body(), Scope: scope})
	}
	if before != nil && before.all && (after == nil || !after.all) {
		del(d.ID, changelog.Company())
	}
	if before != nil {
		for _, st := range before.stores {
			if !after.keeps(st) {
				del(discountCopy(d.ID, st), changelog.Store(st))
			}
		}
	}
	switch {
	case after == nil:
	case after.all:
		up(d.ID, changelog.Company())
	default:
		for _, st := range after.stores {
			up(discountCopy(d.ID, st), changelog.Store(st))
		}
	}
	for _, e := range entries {
		if _, err := s.changes.Append(ctx, d.CompanyID, e); err != nil {
			return err
		}
	}
	return nil
}
