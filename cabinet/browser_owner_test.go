package cabinet

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"mypos"
)

// TestBrowserOwner walks the owner's whole job in a real browser, click by
// click: from home it creates a partner (after a mistyped INN, shown at
// its field), sells it three licenses from the partner's page through the
// confirmation, lands on the sale's document, finds it in the journal (a
// filter swaps the table in place), sees the three sealed licenses and the
// companies. Every page is saved at 1280 and 390 px.
func TestBrowserOwner(t *testing.T) {
	t.Parallel() // each has its own server, database and Chromium; mostly they wait on it
	exe := chromium(t)
	env := newWebEnv(t)
	env.MustOwnerContext()
	env.MustRegister(mypos.KindPartner, "Сервис <script>alert(1)</script>", innTrader, "south@dealer.test", "partner-pass")
	env.MustRegister(mypos.KindCompany, "Ромашка", innFirm, "shop@romashka.test", "secret-pass")
	base := env.serve()
	ctx := newChromium(t, exe)
	shot := newShots(t, ctx)

	do(t, ctx, "log in as the owner",
		chromedp.Navigate(base+"/login"),
		chromedp.SendKeys(css(`input[name=email]`), "owner@mypos.test"),
		chromedp.SendKeys(css(`input[name=password]`), "owner-password"),
		chromedp.Click(css(`form[action="/login"] button[type=submit]`)),
		chromedp.WaitVisible(css(`.stat-tiles`)),
	)
	want(t, "what to do", read(t, ctx, chromedp.Text(css(`.todo-item`))), "1 партнёр ждёт одобрения · Рассмотреть заявки →")
	shot("owner-home-empty")

	do(t, ctx, "open the new partner form",
		chromedp.Click(css(`.head-actions a[href="/owner/partners/new"]`)),
		chromedp.WaitVisible(css(`form[action="/owner/partners/new"]`)),
		chromedp.SendKeys(css(`input[name=name]`), "Дилер Север"),
		chromedp.SendKeys(css(`input[name=inn]`), "7736207544"),
		chromedp.SendKeys(css(`input[name=city]`), "Мурманск"),
		chromedp.SendKeys(css(`input[name=email]`), "north@dealer.test"),
		chromedp.SendKeys(css(`input[name=password]`), "partner-pass"),
		chromedp.Click(css(`form[action="/owner/partners/new"] button[type=submit]`)),
		chromedp.WaitVisible(css(`#f-inn-error`)),
	)
	want(t, "the INN's error", read(t, ctx, chromedp.Text(css(`#f-inn-error`))), "Неверная контрольная цифра ИНН: проверьте, нет ли опечатки.")
	shot("owner-partner-new-error")
	do(t, ctx, "correct the INN and create",
		chromedp.SetValue(css(`input[name=inn]`), innFirm2),
		chromedp.SendKeys(css(`input[name=password]`), "partner-pass"),
		chromedp.Click(css(`form[action="/owner/partners/new"] button[type=submit]`)),
		chromedp.WaitVisible(css(`.flash`)),
	)
	want(t, "the flash", read(t, ctx, chromedp.Text(css(`.flash`))), "Партнёр «Дилер Север» создан: он может войти с этим e-mail и паролем.")
	want(t, "the partner's page", read(t, ctx, chromedp.Text(css(`main h1`))), "Дилер Север Активен")
	shot("owner-partner")

	do(t, ctx, "sell from the partner's page",
		chromedp.Click(css(`.head-actions a.primary`)),
		chromedp.WaitVisible(css(`form[action="/owner/sales/new"]`)),
	)
	want(t, "the partner is preset", read(t, ctx, chromedp.Evaluate[string](`document.querySelector("#f-partner_id").selectedOptions[0].textContent`)), "Дилер Север · "+innFirm2)
	do(t, ctx, "type the count", chromedp.SendKeys(css(`input[name=count]`), "3"))
	shot("owner-sale")
	do(t, ctx, "go on to the confirmation",
		chromedp.Click(css(`form[action="/owner/sales/new"] button[type=submit]`)),
		chromedp.WaitVisible(css(`.confirm`)),
	)
	want(t, "the question", read(t, ctx, chromedp.Text(css(`.confirm .question`))), "Продать 3 лицензии партнёру «Дилер Север» (ИНН "+innFirm2+")?")
	shot("owner-sale-confirm")
	do(t, ctx, "sell", chromedp.Click(css(`.confirm button[type=submit]`)), chromedp.WaitVisible(css(`.flash`)))
	want(t, "the sale's flash", read(t, ctx, chromedp.Text(css(`.flash`))), "Проданы 3 лицензии партнёру «Дилер Север», документ № 1.")
	want(t, "the document", read(t, ctx, chromedp.Text(css(`main h1`))), "Продажа № 1")
	if n := len(read(t, ctx, chromedp.Text(css(`table.lines tbody`)))); n == 0 {
		t.Fatal("the document has no lines")
	}
	shot("owner-document")

	do(t, ctx, "open the journal", chromedp.Click(css(`.nav a[href="/owner/documents"]`)), chromedp.WaitVisible(css(`#documents table`)))
	want(t, "the journal's newest", read(t, ctx, chromedp.Text(css(`#documents tbody tr:first-child td.primary-cell`))), "№\u00a01")
	want(t, "its count", read(t, ctx, chromedp.Text(css(`#documents tbody tr:first-child td.num`))), "3")
	shot("owner-documents")
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`window.notReloaded = true`)); err != nil {
		t.Fatal(err)
	}
	// Choosing a type is a change, which submits the filter with htmx.
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(s => { s.value = "transfer"; return s.dispatchEvent(new Event("change", {bubbles: true})) })(document.querySelector("#f-type"))`)); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`location.search.includes("type=transfer") && document.querySelector("#documents .empty") !== null`)); err != nil {
		t.Fatalf("the filter did not swap the journal: %v", err)
	}
	if kept, _ := chromedp.Run(ctx, chromedp.Evaluate[bool](`window.notReloaded === true`)); !kept {
		t.Fatal("the filter reloaded the page instead of swapping the journal")
	}
	shot("owner-documents-filtered")

	do(t, ctx, "open the licenses", chromedp.Click(css(`.nav a[href="/owner/licenses"]`)), chromedp.WaitVisible(css(`#licenses table`)))
	do(t, ctx, "the sealed tab", chromedp.Click(css(`.tabs a[href="/owner/licenses?state=sealed"]`)), chromedp.WaitVisible(css(`.tabs a[aria-current=page][href$="sealed"]`)))
	rows, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("#licenses tbody tr").length`))
	if err != nil || rows != 3 {
		t.Fatalf("sealed licenses: %d rows (%v), want 3", rows, err)
	}
	holders := read(t, ctx, chromedp.Text(css(`#licenses tbody`)))
	if strings.Count(holders, "Дилер Север") != 3 {
		t.Fatalf("the holders: %q", holders)
	}
	shot("owner-licenses")

	do(t, ctx, "open the partners", chromedp.Click(css(`.nav a[href="/owner/partners"]`)), chromedp.WaitVisible(css(`#partners table`)))
	shot("owner-partners")
	do(t, ctx, "open the companies", chromedp.Click(css(`.nav a[href="/owner/companies"]`)), chromedp.WaitVisible(css(`#companies table`)))
	shot("owner-companies")
	do(t, ctx, "go home", chromedp.Click(css(`.nav a[href="/"]`)), chromedp.WaitVisible(css(`.stat-tiles`)))
	want(t, "the newest document at home", read(t, ctx, chromedp.Text(css(`table.documents tbody tr:first-child td.primary-cell`))), "№\u00a01")
	shot("owner-home")
}
