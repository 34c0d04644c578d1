package backoffice

import (
	"fmt"
	"slices"
	"time"

	"mypos"
	"mypos/protocol"
)

// Discount targets: which goods a discount applies to (see protocol).
const (
	TargetAll   = protocol.TargetAll
	TargetGroup = protocol.TargetGroup
	TargetGoods = protocol.TargetGoods
)

// Discount is a company's discount. Kind and Value follow protocol:
// "percent" in hundredths of a percent (1250 is 12.5 %), "amount" in
// kopecks off a line. It applies in every store (AllStores) or the stores
// listed; while active, from StartsAt to EndsAt (either may be open), on
// Days (ISO weekdays 1 Monday … 7 Sunday; none: every day) and from
// TimeFrom to TimeTo ("HH:MM", the till's local time; none: all day).
type Discount struct {
	ID        string     `gorm:"column:id;primaryKey" json:"id"`
	CompanyID string     `gorm:"column:company_id" json:"-"`
	Name      string     `gorm:"column:name" json:"name"`
	NameKey   string     `gorm:"column:name_key" json:"-"`
	Kind      string     `gorm:"column:kind" json:"kind"`
	Value     int64      `gorm:"column:value" json:"value"`
	Target    string     `gorm:"column:target" json:"target"`
	GroupID   *string    `gorm:"column:target_group" json:"group_id"`
	GoodsIDs  []string   `gorm:"-" json:"goods_ids"`
	AllStores bool       `gorm:"column:all_stores" json:"all_stores"`
	StoreIDs  []string   `gorm:"-" json:"store_ids"`
	StartsAt  *time.Time `gorm:"column:starts_at" json:"starts_at"`
	EndsAt    *time.Time `gorm:"column:ends_at" json:"ends_at"`
	Days      []int      `gorm:"-" json:"days"`
	DaysMask  int        `gorm:"column:days" json:"-"`
	TimeFrom  *string    `gorm:"-" json:"time_from"`
	TimeTo    *string    `gorm:"-" json:"time_to"`
	FromMin   *int       `gorm:"column:time_from" json:"-"`
	ToMin     *int       `gorm:"column:time_to" json:"-"`
	Active    bool       `gorm:"column:active" json:"active"`
	CreatedAt time.Time  `gorm:"column:created_at" json:"created_at"`
	UpdatedAt time.Time  `gorm:"column:updated_at" json:"updated_at"`
}

// TableName tells gorm the table.
func (Discount) TableName() string { return "discounts" }

// DiscountInput is what a company tells about a new discount. Either
// all_stores is true or store_ids lists stores; Active is true when left out.
type DiscountInput struct {
	Name      string     `json:"name"`
	Kind      string     `json:"kind"`
	Value     int64      `json:"value"`
	Target    string     `json:"target"`
	GroupID   *string    `json:"group_id"`
	GoodsIDs  []string   `json:"goods_ids"`
	AllStores bool       `json:"all_stores"`
	StoreIDs  []string   `json:"store_ids"`
	StartsAt  *time.Time `json:"starts_at"`
	EndsAt    *time.Time `json:"ends_at"`
	Days      []int      `json:"days"`
	TimeFrom  *string    `json:"time_from"`
	TimeTo    *string    `json:"time_to"`
	Active    *bool      `json:"active"`
}

// DiscountPatch changes the fields it sets; the result must still be a
// whole discount. Setting target to "all" forgets the group and goods;
// store_ids set to stores turns all_stores off, all_stores true forgets
// the stores. null clears a period end, the days or the hours.
type DiscountPatch struct {
	Name      *string             `json:"name"`
	Kind      *string             `json:"kind"`
	Value     *int64              `json:"value"`
	Target    *string             `json:"target"`
	GroupID   *string             `json:"group_id"`
	GoodsIDs  *[]string           `json:"goods_ids"`
	AllStores *bool               `json:"all_stores"`
	StoreIDs  *[]string           `json:"store_ids"`
	StartsAt  Nullable[time.Time] `json:"starts_at"`
	EndsAt    Nullable[time.Time] `json:"ends_at"`
	Days      Nullable[[]int]     `json:"days"`
	TimeFrom  Nullable[string]    `json:"time_from"`
	TimeTo    Nullable[string]    `json:"time_to"`
	Active    *bool               `json:"active"`
}

// Bounds of a discount's lists: far above any real promotion, low enough
// for one query.
const (
	maxDiscountGoods  = 10_000
	maxDiscountStores = 1_000
)

