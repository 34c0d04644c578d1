package e2e

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"mypos/i18n"
	bt "mypos/internal/browsertest"
)

// teller tells a story in Chromium against a real server in one
// language: the steps and checks the browser stories share. Each story
// embeds it with what its chapters leave to the next.
type teller struct {
	exe, lang string
	l         *i18n.Locale
	s         *server
}

// chapter is a part of a story, told in a browser of its own so that
// each is bounded by bt.Timeout.
type chapter struct {
	name string
	tell func(*testing.T)
}

// tellInEachLanguage tells a story in each language, each on a fresh
// server: story makes the telling's chapters, which run in order until
// one fails, as a later chapter needs what the ones before it did.
func tellInEachLanguage(t *testing.T, story func(*testing.T, teller) []chapter) {
	t.Helper()
	exe := bt.Chromium(t)
	for _, lang := range i18n.Langs {
		t.Run(lang, func(t *testing.T) {
			for _, c := range story(t, newTeller(t, exe, lang)) {
				if !t.Run(c.name, c.tell) {
					return
				}
			}
		})
	}
}

// newTeller starts a fresh server for a telling in lang.
func newTeller(t *testing.T, exe, lang string) teller {
	t.Helper()
	return teller{exe: exe, lang: lang, l: i18n.For(lang), s: startServer(t)}
}

// open opens a fresh browser on path — in English with ?lang=en, which
// the cookie keeps from then on; Russian is the default — waits for what
// wait selects and shoots the page.
func (st *teller) open(t *testing.T, path, wait, name string) (context.Context, func(string)) {
	t.Helper()
	ctx := bt.NewChromium(t, st.exe)
	shot := bt.NewShots(t, ctx)
	first := st.s.URL + path
	if st.lang != i18n.Russian {
		first += "?lang=" + st.lang
	}
	bt.Do(t, ctx, "open "+path, chromedp.Navigate(first), chromedp.WaitVisible(bt.CSS(wait)))
	shot(name)
	return ctx, shot
}

// logIn opens a fresh browser on the login page, logs in and waits for
// the page that has wait.
func (st *teller) logIn(t *testing.T, email, password, wait string) (context.Context, func(string)) {
	t.Helper()
	ctx, shot := st.open(t, "/login", `form[action="/login"]`, "login")
	bt.Do(t, ctx, "log in as "+email,
		chromedp.SendKeys(bt.CSS(`input[name=email]`), email),
		chromedp.SendKeys(bt.CSS(`input[name=password]`), password),
		chromedp.Click(bt.CSS(`form[action="/login"] button[type=submit]`)),
		chromedp.WaitVisible(bt.CSS(wait)),
	)
	return ctx, shot
}

// click clicks what sel selects and waits for what wait selects: a
// selector only the next page has.
func (st *teller) click(t *testing.T, ctx context.Context, step, sel, wait string) {
	t.Helper()
	bt.Do(t, ctx, step, chromedp.Click(bt.CSS(sel)), chromedp.WaitVisible(bt.CSS(wait)))
}

// text is the text of the first element sel selects.
func (st *teller) text(t *testing.T, ctx context.Context, sel string) string {
	t.Helper()
	return bt.Read(t, ctx, chromedp.Text(bt.CSS(sel)))
}

// want fails unless the first element sel selects says exactly want.
func (st *teller) want(t *testing.T, ctx context.Context, what, sel, want string) {
	t.Helper()
	bt.Want(t, what, st.text(t, ctx, sel), want)
}

// wantIn fails unless the element sel selects says each of words.
func (st *teller) wantIn(t *testing.T, ctx context.Context, what, sel string, words ...string) {
	t.Helper()
	got := st.text(t, ctx, sel)
	for _, w := range words {
		if !strings.Contains(got, w) {
			t.Fatalf("%s lacks %q:\n%s", what, w, got)
		}
	}
}

// wantRows fails unless sel selects n elements.
func (st *teller) wantRows(t *testing.T, ctx context.Context, what, sel string, n int) {
	t.Helper()
	got, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll(`+jsonOf(sel)+`).length`))
	if err != nil || got != n {
		t.Fatalf("%s: %d rows (%v), want %d", what, got, err, n)
	}
}
