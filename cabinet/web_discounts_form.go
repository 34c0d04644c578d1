package cabinet

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"mypos"
	"mypos/backoffice"
	"mypos/db"
	"mypos/protocol"
)

// discountFormView is the discount form as typed, or as stored to edit.
// Dates are days (YYYY-MM-DD, Moscow), the period's last day inclusive;
// GoodsCodes are the codes of the goods listed, separated by spaces.
type discountFormView struct {
	ID, Name, Kind, Value, Target, GroupID, GoodsCodes string
	AllStores                                          bool
	StoreIDs                                           map[string]bool
	StartsOn, EndsOn, TimeFrom, TimeTo                 string
	Days                                               map[int]bool
	Active                                             bool
	// What the form offers.
	Groups   []*groupNode
	Stores   []backoffice.Store
	Weekdays []weekday
}

// weekday is a checkbox of the form: its ISO number and its word's ID.
type weekday struct {
	N  int
	ID string
}

// moscow is the zone a company's days are in, as the cabinet shows them.
var moscow = func() *time.Location {
	z, err := time.LoadLocation("Europe/Moscow")
	if err != nil {
		panic("cabinet: " + err.Error()) // i18n embeds the zone database
	}
	return z
}()

// firstDay is the day of t in Moscow; lastDay the day before the midnight t.
func firstDay(t *time.Time) string { return t.In(moscow).Format(time.DateOnly) }

func lastDay(t *time.Time) string {
	d := t.In(moscow).Add(-time.Nanosecond)
	return d.Format(time.DateOnly)
}

func discountFormOf(c *fiber.Ctx) discountFormView {
	f := discountFormView{Name: c.FormValue("name"), Kind: c.FormValue("kind"), Value: c.FormValue("value"),
		Target: c.FormValue("target"), GroupID: c.FormValue("group_id"), GoodsCodes: c.FormValue("goods_ids"),
		AllStores: c.FormValue("stores") != "listed", StoreIDs: map[string]bool{}, Days: map[int]bool{},
		StartsOn: c.FormValue("starts_at"), EndsOn: c.FormValue("ends_at"), TimeFrom: c.FormValue("time_from"),
		TimeTo: c.FormValue("time_to"), Active: c.FormValue("active") != ""}
	args := c.Context().PostArgs()
	for _, id := range args.PeekMulti("store_ids") {
		f.StoreIDs[string(id)] = true
	}
	for _, d := range args.PeekMulti("days") {
		if n, err := strconv.Atoi(string(d)); err == nil {
			f.Days[n] = true
		}
	}
	return f
}

// input reads the form as the service's input: the value as a percent
// or roubles, codes as goods, days as dates in Moscow.
func (s *Server) discountInput(c *fiber.Ctx, f discountFormView) (backoffice.DiscountInput, error) {
	in := backoffice.DiscountInput{Name: f.Name, Kind: f.Kind, Target: f.Target, AllStores: f.AllStores,
		GoodsIDs: []string{}, StoreIDs: []string{}, Active: &f.Active}
	var err error
	if in.Value, err = discountValue(f.Kind, f.Value); err != nil {
		return in, err
	}
	if f.Target == backoffice.TargetGroup {
		in.GroupID = optional(f.GroupID)
	}
	if f.Target == backoffice.TargetGoods {
		if in.GoodsIDs, err = s.goodsByCodes(c, f.GoodsCodes); err != nil {
			return in, err
		}
	}
	if !f.AllStores {
		for id := range f.StoreIDs {
			in.StoreIDs = append(in.StoreIDs, id)
		}
	}
	for n := 1; n <= 7; n++ {
		if f.Days[n] {
			in.Days = append(in.Days, n)
		}
	}
	if in.StartsAt, err = dayStart("starts_at", f.StartsOn, 0); err != nil {
		return in, err
	}
	if in.EndsAt, err = dayStart("ends_at", f.EndsOn, 1); err != nil {
		return in, err
	}
	in.TimeFrom, in.TimeTo = optional(f.TimeFrom), optional(f.TimeTo)
	return in, nil
}

// discountValue reads a percent ("12,5") into hundredths of a percent, or
// an amount in roubles into kopecks.
func discountValue(kind, typed string) (int64, error) {
	v, err := backoffice.ParseRubles("value", typed)
	if kind == protocol.DiscountPercent && (err != nil || v < 1 || v > protocol.MaxPercent) {
		return 0, mypos.Invalid("value", "A percent is a number like 12.5, from 0.01 to 100.")
	}
	return v, err
}

// dayStart is the midnight in Moscow that starts a day typed as
// YYYY-MM-DD, or the one after it (plus 1: a period's inclusive end).
func dayStart(field, typed string, plus int) (*time.Time, error) {
	if typed == "" {
		return nil, nil
	}
	t, err := time.ParseInLocation(time.DateOnly, typed, moscow)
	if err != nil {
		return nil, mypos.Invalid(field, "A date is written YYYY-MM-DD.")
	}
	t = t.AddDate(0, 0, plus)
	return &t, nil
}

// goodsByCodes finds the company's goods by the codes typed, each exactly.
func (s *Server) goodsByCodes(c *fiber.Ctx, typed string) ([]string, error) {
	ids := []string{}
	for _, code := range strings.Fields(typed) {
		found, _, err := s.cfg.Backoffice.ListGoods(c.UserContext(), db.ListParams{Query: code, Limit: db.MaxLimit})
		if err != nil {
			return nil, err
		}
		id := ""
		for _, g := range found {
			if g.Code == code {
				id = g.ID
			}
		}
		if id == "" {
			return nil, mypos.Invalid("goods_ids", "No such %s in this company: %q.", "goods", code)
		}
		ids = append(ids, id)
	}
	return ids, nil
}

