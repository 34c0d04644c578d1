package cabinet

import (
	"html/template"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"mypos"
	"mypos/account"
	"mypos/i18n"
	"mypos/licensing"
)

// The frame around every page: its language, the navigation of the
// account's kind, and the functions templates say things with.

// langCookie remembers the language a browser chose.
const (
	langCookie = "mypos_lang"
	localLang  = "lang"
)

// webLang settles a page's language: a ?lang= link sets the cookie and
// comes back to the same page without it; else the cookie; else the
// browser's Accept-Language; else Russian.
func (s *Server) webLang(c *fiber.Ctx) error {
	if lang := c.Query("lang"); lang != "" && c.Method() == http.MethodGet {
		if i18n.Supported(lang) {
			c.Cookie(&fiber.Cookie{
				Name: langCookie, Value: lang, Path: "/", Expires: time.Now().AddDate(1, 0, 0),
				HTTPOnly: true, Secure: s.cfg.Secure, SameSite: fiber.CookieSameSiteLaxMode,
			})
		}
		return c.Redirect(withoutLang(c), http.StatusSeeOther)
	}
	lang := c.Cookies(langCookie)
	if !i18n.Supported(lang) {
		lang = i18n.Match(c.Get(fiber.HeaderAcceptLanguage), i18n.Russian)
	}
	c.Locals(localLang, lang)
	return c.Next()
}

// pageLang is the language webLang settled, or the browser's for a page
// outside the cabinet's routes (the 404 of an unknown path).
func pageLang(c *fiber.Ctx) string {
	if lang, ok := c.Locals(localLang).(string); ok {
		return lang
	}
	if lang := c.Cookies(langCookie); i18n.Supported(lang) {
		return lang
	}
	return i18n.Match(c.Get(fiber.HeaderAcceptLanguage), i18n.Russian)
}

// loc is the request's locale, for a handler that formats data.
func loc(c *fiber.Ctx) *i18n.Locale { return i18n.For(pageLang(c)) }

// withoutLang is the request's own path and query less lang. The path is
// made relative to this site: "//evil.test" would leave it.
func withoutLang(c *fiber.Ctx) string {
	q := url.Values{}
	c.Context().QueryArgs().VisitAll(func(k, v []byte) {
		if string(k) != "lang" {
			q.Add(string(k), string(v))
		}
	})
	p := "/" + strings.TrimLeft(c.Path(), "/\\")
	if len(q) > 0 {
		p += "?" + q.Encode()
	}
	return p
}

// langLink shows the page in another language.
type langLink struct{ Lang, Name, URL string }

func langLinks(c *fiber.Ctx, current string) []langLink {
	var out []langLink
	for _, lang := range i18n.Langs {
		if lang == current {
			continue
		}
		u, _ := url.Parse(withoutLang(c))
		q := u.Query()
		q.Set("lang", lang)
		u.RawQuery = q.Encode()
		out = append(out, langLink{Lang: lang, Name: i18n.For(lang).T("lang.name"), URL: u.String()})
	}
	return out
}

// navItem is a section of an account's cabinet.
type navItem struct {
	Path, Label string // Label is a message ID
	Current     bool
}

// navByKind lists each kind's sections, in order. A new section of an
// owner's, partner's or company's cabinet is a line here.
var navByKind = map[string][]navItem{
	mypos.KindOwner: {
		{Path: "/", Label: "nav.home"},
		{Path: "/owner/partners", Label: "nav.partners"},
		{Path: "/owner/companies", Label: "nav.companies"},
		{Path: "/owner/licenses", Label: "nav.licenses"},
		{Path: "/owner/documents", Label: "nav.documents"},
	},
	mypos.KindPartner: {
		{Path: "/", Label: "nav.home"},
		{Path: "/partner/requests", Label: "nav.requests"},
		{Path: "/partner/clients", Label: "nav.clients"},
		{Path: "/partner/licenses", Label: "nav.licenses"},
		{Path: "/partner/documents", Label: "nav.documents"},
		{Path: "/partner/devices", Label: "nav.devices"},
	},
	mypos.KindCompany: {
		{Path: "/", Label: "nav.home"},
		{Path: "/stores", Label: "nav.stores"},
		{Path: "/devices", Label: "nav.devices"},
		{Path: "/cashiers", Label: "nav.cashiers"},
		{Path: "/goods", Label: "nav.goods"},
		{Path: "/prices", Label: "nav.prices"},
		{Path: "/discounts", Label: "nav.discounts"},
		{Path: "/licenses", Label: "nav.licenses"},
		{Path: "/receipts", Label: "nav.receipts"},
	},
}

