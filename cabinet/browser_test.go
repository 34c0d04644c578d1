package cabinet

import (
	"context"
	"errors"
	"net"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"mypos"
)

// chromiumPath is Debian's chromium. CI installs it; a machine without it
// fails this test rather than skipping it, so a green run always means a
// real browser walked the cabinet.
const chromiumPath = "/usr/bin/chromium"

// TestBrowserStory walks the cabinet in a real browser: a company signs up,
// logs out, and its e-mail and password, shared with an approved partner,
// then open the choice of cabinets; the user picks the partner's.
func TestBrowserStory(t *testing.T) {
	if _, err := os.Stat(chromiumPath); err != nil {
		t.Fatalf("the browser test needs Chromium at %s (Debian: apt-get install chromium): %v", chromiumPath, err)
	}
	env := newWebEnv(t)
	base := env.serve()
	ctx := newChromium(t)
	const email, password = "ivanov@both.test", "one-password-for-two"

	do(t, ctx, "register a company",
		chromedp.Navigate(base+"/register"),
		chromedp.WaitVisible(css(`form[action="/register"]`)),
		chromedp.Click(css(`input[name=kind][value=company]`)),
		chromedp.SendKeys(css(`input[name=name]`), "Ромашка"),
		chromedp.SendKeys(css(`input[name=inn]`), innFirm),
		chromedp.SendKeys(css(`input[name=city]`), "Тверь"),
		chromedp.SendKeys(css(`input[name=email]`), email),
		chromedp.SendKeys(css(`input[name=password]`), password),
		chromedp.Click(css(`form[action="/register"] button[type=submit]`)),
		chromedp.WaitVisible(css(`.who-name`)),
	)
	want(t, "after registering: location", read(t, ctx, chromedp.Location()), base+"/")
	want(t, "company dashboard heading", read(t, ctx, chromedp.Text(css(`main h1`))), "Здравствуйте, Ромашка!")
	want(t, "header name", read(t, ctx, chromedp.Text(css(`.who-name`))), "Ромашка")
	want(t, "header kind", read(t, ctx, chromedp.Text(css(`.badge`))), "Компания")

	logOut(t, ctx, base)

	partner := env.MustRegister(mypos.KindPartner, "Дилер Север", innFirm2, email, password)
	env.MustApprove(env.MustOwnerContext(), partner.ID)

	do(t, ctx, "log in with a password of two cabinets",
		chromedp.Navigate(base+"/login"),
		chromedp.WaitVisible(css(`form[action="/login"]`)),
		chromedp.SendKeys(css(`input[name=email]`), email),
		chromedp.SendKeys(css(`input[name=password]`), password),
		chromedp.Click(css(`form[action="/login"] button[type=submit]`)),
		chromedp.WaitVisible(css(`form[action="/login/choose"]`)),
	)
	want(t, "choice heading", read(t, ctx, chromedp.Text(css(`main h1`))), "Этот пароль подходит к двум кабинетам")
	buttons := read(t, ctx, chromedp.Text(css(`.choices`)))
	for _, b := range []string{"Войти как Компания «Ромашка»", "Войти как Партнёр «Дилер Север»"} {
		if !strings.Contains(buttons, b) {
			t.Fatalf("the choice lacks the button %q: %q", b, buttons)
		}
	}
	if strings.Contains(read(t, ctx, chromedp.OuterHTML(css(`html`))), password) {
		t.Fatal("the choice page carries the password")
	}

	do(t, ctx, "pick the partner's cabinet",
		chromedp.Click(css(`button[name=account][value=partner]`)),
		chromedp.WaitVisible(css(`#partner-code`)),
	)
	want(t, "after the choice: location", read(t, ctx, chromedp.Location()), base+"/")
	want(t, "header name", read(t, ctx, chromedp.Text(css(`.who-name`))), "Дилер Север")
	want(t, "header kind", read(t, ctx, chromedp.Text(css(`.badge`))), "Партнёр")
	want(t, "partner code", read(t, ctx, chromedp.Text(css(`#partner-code`))), *partner.Code)

	logOut(t, ctx, base)
	do(t, ctx, "open the cabinet after logging out",
		chromedp.Navigate(base+"/"),
		chromedp.WaitVisible(css(`form[action="/login"]`)),
	)
	want(t, "after logging out, / leads to", read(t, ctx, chromedp.Location()), base+"/login")
}

func logOut(t *testing.T, ctx context.Context, base string) {
	t.Helper()
	do(t, ctx, "log out",
		chromedp.Click(css(`form[action="/logout"] button`)),
		chromedp.WaitVisible(css(`form[action="/login"]`)),
	)
	want(t, "after logging out: location", read(t, ctx, chromedp.Location()), base+"/login")
}

// serve starts the cabinet on a loopback port and returns its base URL.
func (e *webEnv) serve() string {
	e.t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		e.t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- e.srv.Serve(ln) }()
	e.t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := e.srv.Shutdown(ctx); err != nil {
			e.t.Errorf("shutdown: %v", err)
		}
		if err := <-done; err != nil && !errors.Is(err, net.ErrClosed) && !errors.Is(err, http.ErrServerClosed) {
			e.t.Errorf("serve: %v", err)
		}
	})
	return "http://" + ln.Addr().String()
}

// newChromium starts a headless Chromium with a fresh profile and nothing
// running in the background, bounded so a hung browser fails the test.
func newChromium(t *testing.T) context.Context {
	t.Helper()
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromiumPath),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true), // containers give /dev/shm 64 MB
	}
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelBrowser := chromedp.NewContext(allocCtx)
	ctx, cancelTimeout := context.WithTimeout(ctx, 20*time.Second)
	t.Cleanup(func() {
		cancelTimeout()
		cancelBrowser()
		cancelAlloc() // waits for the browser to exit, before TempDir is removed
	})
	return ctx
}

func css(sel string) chromedp.CSS { return chromedp.CSS(sel) }

func do(t *testing.T, ctx context.Context, step string, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, actions...); err != nil {
		t.Fatalf("browser: %s: %v", step, err)
	}
}

func read(t *testing.T, ctx context.Context, a chromedp.Action[string]) string {
	t.Helper()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		t.Fatalf("browser: read: %v", err)
	}
	return v
}

func want(t *testing.T, what, got, want string) {
	t.Helper()
	if strings.TrimSpace(got) != want {
		t.Fatalf("%s=%q, want %q", what, got, want)
	}
}
