package i18n

import (
	"strconv"
	"strings"
	"time"

	"golang.org/x/text/language"
	"golang.org/x/text/message"
	"golang.org/x/text/number"
)

// numbers writes numbers as the locale's CLDR data says: Russian groups
// thousands with a no-break space (U+00A0) and has a decimal comma;
// English groups with a comma and has a decimal point.
type numbers struct {
	p       *message.Printer
	decimal string // the decimal separator
	// rouble places the sign: after the amount, a no-break space between,
	// in Russian (1 234,50 ₽); before it in English (₽1,234.50).
	roubleAfter bool
}

func newNumbers(tag language.Tag) numbers {
	p := message.NewPrinter(tag)
	half := p.Sprint(number.Decimal(0.5, number.Scale(1))) // "0,5" or "0.5"
	return numbers{p: p, decimal: strings.Trim(half, "05"), roubleAfter: tag == language.Russian}
}

// Int writes a whole number with the locale's grouping: 1 234 567 or 1,234,567.
func (l *Locale) Int(n int64) string { return l.num.p.Sprint(number.Decimal(n)) }

// Money writes kopecks as roubles: "1 234,50 ₽" (with no-break spaces,
// U+00A0) in Russian, "₽1,234.50" in English; a minus goes first. Integer
// arithmetic throughout, so an amount past float64's precision is exact.
func (l *Locale) Money(kopecks int64) string {
	neg := kopecks < 0
	whole, frac := kopecks/100, kopecks%100
	if neg {
		whole, frac = -whole, -frac
	}
	amount := l.Int(whole) + l.num.decimal + strconv.FormatInt(100+frac, 10)[1:]
	s := "₽" + amount
	if l.num.roubleAfter {
		s = amount + "\u00a0₽"
	}
	if neg {
		s = "-" + s
	}
	return s
}

// timeZone is a zone times are shown in.
type timeZone = time.Location

// moscow is where times are shown when nobody chose a zone: the users'
// working day. tzdata is embedded (see the import in i18n.go).
var moscow = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Moscow")
	if err != nil {
		panic("i18n: Europe/Moscow: " + err.Error()) // time/tzdata is embedded
	}
	return loc
}()

// Moscow is the default zone times are shown in.
func Moscow() *time.Location { return moscow }

// The layouts of dates and times, from the catalogs' format.* messages (Go
// reference-time layouts), so a language owns how it writes them.
func (l *Locale) layout(id string) string { return l.T("format." + id) }

// Date writes the day of t in zone (Moscow when nil): "08.03.2026" or
// "Mar 8, 2026".
func (l *Locale) Date(t time.Time, zone *time.Location) string {
	return l.in(t, zone).Format(l.layout("date"))
}

// Time writes the time of day of t in zone (Moscow when nil): "14:05" or
// "2:05 PM".
func (l *Locale) Time(t time.Time, zone *time.Location) string {
	return l.in(t, zone).Format(l.layout("time"))
}

// DateTime writes t in zone (Moscow when nil): "08.03.2026, 14:05" or
// "Mar 8, 2026, 2:05 PM".
func (l *Locale) DateTime(t time.Time, zone *time.Location) string {
	return l.in(t, zone).Format(l.layout("datetime"))
}

// Day writes a calendar day given as YYYY-MM-DD — a till's local day,
// which has no zone to convert — in the locale's date layout, or returns
// it unchanged when it is not one.
func (l *Locale) Day(day string) string {
	t, err := time.Parse(time.DateOnly, day)
	if err != nil {
		return day
	}
	return t.Format(l.layout("date"))
}

func (l *Locale) in(t time.Time, zone *time.Location) time.Time {
	if zone == nil {
		zone = l.zone
	}
	return t.In(zone)
}

// Duration writes a wait the way a person says it, rounded up to whole
// seconds or minutes: "30 с", "2 мин", "1 ч 5 мин" / "30 s", "2 min", "1 h 5 min".
func (l *Locale) Duration(d time.Duration) string {
	switch {
	case d <= time.Minute:
		secs := int((d + time.Second - 1) / time.Second)
		return l.T("unit.seconds", "N", secs)
	case d < time.Hour:
		return l.T("unit.minutes", "N", int((d+time.Minute-1)/time.Minute))
	}
	mins := int((d + time.Minute - 1) / time.Minute)
	if mins%60 == 0 {
		return l.T("unit.hours", "N", mins/60)
	}
	return l.T("unit.hours", "N", mins/60) + " " + l.T("unit.minutes", "N", mins%60)
}

// Clock writes the time of day t shows in its own zone, with seconds — a
// till's local time on its receipt: "23:30:00" or "11:30:00 PM".
func (l *Locale) Clock(t time.Time) string { return t.Format(l.layout("clock")) }
