package cabinet

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/chromedp/chromedp"

	"mypos/backoffice"
	"mypos/db"
)

// TestBrowserCatalog walks the company's catalog in a real browser, click
// by click: a group, then a goods in it whose barcode's wrong check digit
// is flagged as it is typed; an import with one bad row refused with its
// report, fixed and loaded; a search swapped in as one types; a store's
// own price; a discount; and the pages that ask first. Every page is
// shot at 1280 and 390 px.
func TestBrowserCatalog(t *testing.T) {
	t.Parallel() // each has its own server, database and Chromium; mostly they wait on it
	exe := chromium(t)
	e := newShopEnv(t)
	if _, err := e.office.CreateStore(e.ctx, backoffice.StoreInput{Name: "Центральный", Address: "ул. Ленина, 1"}); err != nil {
		t.Fatal(err)
	}
	base := e.serve()
	ctx := newChromium(t, exe)
	shot := newShots(t, ctx)

	do(t, ctx, "log in and open the goods",
		chromedp.Navigate(base+"/login"),
		chromedp.SendKeys(css(`input[name=email]`), "shop@shop.test"),
		chromedp.SendKeys(css(`input[name=password]`), "company-pass"),
		chromedp.Click(css(`form[action="/login"] button[type=submit]`)),
		chromedp.WaitVisible(css(`.nav a[href="/goods"]`)),
		chromedp.Click(css(`.nav a[href="/goods"]`)),
		chromedp.WaitVisible(css(`.catalog .empty`)),
	)
	shot("goods-empty")

	do(t, ctx, "create a group",
		chromedp.Click(css(`.group-actions a`)),
		chromedp.WaitVisible(css(`form[action="/goods/groups/new"]`)),
	)
	shot("group-new")
	do(t, ctx, "name it",
		chromedp.SendKeys(css(`input[name=name]`), "Молочное"),
		chromedp.Click(css(`form[action="/goods/groups/new"] button[type=submit]`)),
		chromedp.WaitVisible(css(`.flash`)),
	)
	want(t, "the group is chosen", read(t, ctx, chromedp.Text(css(`.groups a[aria-current=page]`))), "Молочное")
	shot("goods-group-empty")

	do(t, ctx, "add a goods with a mistyped barcode",
		chromedp.Click(css(`.head-actions a.primary`)),
		chromedp.WaitVisible(css(`form[action="/goods/new"]`)),
		chromedp.SendKeys(css(`input[name=code]`), "M-1"),
		chromedp.SendKeys(css(`input[name=name]`), "Молоко 3,2% <script>"),
		chromedp.SendKeys(css(`input[name=barcodes]`), "96385075"),
		chromedp.WaitVisible(css(`#barcodes-check .field-error`)),
	)
	want(t, "the live check", read(t, ctx, chromedp.Text(css(`#barcodes-check`))),
		"«96385075» — не штрихкод EAN-13 или EAN-8 (13 или 8 цифр с верной контрольной цифрой).")
	shot("goods-new-barcode-error")
	do(t, ctx, "fix the check digit and save",
		chromedp.SetValue(css(`input[name=barcodes]`), "9638507"),
		chromedp.SendKeys(css(`input[name=barcodes]`), "4"),
		chromedp.WaitVisible(css(`#barcodes-check .ok-text`)),
		chromedp.SendKeys(css(`input[name=price]`), "89,90"),
		chromedp.Click(css(`form[action="/goods/new"] button[type=submit]`)),
		chromedp.WaitVisible(css(`#goods table`)),
	)
	want(t, "the name as text", read(t, ctx, chromedp.Text(css(`#goods td.primary-cell`))), "Молоко 3,2% <script>")
	shot("goods-group")

	file := filepath.Join(t.TempDir(), "goods.csv")
	upload := func(step string, bad bool, wait string) {
		t.Helper()
		if err := os.WriteFile(file, catalogFile(bad), 0o644); err != nil {
			t.Fatal(err)
		}
		do(t, ctx, step,
			chromedp.Navigate(base+"/goods/import"),
			chromedp.WaitVisible(css(`input[type=file]`)),
			chromedp.SetUploadFiles(css(`input[type=file]`), []string{file}),
			chromedp.Click(css(`form[action="/goods/import"] button[type=submit]`)),
			chromedp.WaitVisible(css(wait)),
		)
	}
	upload("import a file with a bad row", true, `table.table`)
	want(t, "the report", read(t, ctx, chromedp.Text(css(`#report`))), "В файле 1 ошибка")
	shot("import-report")
	upload("import it fixed", false, `.flash`)
	want(t, "the import's outcome", read(t, ctx, chromedp.Text(css(`.flash`))), "Каталог загружен: создано 3, обновлено 0, без изменений 0.")
	shot("goods-imported")

	do(t, ctx, "search as one types", chromedp.SendKeys(css(`.goods-list input[name=q]`), "хлеб"))
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`location.search.includes("q=") && document.querySelectorAll("#goods tbody tr").length === 1`)); err != nil {
		t.Fatalf("the search did not swap the list: %v", err)
	}
	shot("goods-search")

	do(t, ctx, "edit a goods", chromedp.Click(css(`#goods a.button.small`)), chromedp.WaitVisible(css(`form.form`)))
	shot("goods-edit")
	gs, _, _ := e.office.ListGoods(e.ctx, db.ListParams{Query: "A-3"})
	do(t, ctx, "ask to delete it", chromedp.Navigate(base+"/goods/"+gs[0].ID+"/delete"), chromedp.WaitVisible(css(`.confirm`)))
	shot("goods-delete-confirm")
	groups, _, _ := e.office.ListGroups(e.ctx, db.ListParams{Query: "Молочное"})
	do(t, ctx, "edit the group", chromedp.Navigate(base+"/goods/groups/"+groups[0].ID), chromedp.WaitVisible(css(`select[name=parent_id]`)))
	shot("group-edit")

	do(t, ctx, "set a store price",
		chromedp.Click(css(`.nav a[href="/prices"]`)),
		chromedp.WaitVisible(css(`input[name=find]`)),
		chromedp.SendKeys(css(`input[name=find]`), "молоко"),
		chromedp.WaitVisible(css(`#found input[name=price]`)),
	)
	shot("prices-find")
	do(t, ctx, "type the price",
		chromedp.SendKeys(css(`#found tbody tr:first-child input[name=price]`), "79,90"),
		chromedp.Click(css(`#found tbody tr:first-child button`)),
		chromedp.WaitVisible(css(`.flash`)),
	)
	want(t, "the store price", read(t, ctx, chromedp.Text(css(`#prices tbody td.num strong`))), "79,90\u00a0₽")
	shot("prices")

	do(t, ctx, "create a discount",
		chromedp.Click(css(`.nav a[href="/discounts"]`)),
		chromedp.WaitVisible(css(`.empty`)),
		chromedp.Click(css(`.head-actions a.primary`)),
		chromedp.WaitVisible(css(`form[action="/discounts/new"]`)),
		chromedp.SendKeys(css(`input[name=name]`), "Утро"),
		chromedp.SendKeys(css(`input[name=value]`), "12,5"),
		chromedp.Click(css(`input[name=target][value=group]`)),
		chromedp.SetValue(css(`select[name=group_id]`), groups[0].ID),
		chromedp.Click(css(`input[name=days][value="1"]`)),
		chromedp.Click(css(`input[name=days][value="5"]`)),
	)
	shot("discount-new")
	do(t, ctx, "save it",
		chromedp.Click(css(`form[action="/discounts/new"] button[type=submit]`)),
		chromedp.WaitVisible(css(`#discounts table`)),
	)
	want(t, "the discount in words", read(t, ctx, chromedp.Text(css(`#discounts td.when`))), "бессрочно\nпн, пт · весь день")
	shot("discounts")
}
