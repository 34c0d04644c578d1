package agent

import (
	"encoding/json"
	"net/http"
	"slices"
	"time"

	"mypos/protocol"
)

// discountFor returns the discount id for goods g on a sale at at, or a
// bad_discount refusal: the local database has no such discount (it is not for
// this till's store), or it does not apply to g, or not now.
func (c *catalog) discountFor(id string, g *goodsFacts, at time.Time, line int) (*protocol.Discount, error) {
	bad := func(format string, args ...any) error {
		return deny(http.StatusUnprocessableEntity, codeBadDiscount, "line %d: discount %s "+format, append([]any{line, id}, args...)...)
	}
	body := c.copyOf(protocol.KindDiscount, id)
	if body == nil {
		return nil, bad("is not among this till's discounts")
	}
	var d protocol.DiscountTerms
	if err := json.Unmarshal(body, &d); err != nil {
		return nil, bad("is unreadable on this till: sync and try again")
	}
	if why := d.NotNow(at); why != "" {
		return nil, bad("%s", why)
	}
	if !c.covers(&d, g) {
		return nil, bad("does not apply to goods %s", g.ID)
	}
	return &protocol.Discount{Kind: d.Kind, Value: d.Value}, nil
}

// covers reports whether the discount's target includes g: only the till
// knows its catalog's group tree.
func (c *catalog) covers(d *protocol.DiscountTerms, g *goodsFacts) bool {
	switch d.Target {
	case protocol.TargetAll:
		return true
	case protocol.TargetGoods:
		return slices.Contains(d.GoodsIDs, g.ID)
	case protocol.TargetGroup:
		return d.GroupID != nil && c.inGroup(g.GroupID, *d.GroupID)
	}
	return false
}