// Patch applies the set fields to d; validate checks the result.
func (p DiscountPatch) Patch(d *Discount) {
	set(&d.Name, p.Name)
	set(&d.Kind, p.Kind)
	set(&d.Value, p.Value)
	p.patchTarget(d)
	p.patchStores(d)
	p.StartsAt.apply(&d.StartsAt)
	p.EndsAt.apply(&d.EndsAt)
	if p.Days.Set {
		d.Days = nil
		if p.Days.Value != nil {
			d.Days = *p.Days.Value
		}
	}
	p.TimeFrom.apply(&d.TimeFrom)
	p.TimeTo.apply(&d.TimeTo)
	set(&d.Active, p.Active)
}

func (p DiscountPatch) patchTarget(d *Discount) {
	set(&d.Target, p.Target)
	if p.GroupID != nil {
		d.GroupID = p.GroupID
	}
	set(&d.GoodsIDs, p.GoodsIDs)
	if d.Target != TargetGroup && p.GroupID == nil {
		d.GroupID = nil // the group was the old target's
	}
	if d.Target != TargetGoods && p.GoodsIDs == nil {
		d.GoodsIDs = []string{}
	}
}

func (p DiscountPatch) patchStores(d *Discount) {
	switch {
	case p.StoreIDs != nil && len(*p.StoreIDs) > 0 && p.AllStores == nil:
		d.AllStores, d.StoreIDs = false, *p.StoreIDs
	case p.AllStores != nil && *p.AllStores && p.StoreIDs == nil:
		d.AllStores, d.StoreIDs = true, []string{}
	default:
		set(&d.AllStores, p.AllStores)
		set(&d.StoreIDs, p.StoreIDs)
	}
}

func set[T any](dst *T, v *T) {
	if v != nil {
		*dst = *v
	}
}

// validate checks a whole discount and normalises its lists and hours.
// listsSet asks that a goods or store list the request set is not empty;
// a list emptied since, by deleting its goods or stores, stays valid.
func (d *Discount) validate(listsSet bool) error {
	name, err := mypos.Text("name", d.Name, 1, maxName)
	if err != nil {
		return err
	}
	d.Name, d.NameKey = name, searchKey(name)
	if err := d.validateValue(); err != nil {
		return err
	}
	if err := d.validateTarget(listsSet); err != nil {
		return err
	}
	if err := d.validateStores(listsSet); err != nil {
		return err
	}
	if err := d.validateWhen(); err != nil {
		return err
	}
	d.derive()
	return nil
}

func (d *Discount) validateValue() error {
	switch d.Kind {
	case protocol.DiscountPercent:
		if d.Value < 1 || d.Value > protocol.MaxPercent {
			return mypos.Invalid("value", "A percent discount is 1 to 10000 hundredths of a percent (12.5 %% is 1250).")
		}
	case protocol.DiscountAmount:
		if d.Value < 1 || d.Value > protocol.MaxPrice {
			return mypos.Invalid("value", "An amount discount is 1 to %d kopecks.", int64(protocol.MaxPrice))
		}
	default:
		return mypos.Invalid("kind", "A discount's kind is %q or %q.", protocol.DiscountPercent, protocol.DiscountAmount)
	}
	return nil
}

func (d *Discount) validateTarget(listsSet bool) error {
	switch {
	case d.Target != TargetAll && d.Target != TargetGroup && d.Target != TargetGoods:
		return mypos.Invalid("target", "A discount's target is %q, %q or %q.", TargetAll, TargetGroup, TargetGoods)
	case d.Target == TargetGroup && (d.GroupID == nil || !mypos.ValidID(*d.GroupID)):
		return mypos.Invalid("group_id", "A discount on a group needs the group's ID.")
	case d.Target != TargetGroup && d.GroupID != nil:
		return mypos.Invalid("group_id", "Only a discount whose target is %q has a group.", TargetGroup)
	case d.Target != TargetGoods && len(d.GoodsIDs) > 0:
		return mypos.Invalid("goods_ids", "Only a discount whose target is %q lists goods.", TargetGoods)
	case d.Target == TargetGoods && listsSet && len(d.GoodsIDs) == 0:
		return mypos.Invalid("goods_ids", "A discount on listed goods needs at least one goods.")
	case len(d.GoodsIDs) > maxDiscountGoods:
		return mypos.Invalid("goods_ids", "A discount lists at most %d goods.", maxDiscountGoods)
	}
	d.GoodsIDs = idSet(d.GoodsIDs)
	return nil
}