// menuByKind lists the pages of an account's own that are not daily work —
// its partner, its settings — in the account menu, so the sections fit one
// row at 1280 px.
var menuByKind = map[string][]navItem{
	mypos.KindCompany: {
		{Path: "/partner", Label: "nav.partner"},
		{Path: "/settings", Label: "nav.settings"},
	},
}

// linksFor is an account's links of one kind (its sections in navByKind,
// its menu in menuByKind), the one at path marked; none when anonymous.
func linksFor(byKind map[string][]navItem, me *account.Account, path string) []navItem {
	if me == nil {
		return nil
	}
	return marked(byKind[me.Kind], path)
}

// marked is a copy of list with the link at path, or above it, current.
func marked(list []navItem, path string) []navItem {
	items := append([]navItem(nil), list...)
	for i, it := range items {
		items[i].Current = path == it.Path || it.Path != "/" && strings.HasPrefix(path, it.Path+"/")
	}
	return items
}

// statusTones colour a status badge: ok (green), wait (amber), bad (red);
// any other status is neutral.
var statusTones = map[string]string{
	account.StatusActive:  "ok",
	account.StatusPending: "wait",
	// A link request answered; a license unsealed, its key ready to sell.
	account.LinkAccepted:    "ok",
	account.LinkDeclined:    "bad",
	licensing.StateUnsealed: "wait",
}

// viewFuncs are what templates say things with, bound to one language.
func viewFuncs(l *i18n.Locale) template.FuncMap {
	return template.FuncMap{
		// t is a message: {{t "id"}}, {{t "id" "Name" .Name}}.
		"t": l.T,
		// n is a counted message: {{n "count.licenses" 5}}.
		"n": l.N,
		// money writes kopecks: 1 234,50 ₽ / ₽1,234.50.
		"money": l.Money,
		// datetime and date write a time in Moscow, or in the zone given:
		// {{datetime .At $.Zone}} on a company's pages; day a YYYY-MM-DD day.
		"datetime": func(t time.Time, zone ...*time.Location) string { return l.DateTime(t, inZone(zone)) },
		"date":     func(t time.Time, zone ...*time.Location) string { return l.Date(t, inZone(zone)) },
		"day":      l.Day,
		// errorText says a service's error, as the page's own Error is said.
		"errorText": l.Error,
		"lang":      l.Lang,
		// kind names a kind of account, tone colours a status.
		"kind": func(kind string) string { return l.T("kind." + kind) },
		"tone": func(status string) string { return statusTones[status] },
		// dict passes a part its arguments: {{template "field" (dict "Page" . "Name" "email")}}.
		"dict":  dict,
		"asset": assetURL,
		"deref": deref,
	}
}

// deref is a nullable string, "" for none.
func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// inZone is the zone a datetime was given, or nil (Moscow).
func inZone(zone []*time.Location) *time.Location {
	if len(zone) == 0 {
		return nil
	}
	return zone[0]
}

func dict(kv ...any) map[string]any {
	m := make(map[string]any, len(kv)/2)
	for i := 0; i+1 < len(kv); i += 2 {
		if k, ok := kv[i].(string); ok {
			m[k] = kv[i+1]
		}
	}
	return m
}
