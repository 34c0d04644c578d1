package protocol

import (
	"slices"
	"strconv"
	"time"
)

// Discount targets: which goods a discount applies to.
const (
	TargetAll   = "all"   // every goods
	TargetGroup = "group" // the goods of a group and its subgroups (GroupID)
	TargetGoods = "goods" // the goods listed (GoodsIDs)
)

// DiscountTerms is a discount as a terminal receives it (the body of a
// "discount" item): what it takes off, which goods it is for and when it
// applies. Which stores it is for is not in it: each store's terminals get
// their own copy. The cabinet writes it and the till reads it through
// this one type, so they never disagree on a field.
type DiscountTerms struct {
	ID       string     `json:"id"`
	Name     string     `json:"name"`
	Kind     string     `json:"kind"`  // DiscountPercent or DiscountAmount
	Value    int64      `json:"value"` // see Discount
	Target   string     `json:"target"`
	GroupID  *string    `json:"group_id"`
	GoodsIDs []string   `json:"goods_ids"`
	StartsAt *time.Time `json:"starts_at"`
	EndsAt   *time.Time `json:"ends_at"`
	Days     []int      `json:"days"`      // ISO weekdays, 1 (Monday) to 7; none: every day
	TimeFrom *string    `json:"time_from"` // "HH:MM" local, with TimeTo; none: all day
	TimeTo   *string    `json:"time_to"`
	Active   bool       `json:"active"`
}

// NotNow says why the discount does not apply at at — switched off,
// outside its period, its weekdays or its hours — or "" when it does. The
// weekday and the hours are read on at's own clock: the till's local time.
func (d *DiscountTerms) NotNow(at time.Time) string {
	day := int(at.Weekday())
	if day == 0 {
		day = 7 // ISO: Sunday is 7
	}
	switch {
	case !d.Active:
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

// inHours reports whether at's time of day is in [TimeFrom, TimeTo).
func (d *DiscountTerms) inHours(at time.Time) bool {
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
