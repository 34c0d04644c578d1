package cabinet

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"html/template"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"mypos"
	"mypos/account"
	"mypos/i18n"
)

// The HTML cabinet: server-rendered pages in Russian and English, one
// frame for every account. How a page is built — the files, the parts,
// htmx, the conventions a new page follows — is in docs/web.md; in short:
//
//   - A resource's pages live in web_<resource>.go (web_owner.go,
//     web_receipts.go): its handlers, their views' data types, nothing
//     else. Its templates are templates/<view>.html, each defining "title"
//     and "content", and "#id" for a part htmx swaps into the element of
//     that id. A new template file is a new view; a cabinet's routes
//     are in its own file (ownerPages, partnerPages, companyPages).
//   - Every word a person reads comes from the catalogs (package i18n):
//     {{t "id"}}, {{n "id" count}}, {{money}}, {{datetime}}; handlers pass
//     data, never sentences. TestTemplatesHaveNoWords fails otherwise.
//   - Forms post to the page's own path with the CSRF token ({{template
//     "csrf" .}}) and work without JavaScript; a service error comes back
//     as the same form with the error next to its field. A successful post
//     redirects (303) with a flash. What cannot be undone asks first on a
//     page of its own (confirm).
//   - Lists page by keyset (first/next), search with q, and say what to do
//     when empty.

// webFS holds the HTML cabinet's templates and static files, so the
// binary is the whole deployment.
//
//go:embed templates/*.html static/*.css static/*.js
var webFS embed.FS

// webRouter registers a cabinet's pages: get for a page, post for a form's
// action, each with the frame's error pages and language, and post with
// the CSRF check.
type webRouter struct {
	get, post func(path string, h fiber.Handler)
}

// webRoutes registers the HTML cabinet. Every page renders its errors as
// HTML in the browser's language, and every form post must carry the
// CSRF token. Each cabinet's pages are registered by its own file
// (ownerPages in web_owner.go, partnerPages, companyPages).
func (s *Server) webRoutes() {
	app := s.app
	r := webRouter{
		get:  func(path string, h fiber.Handler) { app.Get(path, s.webErrors, s.webLang, h) },
		post: func(path string, h fiber.Handler) { app.Post(path, s.webErrors, s.webLang, s.checkCSRF, h) },
	}
	app.Get("/static/:name", s.static)
	r.get("/", s.dashboard)
	r.get("/login", s.loginPage)
	r.post("/login", s.loginSubmit)
	r.post("/login/choose", s.loginChoose)
	r.post("/logout", s.logoutSubmit)
	r.get("/register", s.registerPage)
	r.post("/register", s.registerSubmit)

	s.ownerPages(r)
	s.partnerPages(r)
	s.companyPages(r)
	s.licensePages(r)
}

// dashboard is the home page of the logged-in account's kind.
func (s *Server) dashboard(c *fiber.Ctx) error {
	sess := session(c)
	if sess == nil {
		return c.Redirect("/login", http.StatusSeeOther)
	}
	switch sess.Account.Kind {
	case mypos.KindOwner:
		return s.ownerHome(c)
	case mypos.KindPartner:
		return s.partnerHome(c)
	default:
		return s.companyHome(c)
	}
}

// page is what every view is executed with.
type page struct {
	Me   *account.Account // the logged-in account; nil when anonymous
	CSRF string
	Lang string    // the page's language
	Nav  []navItem // the account's sections, the current one marked
	Menu []navItem // its own pages in the account menu (a company's settings)
	// Langs are the links that show this page in the other languages.
	Langs []langLink
	Flash *flashView // the outcome of the post that led here, once
	// Err is the error the page answers, if any. Error is its detail in
	// the page's language and Field the input at fault: a form shows the
	// error next to that field, and the alert atop the page shows it
	// when the form has no such field (FieldShown false).
	Err        error
	Error      string
	Field      string
	FieldShown bool
	Data       any // the view's own data
	// Zone is where the account's times are shown: a company's own zone
	// (its settings), Moscow for the others.
	Zone *time.Location
}

// view is a page's templates in one language, and the input names its
// forms have, so an error lands next to its field or, failing that, atop.
type view struct {
	t      *template.Template
	fields map[string]bool
}

// viewSet is every view in every language, parsed once at start.
type viewSet map[string]map[string]view // by language, then by name

// frameFiles are the templates every view is parsed with; every other
// file in templates/ is a view of its own name.
var frameFiles = []string{"templates/layout.html", "templates/parts.html"}

// viewNames lists the views: the templates that are not the frame.
func viewNames(fsys fs.FS) ([]string, error) {
	files, err := fs.Glob(fsys, "templates/*.html")
	if err != nil {
		return nil, err
	}
	var names []string
	for _, f := range files {
		if !slices.Contains(frameFiles, f) {
			names = append(names, strings.TrimSuffix(path.Base(f), ".html"))
		}
	}
	return names, nil
}

// parseViews parses each view with the layout and the parts, once per
// language: {{t}} and the other words are bound to the language then.
func parseViews(fsys fs.FS) (viewSet, error) {
	names, err := viewNames(fsys)
	if err != nil {
		return nil, err
	}
	out := viewSet{}
	for _, lang := range i18n.Langs {
		out[lang] = map[string]view{}
		funcs := viewFuncs(i18n.For(lang))
		for _, name := range names {
			file := "templates/" + name + ".html"
			t, err := template.New(name).Funcs(funcs).ParseFS(fsys, append(slices.Clone(frameFiles), file)...)
			if err != nil {
				return nil, fmt.Errorf("view %s: %w", name, err)
			}
			for _, part := range []string{"layout", "title", "content"} {
				if t.Lookup(part) == nil {
					return nil, fmt.Errorf("view %s: no template %q", name, part)
				}
			}
			src, err := fs.ReadFile(fsys, file)
			if err != nil {
				return nil, err
			}
			out[lang][name] = view{t: t, fields: inputNames(src)}
		}
	}
	return out, nil
}

