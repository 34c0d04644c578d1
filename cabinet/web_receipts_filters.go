package cabinet

import (
	"cmp"
	"context"
	"slices"

	"mypos/backoffice"
	"mypos/db"
	"mypos/device"
)

// The receipts' filters: selects of the company's own stores, tills and
// cashiers. Their names also name the receipts' rows, so a page asks for
// each name once, not once per row.

// option is a choice of a select.
type option struct{ ID, Name string }

// filterOptions are the selects' choices, by name.
type filterOptions struct {
	Stores, Devices, Cashiers []option
}

// maxOptions bounds a select: one page of a list. A company with more
// stores, tills or cashiers than that filters by the first ones by name,
// and still sees every receipt.
const maxOptions = db.MaxLimit

// options lists the company's stores, devices and cashiers, and teaches n
// their names.
func (s *Server) options(ctx context.Context, n *names) (filterOptions, error) {
	var o filterOptions
	var err error
	if o.Stores, err = optionsOf(ctx, s.cfg.Backoffice.ListStores, func(x backoffice.Store) option { return option{x.ID, x.Name} }); err != nil {
		return o, err
	}
	if o.Devices, err = optionsOf(ctx, s.cfg.Devices.List, func(x device.Device) option { return option{x.ID, x.Name} }); err != nil {
		return o, err
	}
	if o.Cashiers, err = optionsOf(ctx, s.cfg.Backoffice.ListCashiers, func(x backoffice.Cashier) option { return option{x.ID, x.Name} }); err != nil {
		return o, err
	}
	n.learn("store:", o.Stores)
	n.learn("device:", o.Devices)
	n.learn("cashier:", o.Cashiers)
	return o, nil
}

// optionsOf is the first page of a list as choices, sorted by name.
func optionsOf[T any](ctx context.Context, list lister[T], opt func(T) option) ([]option, error) {
	items, _, err := list(ctx, db.ListParams{Limit: maxOptions})
	if err != nil {
		return nil, err
	}
	out := make([]option, len(items))
	for i, it := range items {
		out[i] = opt(it)
	}
	slices.SortFunc(out, func(a, b option) int { return cmp.Compare(a.Name, b.Name) })
	return out, nil
}

// learn remembers names a list gave.
func (n *names) learn(kind string, opts []option) {
	for _, o := range opts {
		n.known[kind+o.ID] = o.Name
	}
}
