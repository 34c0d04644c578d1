// Package browsertest drives a real Chromium through the cabinet for tests:
// finding the browser (skip without it, fail under MYPOS_REQUIRE_BROWSER=1),
// starting it headless with a fresh profile, screenshots of each page at
// 1280 and 390 px, and one-line steps and checks. Package cabinet's browser
// tests and the end-to-end tests in e2e/ share it, so a story told on the
// real processes reads like one told in memory.
//
// It is a test helper in a non-test file so that other packages' tests can
// import it; nothing but tests does.
package browsertest

import (
	"cmp"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// Chromium returns the Chromium the browser tests drive: Debian's, or the
// one MYPOS_CHROMIUM names. Without it they skip, saying how to install it;
// with MYPOS_REQUIRE_BROWSER=1 (CI sets it) they fail instead, so a green CI
// run always means a real browser walked the cabinet.
func Chromium(t testing.TB) string {
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

// Timeout bounds a browser's whole test, so a hung browser fails it.
const Timeout = 60 * time.Second

// NewChromium starts a headless Chromium with a fresh profile and nothing
// running in the background, whose language is Russian (the cabinet's
// users'), bounded by Timeout. It exits when the test ends.
func NewChromium(t testing.TB, exe string) context.Context {
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
		chromedp.Flag("accept-lang", "ru-RU,ru"),     // the cabinet's users'; a story switches to English
		chromedp.Flag("hide-scrollbars", true),
	}
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelBrowser := chromedp.NewContext(allocCtx)
	ctx, cancelTimeout := context.WithTimeout(ctx, Timeout)
	t.Cleanup(func() {
		cancelTimeout()
		cancelBrowser()
		cancelAlloc() // waits for the browser to exit, before TempDir is removed
	})
	return ctx
}

// Widths are the screens a screenshot is taken at: a laptop and a phone.
var Widths = []int64{1280, 390}

// NewShots returns the screenshot helper a browser test calls in one line,
// shot("owner-partners"), on each page it visits: the whole page at each
// of Widths (below 700 px as a phone), which must not scroll sideways at
// either, as PNGs named after the test, in order, under $MYPOS_SCREENSHOTS
// or else a folder in the system's temporary directory (not the test's
// own, which goes with the test); the test logs where.
func NewShots(t testing.TB, ctx context.Context) func(name string) {
	t.Helper()
	dir := os.Getenv("MYPOS_SCREENSHOTS")
	if dir == "" {
		dir = filepath.Join(os.TempDir(), "mypos-screenshots")
	}
	dir = filepath.Join(dir, strings.ReplaceAll(t.Name(), "/", "-"))
	if err := os.RemoveAll(dir); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshots in %s", dir)
	n := 0
	return func(name string) {
		t.Helper()
		n++
		for _, width := range Widths {
			file := filepath.Join(dir, fmt.Sprintf("%02d-%s-%d.png", n, name, width))
			if err := shoot(ctx, width, file); err != nil {
				t.Errorf("screenshot %s: %v", name, err)
			}
		}
		if err := chromedp.Do(ctx, chromedp.EmulateViewport(1280, 800)); err != nil {
			t.Fatal(err)
		}
	}
}

// shoot saves the whole page at one width; a page wider than the screen is
// an error, as a phone hides what is past its edge.
func shoot(ctx context.Context, width int64, file string) error {
	var opts []chromedp.EmulateViewportOption
	if width < 700 {
		opts = append(opts, chromedp.EmulateMobile)
	}
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(width, 800, opts...)); err != nil {
		return err
	}
	height, err := chromedp.Run(ctx, chromedp.Evaluate[int64](`Math.ceil(document.documentElement.scrollHeight)`))
	if err != nil {
		return err
	}
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(width, max(height, 600), opts...)); err != nil {
		return err
	}
	png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		return err
	}
	if err := os.WriteFile(file, png, 0o644); err != nil {
		return err
	}
	wide, err := chromedp.Run(ctx, chromedp.Evaluate[int64](`document.documentElement.scrollWidth`))
	if err != nil {
		return err
	}
	if wide > width {
		return fmt.Errorf("at %d px the page is %d px wide", width, wide)
	}
	return nil
}

// CSS selects by a CSS selector.
func CSS(sel string) chromedp.CSS { return chromedp.CSS(sel) }

// Do runs a step's actions and fails the test, naming the step, if one fails.
func Do(t testing.TB, ctx context.Context, step string, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, actions...); err != nil {
		t.Fatalf("browser: %s: %v", step, err)
	}
}

// Read returns what the action reads (a text, the location) or fails the test.
func Read(t testing.TB, ctx context.Context, a chromedp.Action[string]) string {
	t.Helper()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		t.Fatalf("browser: read: %v", err)
	}
	return v
}

// Want fails the test unless got, trimmed, is want.
func Want(t testing.TB, what, got, want string) {
	t.Helper()
	if strings.TrimSpace(got) != want {
		t.Fatalf("%s=%q, want %q", what, got, want)
	}
}

// WaitFor polls the page until the JavaScript expression is true, for up
// to within: what a live part shows without a reload. It fails the test,
// saying what it waited for, otherwise.
func WaitFor(t testing.TB, ctx context.Context, within time.Duration, what, expr string) {
	t.Helper()
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](expr, chromedp.WithPollingTimeout(within))); err != nil {
		t.Fatalf("browser: %s within %s: %v", what, within, err)
	}
}

// Mark leaves a mark on the page that only a reload removes, so WantMark
// can tell a part htmx swapped from a page loaded again.
func Mark(t testing.TB, ctx context.Context) {
	t.Helper()
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`window.myposNotReloaded = true`)); err != nil {
		t.Fatalf("browser: mark the page: %v", err)
	}
}

// WantMark fails the test if the page was loaded again since Mark.
func WantMark(t testing.TB, ctx context.Context) {
	t.Helper()
	if kept, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`window.myposNotReloaded === true`)); err != nil || !kept {
		t.Fatalf("browser: the page was reloaded (%v)", err)
	}
}
