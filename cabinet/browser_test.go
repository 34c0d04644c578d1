package cabinet

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"mypos"
	"mypos/account"
	"mypos/internal/browsertest"
)

// The browser helpers are package browsertest's, under the names this
// package's browser tests have always called them by.
var (
	chromium    = browsertest.Chromium
	newChromium = browsertest.NewChromium
	newShots    = browsertest.NewShots
	css         = browsertest.CSS
	do          = browsertest.Do
	read        = browsertest.Read
	want        = browsertest.Want
)

// TestBrowserStory walks the cabinet in a real browser, whose language is
// Russian: a company signs up (after one mistake, shown at its field) and
// logs out; its e-mail and password, shared with
// an approved partner, then open the choice of cabinets — though guesses
// flooded the e-mail from the browser's own address, the device cookie
// lets it in; the user picks the partner's. The owner finds a pending
// partner by a search that swaps the table in place (htmx), confirms the
// approval on a page of its own, and sees it done; then switches the
// cabinet to English, which stays English after logging out. Every page it
// visits is saved as a screenshot at 1280 and 390 px (see shots).
func TestBrowserStory(t *testing.T) {
	t.Parallel() // each has its own server, database and Chromium; mostly they wait on it
	exe := chromium(t)
	env := newWebEnv(t)
	base := env.serve()
	ctx := newChromium(t, exe)
	shot := newShots(t, ctx)
	const email, password = "ivanov@both.test", "one-password-for-two"

	do(t, ctx, "register a company with a mistyped INN",
		chromedp.Navigate(base+"/register"),
		chromedp.WaitVisible(css(`form[action="/register"]`)),
		chromedp.Click(css(`input[name=kind][value=company]`)),
		chromedp.SendKeys(css(`input[name=name]`), "Ромашка"),
		chromedp.SendKeys(css(`input[name=inn]`), "7707083894"),
		chromedp.SendKeys(css(`input[name=city]`), "Тверь"),
		chromedp.SendKeys(css(`input[name=email]`), email),
		chromedp.SendKeys(css(`input[name=password]`), password),
		chromedp.Click(css(`form[action="/register"] button[type=submit]`)),
		chromedp.WaitVisible(css(`#f-inn-error`)),
	)
	want(t, "the INN's error, at the INN", read(t, ctx, chromedp.Text(css(`#f-inn-error`))), "Неверная контрольная цифра ИНН: проверьте, нет ли опечатки.")
	shot("register-error")
	do(t, ctx, "correct the INN",
		chromedp.SetValue(css(`input[name=inn]`), innFirm),
		chromedp.SendKeys(css(`input[name=password]`), password),
		chromedp.Click(css(`form[action="/register"] button[type=submit]`)),
		chromedp.WaitVisible(css(`.who-name`)),
	)
	want(t, "after registering: location", read(t, ctx, chromedp.Location()), base+"/")
	want(t, "company dashboard heading", read(t, ctx, chromedp.Text(css(`main h1`))), "Здравствуйте, Ромашка!")
	want(t, "header name", read(t, ctx, chromedp.Text(css(`.who-name`))), "Ромашка")
	want(t, "header kind", read(t, ctx, chromedp.Text(css(`.account .badge`))), "Компания")
	shot("company-home")
	want(t, "the current section", read(t, ctx, chromedp.Text(css(`.nav a[aria-current=page]`))), "Главная")

	logOut(t, ctx, base)
	shot("login")

	for range 25 {
		env.svc.Login(context.Background(), account.Credentials{Email: email, Password: "a-guess"}, "127.0.0.1", account.ViaToken)
	}
	_, err := env.svc.Login(context.Background(), account.Credentials{Email: email, Password: password}, "127.0.0.1", account.ViaToken)
	if mypos.ErrorCode(err) != mypos.ERATELIMIT {
		t.Fatalf("after the flood, a login from the browser's address without its cookie: %v, want ERATELIMIT", err)
	}

	partner := env.MustRegister(mypos.KindPartner, "Дилер Север", innFirm2, email, password)
	env.MustApprove(env.MustOwnerContext(), partner.ID)
	env.MustRegister(mypos.KindPartner, "Сервис <script>alert(1)</script>", innTrader, "south@dealer.test", "partner-pass")

	do(t, ctx, "log in with a password of two cabinets",
		chromedp.Navigate(base+"/login"),
		chromedp.WaitVisible(css(`form[action="/login"]`)),
		chromedp.SendKeys(css(`input[name=email]`), email),
		chromedp.SendKeys(css(`input[name=password]`), password),
		chromedp.Click(css(`form[action="/login"] button[type=submit]`)),
		chromedp.WaitVisible(css(`form[action="/login/choose"]`)),
	)
	want(t, "choice heading", read(t, ctx, chromedp.Text(css(`main h1`))), "Этот пароль подходит к 2 кабинетам")
	buttons := read(t, ctx, chromedp.Text(css(`.choices`)))
	for _, b := range []string{"Войти: Компания «Ромашка»", "Войти: Партнёр «Дилер Север»"} {
		if !strings.Contains(buttons, b) {
			t.Fatalf("the choice lacks the button %q: %q", b, buttons)
		}
	}
	if strings.Contains(read(t, ctx, chromedp.OuterHTML(css(`html`))), password) {
		t.Fatal("the choice page carries the password")
	}
	shot("login-choice")

	do(t, ctx, "pick the partner's cabinet",
		chromedp.Click(css(`button[name=account][value=partner]`)),
		chromedp.WaitVisible(css(`#partner-code`)),
	)
	want(t, "after the choice: location", read(t, ctx, chromedp.Location()), base+"/")
	want(t, "header name", read(t, ctx, chromedp.Text(css(`.who-name`))), "Дилер Север")
	want(t, "header kind", read(t, ctx, chromedp.Text(css(`.account .badge`))), "Партнёр")
	want(t, "partner code", read(t, ctx, chromedp.Text(css(`#partner-code`))), *partner.Code)
	shot("partner-home")
	logOut(t, ctx, base)

	do(t, ctx, "log in as the owner",
		chromedp.SendKeys(css(`input[name=email]`), "owner@mypos.test"),
		chromedp.SendKeys(css(`input[name=password]`), "owner-password"),
		chromedp.Click(css(`form[action="/login"] button[type=submit]`)),
		chromedp.WaitVisible(css(`.tiles`)),
	)
	shot("owner-home")
	do(t, ctx, "open the partners", chromedp.Click(css(`.nav a[href="/owner/partners"]`)), chromedp.WaitVisible(css(`#partners table`)))
	shot("owner-partners")

	// The search swaps the table in place: the page is not reloaded (a
	// mark left on it stays), and the address follows the search.
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`window.notReloaded = true`)); err != nil {
		t.Fatal(err)
	}
	do(t, ctx, "search as one types", chromedp.SendKeys(css(`input[name=q]`), "сервис"))
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`location.search.includes("q=") && document.querySelectorAll("#partners tbody tr").length === 1`)); err != nil {
		t.Fatalf("the search did not swap the table: %v", err)
	}
	if kept, _ := chromedp.Run(ctx, chromedp.Evaluate[bool](`window.notReloaded === true`)); !kept {
		t.Fatal("the search reloaded the page instead of swapping the table")
	}
	name := read(t, ctx, chromedp.Text(css(`#partners tbody td.primary-cell`)))
	want(t, "a name with <script> shows as text", name, "Сервис <script>alert(1)</script>")
	shot("owner-partners-search")

	do(t, ctx, "ask to approve",
		chromedp.Click(css(`#partners a.button.primary`)),
		chromedp.WaitVisible(css(`.confirm`)),
	)
	want(t, "the confirmation", read(t, ctx, chromedp.Text(css(`.confirm .question`))),
		"Одобрить партнёра «Сервис <script>alert(1)</script>» (ИНН "+innTrader+")?")
	shot("owner-approve-confirm")
	do(t, ctx, "approve",
		chromedp.Click(css(`.confirm button[type=submit]`)),
		chromedp.WaitVisible(css(`.flash`)),
	)
	want(t, "the flash", read(t, ctx, chromedp.Text(css(`.flash`))), "Партнёр «Сервис <script>alert(1)</script>» одобрен: он может войти в кабинет.")
	want(t, "back on the searched list", read(t, ctx, chromedp.Location()), base+"/owner/partners?q="+strings.ToUpper(url.QueryEscape("сервис")))
	shot("owner-partners-approved")
	do(t, ctx, "open the companies", chromedp.Click(css(`.nav a[href="/owner/companies"]`)), chromedp.WaitVisible(css(`#companies table`)))
	shot("owner-companies")
	do(t, ctx, "open a page that is not there", chromedp.Navigate(base+"/owner/nothing"), chromedp.WaitVisible(css(`.error-page`)))
	want(t, "the 404 page", read(t, ctx, chromedp.Text(css(`main h1`))), "Страница не найдена")
	shot("error-404")

	do(t, ctx, "switch to English",
		chromedp.Navigate(base+"/owner/partners"),
		chromedp.WaitVisible(css(`#partners`)),
		chromedp.Click(css(`.account summary`)),
		chromedp.Click(css(`.menu a[hreflang=en]`)),
		chromedp.WaitVisible(css(`html[lang=en]`)),
	)
	want(t, "back on the same page", read(t, ctx, chromedp.Location()), base+"/owner/partners")
	want(t, "the heading in English", read(t, ctx, chromedp.Text(css(`main h1`))), "Partners")
	want(t, "the sections in English", strings.Join(strings.Fields(read(t, ctx, chromedp.Text(css(`.nav`)))), " "), "Home Partners Companies Licenses Documents")
	want(t, "a status in English", read(t, ctx, chromedp.Text(css(`#partners tbody tr:first-child .badge`))), "Active")
	shot("owner-partners-en")
	do(t, ctx, "go home", chromedp.Click(css(`.nav a[href="/"]`)), chromedp.WaitVisible(css(`.tiles`)))
	want(t, "the owner's home in English", read(t, ctx, chromedp.Text(css(`main h1`))), "Owner’s cabinet")
	shot("owner-home-en")
	logOut(t, ctx, base)
	want(t, "the login page stays English", read(t, ctx, chromedp.Text(css(`main h1`))), "Log in to your cabinet")
	shot("login-en")

	do(t, ctx, "open the cabinet after logging out",
		chromedp.Navigate(base+"/"),
		chromedp.WaitVisible(css(`form[action="/login"]`)),
	)
	want(t, "after logging out, / leads to", read(t, ctx, chromedp.Location()), base+"/login")
}

func logOut(t *testing.T, ctx context.Context, base string) {
	t.Helper()
	do(t, ctx, "log out",
		chromedp.Click(css(`.account summary`)),
		chromedp.Click(css(`form[action="/logout"] button`)),
		chromedp.WaitVisible(css(`form[action="/login"]`)),
	)
	want(t, "after logging out: location", read(t, ctx, chromedp.Location()), base+"/login")
}

// serve starts the cabinet on a loopback port and returns its base URL.
func (e *webEnv) serve() string {
	e.t.Helper()
	return serve(e.t, e.srv)
}

// serve starts a cabinet on a loopback port until the test ends, and
// returns its base URL.
func serve(t *testing.T, srv *Server) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := srv.Shutdown(ctx); err != nil {
			t.Errorf("shutdown: %v", err)
		}
		if err := <-done; err != nil && !errors.Is(err, net.ErrClosed) && !errors.Is(err, http.ErrServerClosed) {
			t.Errorf("serve: %v", err)
		}
	})
	return "http://" + ln.Addr().String()
}
