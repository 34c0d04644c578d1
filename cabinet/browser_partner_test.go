package cabinet

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestBrowserPartner is the partner's day, click by click: a company asks
// to link by the partner's code, the partner accepts, transfers a license
// to the new client, unseals one to itself, and finds both documents in
// the journal — with a screenshot of every page it passes.
func TestBrowserPartner(t *testing.T) {
	t.Parallel() // each has its own server, database and Chromium; mostly they wait on it
	exe := chromium(t)
	w := newPartnerWorld(t, 3)
	w.request("Ромашка", w.partner)
	w.request(scriptName, w.partner)
	base := w.serve()
	ctx := newChromium(t, exe)
	shot := newShots(t, ctx)

	do(t, ctx, "log in as the partner",
		chromedp.Navigate(base+"/login"),
		chromedp.WaitVisible(css(`form[action="/login"]`)),
		chromedp.SendKeys(css(`input[name=email]`), w.partner.Email),
		chromedp.SendKeys(css(`input[name=password]`), "partner-pass"),
		chromedp.Click(css(`form[action="/login"] button[type=submit]`)),
		chromedp.WaitVisible(css(`.home-grid`)),
	)
	want(t, "pending requests", read(t, ctx, chromedp.Text(css(`.home-count a`))), "2 заявки ждут ответа")
	shot("partner-home")

	do(t, ctx, "open the requests", chromedp.Click(css(`.nav a[href="/partner/requests"]`)), chromedp.WaitVisible(css(`#requests table`)))
	shot("partner-requests")
	do(t, ctx, "ask to decline the second, then think better of it",
		chromedp.Click(css(`#requests tbody tr:nth-child(2) a.button`)),
		chromedp.WaitVisible(css(`.confirm`)),
	)
	want(t, "the question", read(t, ctx, chromedp.Text(css(`.confirm .question`))), "Отклонить заявку компании «"+scriptName+"»?")
	shot("partner-decline-confirm")
	do(t, ctx, "cancel", chromedp.Click(css(`.confirm a.button`)), chromedp.WaitVisible(css(`#requests table`)))
	do(t, ctx, "accept the first",
		chromedp.Click(css(`#requests tbody tr:first-child button[type=submit]`)),
		chromedp.WaitVisible(css(`.flash`)),
	)
	want(t, "the flash", read(t, ctx, chromedp.Text(css(`.flash`))), "Компания «Ромашка» теперь ваш клиент.")
	shot("partner-requests-accepted")

	do(t, ctx, "open the clients", chromedp.Click(css(`.nav a[href="/partner/clients"]`)), chromedp.WaitVisible(css(`#clients table`)))
	shot("partner-clients")
	do(t, ctx, "open the client", chromedp.Click(css(`#clients td.primary-cell a`)), chromedp.WaitVisible(css(`.details`)))
	shot("partner-client-empty")

	do(t, ctx, "transfer a license to it",
		chromedp.Click(css(`.head-actions a.primary`)),
		chromedp.WaitVisible(css(`select[name=company_id]`)),
	)
	shot("partner-transfer-form")
	do(t, ctx, "review the transfer",
		chromedp.Click(css(`form.form button.primary`)),
		chromedp.WaitVisible(css(`button[name=post]`)),
	)
	want(t, "the summary", read(t, ctx, chromedp.Text(css(`.confirm .question`))), "Передать 1 лицензию клиенту «Ромашка»?")
	shot("partner-transfer-summary")
	do(t, ctx, "post it", chromedp.Click(css(`button[name=post]`)), chromedp.WaitVisible(css(`.flash`)))
	if !strings.Contains(read(t, ctx, chromedp.Location()), "/partner/documents/") {
		t.Fatal("the post did not open the document")
	}
	shot("partner-transfer-document")

	do(t, ctx, "start an unseal",
		chromedp.Click(css(`.nav a[href="/partner/documents"]`)),
		chromedp.WaitVisible(css(`#documents`)),
		chromedp.Click(css(`.page-head a.primary`)),
		chromedp.WaitVisible(css(`.tiles`)),
	)
	shot("partner-new-document")
	do(t, ctx, "mistype the buyer's INN",
		chromedp.Click(css(`a.tile[href$="/unseal"]`)),
		chromedp.WaitVisible(css(`input[name="licensee.inn"]`)),
		chromedp.SendKeys(css(`input[name="licensee.name"]`), "ИП Петров"),
		chromedp.SendKeys(css(`input[name="licensee.inn"]`), "7707083894"),
		chromedp.SendKeys(css(`input[name="licensee.email"]`), "petrov@shop.test"),
		chromedp.Click(css(`form.form button.primary`)),
		chromedp.WaitVisible(css(`#f-licensee\.inn-error`)),
	)
	want(t, "the INN's error, at the INN", read(t, ctx, chromedp.Text(css(`#f-licensee\.inn-error`))), "Неверная контрольная цифра ИНН: проверьте, нет ли опечатки.")
	shot("partner-unseal-error")
	do(t, ctx, "correct it and review",
		chromedp.SetValue(css(`input[name="licensee.inn"]`), innFirm),
		chromedp.Click(css(`form.form button.primary`)),
		chromedp.WaitVisible(css(`button[name=post]`)),
	)
	shot("partner-unseal-summary")
	do(t, ctx, "post it", chromedp.Click(css(`button[name=post]`)), chromedp.WaitVisible(css(`.flash`)))
	shot("partner-unseal-document")

	do(t, ctx, "open the journal", chromedp.Click(css(`.nav a[href="/partner/documents"]`)), chromedp.WaitVisible(css(`#documents table`)))
	journal := read(t, ctx, chromedp.Text(css(`#documents tbody`)))
	for _, s := range []string{"Продажа", "Передача клиенту", "Ромашка", "Раскрытие себе", "ИП Петров"} {
		if !strings.Contains(journal, s) {
			t.Fatalf("the journal lacks %q: %q", s, journal)
		}
	}
	shot("partner-documents")

	do(t, ctx, "open the licenses", chromedp.Click(css(`.nav a[href="/partner/licenses"]`)), chromedp.WaitVisible(css(`#licenses`)))
	shot("partner-licenses-sealed")
	do(t, ctx, "the unsealed ones", chromedp.Click(css(`.tabs a[href$="unsealed"]`)), chromedp.WaitVisible(css(`#licenses table`)))
	shot("partner-licenses-unsealed")
	do(t, ctx, "the client's page", chromedp.Navigate(base+"/partner/clients"), chromedp.Click(css(`#clients td.primary-cell a`)), chromedp.WaitVisible(css(`#client-licenses table`)))
	shot("partner-client")
	do(t, ctx, "home again", chromedp.Click(css(`.nav a[href="/"]`)), chromedp.WaitVisible(css(`.home-grid`)))
	shot("partner-home-after")
}
