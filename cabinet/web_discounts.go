package cabinet

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"mypos/backoffice"
	"mypos/db"
	"mypos/i18n"
	"mypos/protocol"
)

// discountPages are the company's discounts.
func (s *Server) discountPages(r webRouter) {
	r.get("/discounts", s.discountsList)
	r.get("/discounts/new", s.discountNew)
	r.post("/discounts/new", s.discountCreate)
	r.get("/discounts/:id", s.discountEdit)
	r.post("/discounts/:id", s.discountUpdate)
	r.get("/discounts/:id/delete", s.discountDeleteConfirm)
	r.post("/discounts/:id/delete", s.discountDelete)
}

// discountsView is a page of discounts, each said in words.
type discountsView struct {
	Query             string
	Items             []discountLine
	FirstURL, NextURL string
}

// discountLine is a discount as the list says it in the page's language:
// how much, on what, where and when.
type discountLine struct {
	ID, Name, Value, Target, Stores, Period, Days, Hours string
	Active                                               bool
}

func (s *Server) discountsList(c *fiber.Ctx) error {
	ctx := c.UserContext()
	p, err := listParams(c)
	if err != nil {
		return err
	}
	items, next, err := s.cfg.Backoffice.ListDiscounts(ctx, p)
	if err != nil {
		return err
	}
	w, err := s.newDiscountWords(ctx, loc(c))
	if err != nil {
		return err
	}
	v := discountsView{Query: p.Query}
	for i := range items {
		v.Items = append(v.Items, w.line(&items[i]))
	}
	if p.Cursor != "" {
		v.FirstURL = listURL("/discounts", db.ListParams{Query: p.Query})
	}
	if next != "" {
		v.NextURL = listURL("/discounts", db.ListParams{Query: p.Query, Cursor: next})
	}
	return s.render(c, http.StatusOK, "discounts_list", page{Data: v})
}

// discountWords says a discount's terms: it knows the company's groups
// and stores by name.
type discountWords struct {
	l      *i18n.Locale
	groups *groupTree
	stores map[string]string
}

func (s *Server) newDiscountWords(ctx context.Context, l *i18n.Locale) (*discountWords, error) {
	tree, err := s.loadGroups(ctx)
	if err != nil {
		return nil, err
	}
	stores, err := collect(ctx, s.cfg.Backoffice.ListStores)
	if err != nil {
		return nil, err
	}
	w := &discountWords{l: l, groups: tree, stores: map[string]string{}}
	for _, st := range stores {
		w.stores[st.ID] = st.Name
	}
	return w, nil
}

func (w *discountWords) line(d *backoffice.Discount) discountLine {
	l := w.l
	out := discountLine{ID: d.ID, Name: d.Name, Active: d.Active, Value: l.Money(d.Value),
		Target: l.T("discounts.target.all"), Stores: l.T("discounts.stores.all"),
		Period: l.T("discounts.period.always"), Days: l.T("discounts.days.every"), Hours: l.T("discounts.hours.all")}
	if d.Kind == protocol.DiscountPercent {
		out.Value = l.T("discounts.percent", "N", decimalIn(l, backoffice.FormatRubles(d.Value)))
	}
	switch d.Target {
	case backoffice.TargetGroup:
		out.Target = l.T("discounts.target.group", "Name", w.groups.path(d.GroupID))
	case backoffice.TargetGoods:
		out.Target = l.N("discounts.target.goods", len(d.GoodsIDs))
	}
	if !d.AllStores {
		var names []string
		for _, id := range d.StoreIDs {
			names = append(names, w.stores[id])
		}
		out.Stores = strings.Join(names, ", ")
	}
	out.Period = w.period(d.StartsAt, d.EndsAt, out.Period)
	if len(d.Days) > 0 && len(d.Days) < 7 {
		var days []string
		for _, day := range d.Days {
			days = append(days, l.T("discounts.day."+weekdayIDs[day-1]))
		}
		out.Days = strings.Join(days, ", ")
	}
	if d.TimeFrom != nil && d.TimeTo != nil {
		out.Hours = l.T("discounts.hours.range", "From", *d.TimeFrom, "To", *d.TimeTo)
	}
	return out
}

// period says the days a discount runs, its last day inclusive (a period
// ends at the midnight after it).
func (w *discountWords) period(from, to *time.Time, always string) string {
	l := w.l
	switch {
	case from != nil && to != nil:
		return l.T("discounts.period.between", "From", l.Day(firstDay(from)), "To", l.Day(lastDay(to)))
	case from != nil:
		return l.T("discounts.period.from", "From", l.Day(firstDay(from)))
	case to != nil:
		return l.T("discounts.period.to", "To", l.Day(lastDay(to)))
	}
	return always
}

// weekdayIDs name the ISO weekdays, Monday first, in the catalogs.
var weekdayIDs = []string{"mon", "tue", "wed", "thu", "fri", "sat", "sun"}

// decimalIn writes hundredths ("12.50") as few digits as say it, with the
// page's separator: "12,5" in Russian.
func decimalIn(l *i18n.Locale, s string) string {
	s = strings.TrimSuffix(strings.TrimSuffix(s, "0"), ".0")
	return separated(l.Lang(), s)
}

// separated writes a decimal ("199.90") with the language's separator, as
// a person of it types one: "199,90" in Russian (the forms take both).
func separated(lang, s string) string {
	if lang == i18n.Russian {
		return strings.Replace(s, ".", ",", 1)
	}
	return s
}
