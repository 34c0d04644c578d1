package cabinet

import (
	"net/url"
	"time"

	"github.com/gofiber/fiber/v2"

	"mypos/i18n"
)

// The period the receipts and the summary show: from and to, the tills'
// local days (YYYY-MM-DD) both included, and the quick picks that set it.

// period is a range of days as asked; sales validates it.
type period struct{ From, To string }

// today is now in the company's zone (Moscow unless its settings say
// otherwise), whose days its tills count receipts by.
func today(c *fiber.Ctx) time.Time {
	zone := i18n.Moscow()
	if sess := session(c); sess != nil {
		zone = sess.Account.Zone()
	}
	return time.Now().In(zone)
}

// periodOf reads ?from=&to=: today when neither is given, one day when
// only one is.
func periodOf(c *fiber.Ctx) period {
	p := period{From: c.Query("from"), To: c.Query("to")}
	switch {
	case p.From == "" && p.To == "":
		d := today(c).Format(time.DateOnly)
		return period{d, d}
	case p.From == "":
		p.From = p.To
	case p.To == "":
		p.To = p.From
	}
	return p
}

// values are the period as query parameters.
func (p period) values() url.Values { return url.Values{"from": {p.From}, "to": {p.To}} }

// quickPick is a link that sets the period: Name picks its words
// (period.<name>).
type quickPick struct {
	Name, URL string
	Current   bool
}

// quickPicks are today, yesterday, the last 7 days and this month, each a
// link to path with the other parameters kept (the filters, not the page).
func quickPicks(c *fiber.Ctx, path string, keep url.Values, current period) []quickPick {
	now := today(c)
	day := func(t time.Time) string { return t.Format(time.DateOnly) }
	picks := []struct {
		name string
		p    period
	}{
		{"today", period{day(now), day(now)}},
		{"yesterday", period{day(now.AddDate(0, 0, -1)), day(now.AddDate(0, 0, -1))}},
		{"week", period{day(now.AddDate(0, 0, -6)), day(now)}},
		{"month", period{day(now.AddDate(0, 0, 1-now.Day())), day(now)}},
	}
	out := make([]quickPick, len(picks))
	for i, pk := range picks {
		out[i] = quickPick{Name: pk.name, URL: withQuery(path, merge(keep, pk.p.values())), Current: pk.p == current}
	}
	return out
}

// merge is a's parameters with b's over them; empty values are left out,
// so an address carries only what was chosen.
func merge(a, b url.Values) url.Values {
	out := url.Values{}
	for _, vs := range []url.Values{a, b} {
		for k, v := range vs {
			if len(v) > 0 && v[0] != "" {
				out[k] = v
			}
		}
	}
	return out
}

// withQuery is path with the parameters, built in Go from a fixed path.
func withQuery(path string, v url.Values) string {
	if len(v) == 0 {
		return path
	}
	return path + "?" + v.Encode()
}
