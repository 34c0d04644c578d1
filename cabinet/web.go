package cabinet

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"mypos"
	"mypos/account"
	"mypos/i18n"
)

// webFS holds the HTML cabinet's templates and its stylesheet, so the binary
// is the whole deployment.
//
//go:embed templates/*.html static/*.css
var webFS embed.FS

// views are the pages the handlers render; New refuses to start when one is
// missing or broken.
var views = []string{
	"login", "choose", "register", "pending", "dashboard",
	"owner_partners", "owner_companies", "error", "company_receipts",
}

// webRoutes registers the HTML cabinet. Every page renders its errors as
// HTML, and every form post must carry the CSRF token.
func (s *Server) webRoutes() {
	app := s.app
	get := func(path string, h fiber.Handler) { app.Get(path, s.webErrors, h) }
	post := func(path string, h fiber.Handler) { app.Post(path, s.webErrors, s.checkCSRF, h) }

	app.Get("/static/style.css", s.styleCSS)
	get("/", s.dashboard)
	get("/login", s.loginPage)
	post("/login", s.loginSubmit)
	post("/login/choose", s.loginChoose)
	post("/logout", s.logoutSubmit)
	get("/register", s.registerPage)
	post("/register", s.registerSubmit)

	get("/owner/partners", s.ownerPartners)
	post("/owner/partners/:id/approve", s.ownerApprove)
	get("/owner/companies", s.ownerCompanies)

	get("/receipts", s.companyReceipts)
}

// page is what every view is executed with.
type page struct {
	Me    *account.Account // the logged-in account; nil when anonymous
	CSRF  string
	Error string // the message of the error the page answers, if any
	Field string // the input field at fault, highlighted
	Data  any    // the view's own data
}

// webStyle is the stylesheet. Pages link it with its version in the URL,
// so a browser may keep it for long and still sees a new one after a deploy.
var webStyle = func() struct {
	css     []byte
	version string
} {
	css, err := webFS.ReadFile("static/style.css")
	if err != nil {
		panic("cabinet: embedded stylesheet: " + err.Error()) // go:embed guarantees it
	}
	sum := sha256.Sum256(css)
	return struct {
		css     []byte
		version string
	}{css, hex.EncodeToString(sum[:4])}
}()

var viewFuncs = template.FuncMap{
	"kindName":   kindName,
	"statusName": statusName,
	"styleURL":   func() string { return "/static/style.css?v=" + webStyle.version },
	"deref": func(p *string) string {
		if p == nil {
			return ""
		}
		return *p
	},
}

// parseViews parses each view with the layout, once, at start.
func parseViews(fsys fs.FS) (map[string]*template.Template, error) {
	out := make(map[string]*template.Template, len(views))
	for _, name := range views {
		t, err := template.New(name).Funcs(viewFuncs).ParseFS(fsys, "templates/layout.html", "templates/"+name+".html")
		if err != nil {
			return nil, fmt.Errorf("view %s: %w", name, err)
		}
		for _, part := range []string{"layout", "title", "content"} {
			if t.Lookup(part) == nil {
				return nil, fmt.Errorf("view %s: no template %q", name, part)
			}
		}
		out[name] = t
	}
	return out, nil
}

// render executes a view into a buffer first, so a template error never
// sends half a page.
func (s *Server) render(c *fiber.Ctx, status int, view string, p page) error {
	t, ok := s.views[view]
	if !ok {
		return fmt.Errorf("cabinet: no view %q", view)
	}
	if sess := session(c); sess != nil && p.Me == nil {
		p.Me = sess.Account
	}
	p.CSRF = s.csrfToken(c)
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", p); err != nil {
		return err
	}
	// Pages carry personal data and a CSRF token: never cached, never framed
	// (a framed "Одобрить" button is a clickjacking target), no scripts at all.
	c.Set(fiber.HeaderCacheControl, "no-store")
	c.Set(fiber.HeaderContentSecurityPolicy, "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
	c.Set(fiber.HeaderXContentTypeOptions, "nosniff")
	c.Set(fiber.HeaderReferrerPolicy, "same-origin")
	c.Status(status).Type("html", "utf-8")
	return c.Send(buf.Bytes())
}

// webErrors renders a page's error as an HTML page instead of problem+json.
// Anonymous visitors of a page that needs a login are sent to log in.
func (s *Server) webErrors(c *fiber.Ctx) error {
	err := c.Next()
	if err == nil {
		return nil
	}
	err = fromFiber(err)
	if mypos.ErrorCode(err) == mypos.EUNAUTHORIZED {
		return c.Redirect("/login", http.StatusSeeOther)
	}
	return s.renderError(c, err)
}

type errorView struct{ Heading string }

var errorHeadings = map[int]string{
	http.StatusBadRequest:      "Неверный запрос",
	http.StatusForbidden:       "Доступ запрещён",
	http.StatusNotFound:        "Страница не найдена",
	http.StatusConflict:        "Конфликт",
	http.StatusTooManyRequests: "Слишком много попыток",
}

func (s *Server) renderError(c *fiber.Ctx, err error) error {
	status := statusForError(err)
	if mypos.ErrorCode(err) == mypos.EINTERNAL {
		s.log.Error("internal error", "method", c.Method(), "path", c.Path(), "error", err)
	}
	setRetryAfter(c, err)
	heading, ok := errorHeadings[status]
	if !ok {
		heading = "Что-то пошло не так"
	}
	return s.render(c, status, "error", page{Error: i18n.For(i18n.Russian).Error(err), Data: errorView{heading}})
}

// setRetryAfter tells a rate-limited client, in whole seconds rounded up,
// when to try again.
func setRetryAfter(c *fiber.Ctx, err error) {
	if wait := mypos.ErrorRetryAfter(err); wait > 0 {
		c.Set(fiber.HeaderRetryAfter, strconv.FormatInt(int64((wait+999_999_999)/1_000_000_000), 10))
	}
}

func (s *Server) styleCSS(c *fiber.Ctx) error {
	cache := "public, max-age=300" // an unversioned link: a short while only
	if c.Query("v") == webStyle.version {
		cache = "public, max-age=31536000, immutable"
	}
	c.Set(fiber.HeaderCacheControl, cache)
	c.Type("css", "utf-8")
	return c.Send(webStyle.css)
}

// dashboard is the home page of the logged-in account's kind.
func (s *Server) dashboard(c *fiber.Ctx) error {
	if session(c) == nil {
		return c.Redirect("/login", http.StatusSeeOther)
	}
	return s.render(c, http.StatusOK, "dashboard", page{})
}

var kindNames = map[string]string{
	mypos.KindOwner:   "Владелец",
	mypos.KindPartner: "Партнёр",
	mypos.KindCompany: "Компания",
}

func kindName(kind string) string {
	if n, ok := kindNames[kind]; ok {
		return n
	}
	return kind
}

func statusName(status string) string {
	switch status {
	case account.StatusActive:
		return "Активен"
	case account.StatusPending:
		return "Ждёт одобрения"
	}
	return status
}
