package agent

import (
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"time"

	"mypos/protocol"
)

// Discount targets (see backoffice/discount.go).
const (
	targetAll   = "all"
	targetGroup = "group"
	targetGoods = "goods"
)

// discountBody is a discount as the cloud sends it: what it takes off,
// which goods it is for, and when it applies (the till's local time).
type discountBody struct {
	ID       string     `json:"id"`
	Name     string     `json:"name"`
	Kind     string     `json:"kind"`
	Value    int64      `json:"value"`
	Target   string     `json:"target"`
	GroupID  *string    `json:"group_id"`
	GoodsIDs []string   `json:"goods_ids"`
	StartsAt *time.Time `json:"starts_at"`
	EndsAt   *time.Time `json:"ends_at"`
	Days     []int      `json:"days"`
	TimeFrom *string    `json:"time_from"`
	TimeTo   *string    `json:"time_to"`
	Active   *bool      `json:"active"`
}

// discountFor returns the discount id for goods g on a sale at at, or a
// bad_discount refusal: the store has no such discount (it is not for
// this till's store), or it does not apply to g, or not now.
func (c *catalog) discountFor(id string, g *goodsFacts, at time.Time, line int) (*protocol.Discount, error) {
	bad := func(format string, args ...any) error {
		return deny(http.StatusUnprocessableEntity, "bad_discount", "line %d: discount %s "+format, append([]any{line, id}, args...)...)
	}
	body := c.copyOf(kindDiscount, id)
	if body == nil {
		return nil, bad("is not among this till's discounts")
	}
	var d discountBody
	if err := json.Unmarshal(body, &d); err != nil {
		return nil, bad("is unreadable on this till: sync and try again")
	}
	if why := d.notNow(at); why != "" {
		return nil, bad("%s", why)
	}
	if !d.covers(c, g) {
		return nil, bad("does not apply to goods %s", g.ID)
	}
	return &protocol.Discount{Kind: d.Kind, Value: d.Value}, nil
}

// covers reports whether the discount's target includes g.
func (d *discountBody) covers(c *catalog, g *goodsFacts) bool {
	switch d.Target {
	case targetAll:
		return true
	case targetGoods:
		return slices.Contains(d.GoodsIDs, g.ID)
	case targetGroup:
		return d.GroupID != nil && c.inGroup(g.GroupID, *d.GroupID)
	}
	return false
}

// notNow says why the discount does not apply at at, "" when it does:
// switched off, outside its period, its weekdays or its hours.
func (d *discountBody) notNow(at time.Time) string {
	day := int(at.Weekday())
	if day == 0 {
		day = 7 // ISO: Sunday is 7
	}
	switch {
	case d.Active != nil && !*d.Active:
		return "is switched off"
	case d.StartsAt != nil && at.Before(*d.StartsAt):
		return "has not started yet"
	case d.EndsAt != nil && !at.Before(*d.EndsAt):
		return "has ended"
	case len(d.Days) > 0 && !slices.Contains(d.Days, day):
		return "does not apply on this weekday"
	case !d.inHours(at):
		return "applies from " + *d.TimeFrom + " to " + *d.TimeTo + " only"
	}
	return ""
}

// inHours reports whether at's local time of day is in [time_from, time_to).
func (d *discountBody) inHours(at time.Time) bool {
	if d.TimeFrom == nil || d.TimeTo == nil {
		return true
	}
	from, okFrom := clockMinutes(*d.TimeFrom)
	to, okTo := clockMinutes(*d.TimeTo)
	now := at.Hour()*60 + at.Minute()
	return okFrom && okTo && from <= now && now < to
}

// clockMinutes reads "HH:MM" as minutes after midnight.
func clockMinutes(s string) (int, bool) {
	if len(s) != 5 || s[2] != ':' {
		return 0, false
	}
	h, errH := strconv.Atoi(s[:2])
	m, errM := strconv.Atoi(s[3:])
	return h*60 + m, errH == nil && errM == nil
}