func (d *Discount) validateStores(listsSet bool) error {
	switch {
	case d.AllStores && len(d.StoreIDs) > 0:
		return mypos.Invalid("store_ids", "A discount is for all stores or for the stores listed, not both.")
	case !d.AllStores && listsSet && len(d.StoreIDs) == 0:
		return mypos.Invalid("store_ids", "Say all_stores: true, or list the stores.")
	case len(d.StoreIDs) > maxDiscountStores:
		return mypos.Invalid("store_ids", "A discount lists at most %d stores.", maxDiscountStores)
	}
	d.StoreIDs = idSet(d.StoreIDs)
	return nil
}

// validateWhen checks the period, the days and the hours.
func (d *Discount) validateWhen() error {
	if d.StartsAt != nil && d.EndsAt != nil && !d.EndsAt.After(*d.StartsAt) {
		return mypos.Invalid("ends_at", "A discount ends after it starts.")
	}
	d.StartsAt, d.EndsAt = utc(d.StartsAt), utc(d.EndsAt)
	mask := 0
	for _, day := range d.Days {
		if day < 1 || day > 7 {
			return mypos.Invalid("days", "Days are ISO weekdays: 1 (Monday) to 7 (Sunday).")
		}
		mask |= 1 << day
	}
	d.DaysMask, d.Days = mask, daysOf(mask)
	return d.validateHours()
}

func (d *Discount) validateHours() error {
	if (d.TimeFrom == nil) != (d.TimeTo == nil) {
		return mypos.Invalid("time_to", "Hours need both time_from and time_to, or neither.")
	}
	if d.TimeFrom == nil {
		d.FromMin, d.ToMin = nil, nil
		return nil
	}
	from, okFrom := parseClock(*d.TimeFrom)
	to, okTo := parseClock(*d.TimeTo)
	switch {
	case !okFrom:
		return mypos.Invalid("time_from", "A time is HH:MM, 00:00 to 24:00.")
	case !okTo:
		return mypos.Invalid("time_to", "A time is HH:MM, 00:00 to 24:00.")
	case from >= to:
		return mypos.Invalid("time_to", "time_to is after time_from; for hours across midnight make two discounts.")
	}
	d.FromMin, d.ToMin = &from, &to
	return nil
}

// derive fills the JSON-facing fields from the stored ones.
func (d *Discount) derive() {
	d.Days = daysOf(d.DaysMask)
	d.TimeFrom, d.TimeTo = clockOf(d.FromMin), clockOf(d.ToMin)
	d.StartsAt, d.EndsAt = utc(d.StartsAt), utc(d.EndsAt)
	if d.GoodsIDs == nil {
		d.GoodsIDs = []string{}
	}
	if d.StoreIDs == nil {
		d.StoreIDs = []string{}
	}
}

func daysOf(mask int) []int {
	days := []int{}
	for day := 1; day <= 7; day++ {
		if mask&(1<<day) != 0 {
			days = append(days, day)
		}
	}
	return days
}

// parseClock reads "HH:MM" into minutes after midnight; "24:00" is the end
// of the day.
func parseClock(s string) (int, bool) {
	if len(s) != 5 || s[2] != ':' || !digits(s[:2]) || !digits(s[3:]) {
		return 0, false
	}
	h := int(s[0]-'0')*10 + int(s[1]-'0')
	m := int(s[3]-'0')*10 + int(s[4]-'0')
	if h > 24 || m > 59 || h == 24 && m != 0 {
		return 0, false
	}
	return h*60 + m, true
}

func digits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

func clockOf(min *int) *string {
	if min == nil {
		return nil
	}
	s := fmt.Sprintf("%02d:%02d", *min/60, *min%60)
	return &s
}

func utc(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC().Truncate(time.Microsecond)
	return &u
}

// idSet returns IDs sorted, without repeats, never nil.
func idSet(ids []string) []string {
	s := slices.Clone(ids)
	slices.Sort(s)
	s = slices.Compact(s)
	if s == nil {
		s = []string{}
	}
	return s
}

// discountBody is a discount as terminals receive it: protocol's terms.
type discountBody = protocol.DiscountTerms

func (d *Discount) body() discountBody {
	return discountBody{ID: d.ID, Name: d.Name, Kind: d.Kind, Value: d.Value, Target: d.Target, GroupID: d.GroupID,
		GoodsIDs: d.GoodsIDs, StartsAt: d.StartsAt, EndsAt: d.EndsAt, Days: d.Days, TimeFrom: d.TimeFrom,
		TimeTo: d.TimeTo, Active: d.Active}
}
