package sales

import (
	"context"
	"time"

	"mypos"
)

// Owners tells whose the cashiers, goods and discounts receipts name are
// — or were: one deleted since still sold what it sold. An ID no company
// ever had is absent from the answer. backoffice.Service implements it.
type Owners interface {
	CashierOwners(ctx context.Context, ids []string) (map[string]string, error)
	GoodsOwners(ctx context.Context, ids []string) (map[string]string, error)
	DiscountOwners(ctx context.Context, ids []string) (map[string]string, error)
}

// Licenses tells, for each device and moment, whether the device held a
// license then (or within slack of it) by the ledger's history.
// licensing.Service implements it.
type Licenses interface {
	HeldAt(ctx context.Context, moments map[string][]time.Time, slack time.Duration) (map[string][]bool, error)
}

// Checks are what the ingester checks receipts against that other packages
// keep, asked at most once a batch, never once a receipt: at 20 000
// receipts a second, a query a receipt would be the bottleneck. Owners are
// asked only of IDs the ingester has not met yet (see owners); Licenses
// once every batch, so a license document written on any node counts from
// the next batch on. Both are required: services.New passes backoffice's
// and licensing's.
type Checks struct {
	Owners   Owners
	Licenses Licenses
}

// clockSlack is how far a till's clock may be from the ledger's for a sale
// to count as licensed: a till sells only once it has heard of its license,
// so a sale seconds "before" an activation is a clock running behind.
const clockSlack = 5 * time.Minute

// check refuses, in errs, the receipts of a batch whose cashier, goods or
// discounts are not their device's company's, and marks the rest sold
// without a license by the ledger. A lookup that fails fails the whole
// batch, for now: every till uploads its receipts again.
func (g *Ingester) check(ctx context.Context, rows []*row) []error {
	errs := make([]error, len(rows))
	if err := g.checkOwners(ctx, rows, errs); err != nil {
		g.log.Warn("check a batch of receipts", "receipts", len(rows), "error", err)
		return fill(errs, err)
	}
	if err := g.markUnlicensed(ctx, rows, errs); err != nil {
		g.log.Warn("check a batch of receipts' licenses", "receipts", len(rows), "error", err)
		return fill(errs, err)
	}
	return errs
}

func fill(errs []error, err error) []error {
	for i := range errs {
		errs[i] = err
	}
	return errs
}

// checkOwners looks up whose the batch's cashiers, goods and discounts
// are — those it does not remember, a query of each kind for the whole
// batch — and refuses each receipt that names one another company has or
// nobody ever had.
func (g *Ingester) checkOwners(ctx context.Context, rows []*row, errs []error) error {
	var cashiers, goods, discounts []string
	for _, r := range rows {
		cashiers = append(cashiers, r.CashierID)
		goods = append(goods, r.goods...)
		discounts = append(discounts, r.discounts...)
	}
	cashierOf, err := g.owners.cashiers.of(ctx, cashiers, g.checks.Owners.CashierOwners)
	if err != nil {
		return err
	}
	goodsOf, err := g.owners.goods.of(ctx, goods, g.checks.Owners.GoodsOwners)
	if err != nil {
		return err
	}
	discountOf, err := g.owners.discounts.of(ctx, discounts, g.checks.Owners.DiscountOwners)
	if err != nil {
		return err
	}
	for i, r := range rows {
		errs[i] = r.owned(cashierOf, goodsOf, discountOf)
	}
	return nil
}

// owners remembers whose the cashiers, goods and discounts looked up are.
// An ID never changes company, and one deleted keeps its company
// (backoffice remembers it), so what is remembered is never stale, on any
// node, and most batches need no lookup at all. An ID nobody has is not
// remembered: it may be created in a moment. Only the goroutine that
// checks batches uses it.
type owners struct {
	cashiers, goods, discounts ownerMemo
}

// ownerMemo is one kind's memory, emptied when it reaches ownersRemembered.
type ownerMemo map[string]string

// ownersRemembered bounds each kind's memory: some 10 MB in all.
const ownersRemembered = 1 << 16

// of returns the owners of ids, asking lookup for those it does not
// remember, in one call.
func (m *ownerMemo) of(ctx context.Context, ids []string, lookup func(context.Context, []string) (map[string]string, error)) (map[string]string, error) {
	if *m == nil {
		*m = make(ownerMemo)
	}
	out := make(map[string]string, len(ids))
	var unknown []string
	for _, id := range distinct(ids) {
		if company, ok := (*m)[id]; ok {
			out[id] = company
		} else {
			unknown = append(unknown, id)
		}
	}
	if len(unknown) == 0 {
		return out, nil
	}
	found, err := lookup(ctx, unknown)
	if err != nil {
		return nil, err
	}
	if len(*m)+len(found) > ownersRemembered {
		*m = make(ownerMemo)
	}
	for id, company := range found {
		out[id] = company
		(*m)[id] = company
	}
	return out, nil
}

// owned refuses a receipt naming what is not its company's.
func (r *row) owned(cashierOf, goodsOf, discountOf map[string]string) error {
	if cashierOf[r.CashierID] != r.CompanyID {
		return mypos.Invalid("cashier_id", "The cashier is not one of the company's.")
	}
	for _, id := range r.goods {
		if goodsOf[id] != r.CompanyID {
			return mypos.Invalid("lines", "Goods %s is not one of the company's.", id)
		}
	}
	for _, id := range r.discounts {
		if discountOf[id] != r.CompanyID {
			return mypos.Invalid("lines", "Discount %s is not one of the company's.", id)
		}
	}
	return nil
}

// markUnlicensed asks the ledger, once for the batch, whether each
// receipt's device held a license when it was punched.
func (g *Ingester) markUnlicensed(ctx context.Context, rows []*row, errs []error) error {
	moments := map[string][]time.Time{}
	for i, r := range rows {
		if errs[i] == nil {
			moments[r.DeviceID] = append(moments[r.DeviceID], r.PunchedAt)
		}
	}
	held, err := g.checks.Licenses.HeldAt(ctx, moments, clockSlack)
	if err != nil {
		return err
	}
	next := map[string]int{} // each device's next answer, in the order asked
	for i, r := range rows {
		if errs[i] != nil {
			continue
		}
		answers := held[r.DeviceID]
		n := next[r.DeviceID]
		next[r.DeviceID] = n + 1
		r.Unlicensed = n >= len(answers) || !answers[n]
	}
	return nil
}

// distinct is ids without repeats, in first-seen order.
func distinct(ids []string) []string {
	seen := make(map[string]bool, len(ids))
	out := ids[:0:0]
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}
