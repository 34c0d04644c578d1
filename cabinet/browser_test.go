package cabinet

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"mypos"
	"mypos/account"
)

// chromium returns the Chromium the browser tests drive: Debian's, or the
// one MYPOS_CHROMIUM names. Without it they skip, saying how to install it;
// with MYPOS_REQUIRE_BROWSER=1 (CI sets it) they fail instead, so a green CI
// run always means a real browser walked the cabinet.
func chromium(t *testing.T) string {
	t.Helper()
	path := cmp.Or(os.Getenv("MYPOS_CHROMIUM"), "/usr/bin/chromium")
	if _, err := os.Stat(path); err != nil {
		msg := fmt.Sprintf("no Chromium at %s: install it (Debian: apt-get install chromium) or set MYPOS_CHROMIUM to one", path)
		if os.Getenv("MYPOS_REQUIRE_BROWSER") == "1" {
			t.Fatal(msg + "; MYPOS_REQUIRE_BROWSER=1 requires it")
		}
		t.Skip(msg)
	}
	return path
}

// TestBrowserStory walks the cabinet in a real browser: a company signs up,
// logs out, and its e-mail and password, shared with an approved partner,
// then open the choice of cabinets — though guesses flooded the e-mail from
// the browser's own address, the device cookie lets it in; the user picks
// the partner's.
func TestBrowserStory(t *testing.T) {
	exe := chromium(t)
	env := newWebEnv(t)
	base := env.serve()
	ctx := newChromium(t, exe)
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

	for range 25 {
		env.svc.Login(context.Background(), account.Credentials{Email: email, Password: "a-guess"}, "127.0.0.1", account.ViaToken)
	}
	_, err := env.svc.Login(context.Background(), account.Credentials{Email: email, Password: password}, "127.0.0.1", account.ViaToken)
	if mypos.ErrorCode(err) != mypos.ERATELIMIT {
		t.Fatalf("after the flood, a login from the browser's address without its cookie: %v, want ERATELIMIT", err)
	}

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
func newChromium(t *testing.T, exe string) context.Context {
	t.Helper()
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(exe),
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