// renderDiscountForm shows the form with what it offers, the error next
// to its field.
func (s *Server) renderDiscountForm(c *fiber.Ctx, f discountFormView, err error) error {
	ctx := c.UserContext()
	status, ok := formStatus(err, f.ID != "")
	if !ok {
		return err
	}
	tree, lerr := s.loadGroups(ctx)
	if lerr != nil {
		return lerr
	}
	if f.Stores, lerr = collect(ctx, s.cfg.Backoffice.ListStores); lerr != nil {
		return lerr
	}
	f.Groups = tree.Flat
	for i, id := range weekdayIDs {
		f.Weekdays = append(f.Weekdays, weekday{N: i + 1, ID: id})
	}
	return s.render(c, status, "discounts_form", page{Err: err, Data: f})
}

func (s *Server) discountNew(c *fiber.Ctx) error {
	return s.renderDiscountForm(c, discountFormView{Kind: protocol.DiscountPercent, Target: backoffice.TargetAll,
		AllStores: true, Active: true, StoreIDs: map[string]bool{}, Days: map[int]bool{}}, nil)
}

func (s *Server) discountCreate(c *fiber.Ctx) error {
	f := discountFormOf(c)
	in, err := s.discountInput(c, f)
	var d *backoffice.Discount
	if err == nil {
		d, err = s.cfg.Backoffice.CreateDiscount(c.UserContext(), in)
	}
	if err != nil {
		return s.renderDiscountForm(c, f, err)
	}
	s.setFlash(c, "discounts.created", "Name", d.Name)
	return c.Redirect("/discounts", http.StatusSeeOther)
}

// discountEdit shows a discount as stored.
func (s *Server) discountEdit(c *fiber.Ctx) error {
	d, err := s.cfg.Backoffice.GetDiscount(c.UserContext(), c.Params("id"))
	if err != nil {
		return err
	}
	f := discountFormView{ID: d.ID, Name: d.Name, Kind: d.Kind, Value: decimalIn(loc(c), backoffice.FormatRubles(d.Value)),
		Target: d.Target, GroupID: deref(d.GroupID), AllStores: d.AllStores, StoreIDs: map[string]bool{},
		Days: map[int]bool{}, TimeFrom: deref(d.TimeFrom), TimeTo: deref(d.TimeTo), Active: d.Active}
	var codes []string
	for _, id := range d.GoodsIDs {
		if g, err := s.cfg.Backoffice.GetGoods(c.UserContext(), id); err == nil {
			codes = append(codes, g.Code)
		}
	}
	f.GoodsCodes = strings.Join(codes, " ")
	for _, id := range d.StoreIDs {
		f.StoreIDs[id] = true
	}
	for _, n := range d.Days {
		f.Days[n] = true
	}
	if d.StartsAt != nil {
		f.StartsOn = firstDay(d.StartsAt)
	}
	if d.EndsAt != nil {
		f.EndsOn = lastDay(d.EndsAt)
	}
	return s.renderDiscountForm(c, f, nil)
}

// discountUpdate saves the whole form over the discount.
func (s *Server) discountUpdate(c *fiber.Ctx) error {
	// Another company's discount is not there, whatever the form says.
	if _, err := s.cfg.Backoffice.GetDiscount(c.UserContext(), c.Params("id")); err != nil {
		return err
	}
	f := discountFormOf(c)
	f.ID = c.Params("id")
	in, err := s.discountInput(c, f)
	var d *backoffice.Discount
	if err == nil {
		d, err = s.cfg.Backoffice.UpdateDiscount(c.UserContext(), f.ID, wholePatch(in))
	}
	if err != nil {
		return s.renderDiscountForm(c, f, err)
	}
	s.setFlash(c, "discounts.saved", "Name", d.Name)
	return c.Redirect("/discounts", http.StatusSeeOther)
}

// wholePatch sets every field of a discount to the input's.
func wholePatch(in backoffice.DiscountInput) backoffice.DiscountPatch {
	return backoffice.DiscountPatch{Name: &in.Name, Kind: &in.Kind, Value: &in.Value, Target: &in.Target,
		GroupID: in.GroupID, GoodsIDs: &in.GoodsIDs, AllStores: &in.AllStores, StoreIDs: &in.StoreIDs,
		StartsAt: nullable(in.StartsAt), EndsAt: nullable(in.EndsAt), Days: nullable(&in.Days),
		TimeFrom: nullable(in.TimeFrom), TimeTo: nullable(in.TimeTo), Active: in.Active}
}

func nullable[T any](v *T) backoffice.Nullable[T] {
	if v == nil {
		return backoffice.Clear[T]()
	}
	return backoffice.SetTo(*v)
}

func (s *Server) discountDeleteConfirm(c *fiber.Ctx) error {
	d, err := s.cfg.Backoffice.GetDiscount(c.UserContext(), c.Params("id"))
	if err != nil {
		return err
	}
	l := loc(c)
	return s.render(c, http.StatusOK, "confirm", page{Data: confirmView{
		Title: l.T("discounts.delete.title"), Question: l.T("discounts.delete.question", "Name", d.Name),
		Note: l.T("discounts.delete.note"), Button: l.T("discounts.delete.button"), Danger: true,
		Action: "/discounts/" + d.ID + "/delete", Back: "/discounts",
	}})
}

func (s *Server) discountDelete(c *fiber.Ctx) error {
	ctx := c.UserContext()
	d, err := s.cfg.Backoffice.GetDiscount(ctx, c.Params("id"))
	if err != nil {
		return err
	}
	if err := s.cfg.Backoffice.DeleteDiscount(ctx, d.ID); err != nil {
		return err
	}
	s.setFlash(c, "discounts.deleted", "Name", d.Name)
	return c.Redirect("/discounts", http.StatusSeeOther)
}