// inputRe finds the inputs a view's forms have: name="x" in its markup,
// and "Name" "x" in the field parts it calls. A name may have dots: a
// service names a nested field so ("licensee.inn").
var inputRe = regexp.MustCompile(`(?:\bname="|"Name" ")([A-Za-z0-9_.]+)"`)

func inputNames(src []byte) map[string]bool {
	m := map[string]bool{}
	for _, sm := range inputRe.FindAllSubmatch(src, -1) {
		m[string(sm[1])] = true
	}
	return m
}

// render executes a view into a buffer first, so a template error never
// sends half a page. A request htmx makes for the element #id gets the
// view's "#id" part alone when it has one; a full page otherwise.
func (s *Server) render(c *fiber.Ctx, status int, name string, p page) error {
	lang := pageLang(c)
	v, ok := s.views[lang][name]
	if !ok {
		return fmt.Errorf("cabinet: no view %q", name)
	}
	if sess := session(c); sess != nil && p.Me == nil {
		p.Me = sess.Account
	}
	p.Lang = lang
	if p.Me != nil {
		p.Zone = p.Me.Zone()
	}
	p.CSRF = s.csrfToken(c)
	if p.Err != nil {
		p.Error = i18n.For(lang).Error(p.Err)
		p.Field = mypos.ErrorField(p.Err)
		p.FieldShown = p.Field != "" && v.fields[p.Field]
	}
	root := "layout"
	if part := fragment(c); part != "" && v.t.Lookup(part) != nil {
		root = part
	} else {
		p.Nav = linksFor(navByKind, p.Me, c.Path())
		p.Menu = linksFor(menuByKind, p.Me, c.Path())
		p.Langs = langLinks(c, lang)
		p.Flash = s.takeFlash(c)
	}
	var buf bytes.Buffer
	if err := v.t.ExecuteTemplate(&buf, root, p); err != nil {
		return err
	}
	setPageHeaders(c)
	c.Status(status).Type("html", "utf-8")
	return c.Send(buf.Bytes())
}

// fragment is the part an htmx request asks for: "#" and the id of the
// element it swaps. A history restore asks for the whole page.
func fragment(c *fiber.Ctx) string {
	if c.Get("HX-Request") != "true" || c.Get("HX-History-Restore-Request") == "true" || c.Get("HX-Target") == "" {
		return ""
	}
	return "#" + c.Get("HX-Target")
}

// contentSecurityPolicy lets a page load only the cabinet's own stylesheet
// and script (htmx: no inline script, no eval, no inline style) and talk
// only to the cabinet.
const contentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; " +
	"form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

// setPageHeaders: pages carry personal data and a CSRF token, so they are
// never cached and never framed (a framed "Одобрить" button is a
// clickjacking target); a page and its htmx parts vary by HX-Request.
func setPageHeaders(c *fiber.Ctx) {
	c.Set(fiber.HeaderCacheControl, "no-store")
	c.Set(fiber.HeaderContentSecurityPolicy, contentSecurityPolicy)
	c.Set(fiber.HeaderXContentTypeOptions, "nosniff")
	c.Set(fiber.HeaderReferrerPolicy, "same-origin")
	c.Vary("HX-Request", "HX-Target")
}

// asset is an embedded static file, linked with its version in the URL so
// a browser may keep it for long and still sees a new one after a deploy.
type asset struct {
	body        []byte
	version     string
	contentType string
}

// htmxVersion is the vendored htmx (static/README.md says where it is from).
const htmxVersion = "2.0.11"

var assets = func() map[string]asset {
	m := map[string]asset{}
	files, _ := fs.Glob(webFS, "static/*")
	for _, f := range files {
		body, err := webFS.ReadFile(f)
		if err != nil {
			panic("cabinet: embedded " + f + ": " + err.Error()) // go:embed guarantees it
		}
		sum := sha256.Sum256(body)
		ct := mime.TypeByExtension(path.Ext(f))
		if strings.HasPrefix(ct, "text/") && !strings.Contains(ct, "charset") {
			ct += "; charset=utf-8"
		}
		m[path.Base(f)] = asset{body: body, version: hex.EncodeToString(sum[:4]), contentType: ct}
	}
	for _, need := range []string{"style.css", "htmx.min.js"} {
		if _, ok := m[need]; !ok {
			panic("cabinet: no static/" + need)
		}
	}
	return m
}()

// assetURL links a static file by its version.
func assetURL(name string) string { return "/static/" + name + "?v=" + assets[name].version }

func (s *Server) static(c *fiber.Ctx) error {
	a, ok := assets[c.Params("name")]
	if !ok {
		return mypos.Errorf(mypos.ENOTFOUND, "No such page: %s %s.", c.Method(), c.Path())
	}
	cache := "public, max-age=300" // an unversioned link: a short while only
	if c.Query("v") == a.version {
		cache = "public, max-age=31536000, immutable"
	}
	c.Set(fiber.HeaderCacheControl, cache)
	c.Set(fiber.HeaderXContentTypeOptions, "nosniff")
	c.Set(fiber.HeaderContentType, a.contentType)
	return c.Send(a.body)
}
