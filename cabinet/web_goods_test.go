package cabinet

import (
	"bytes"
	"context"
	"fmt"
	"html"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"mypos"
	"mypos/backoffice"
	"mypos/db"
	"mypos/i18n"
)

// shopEnv is the cabinet with a company logged in (b), a context acting as
// it for fixtures, and another company's context for tenancy checks.
type shopEnv struct {
	*webEnv
	b          *browser
	ctx, other context.Context
	office     *backoffice.Service
}

func newShopEnv(t *testing.T) *shopEnv {
	t.Helper()
	e := newWebEnv(t)
	a := e.MustRegister(mypos.KindCompany, "Ромашка", innFirm, "shop@shop.test", "company-pass")
	o := e.MustRegister(mypos.KindCompany, "Василёк", innFirm2, "other@shop.test", "company-pass")
	b := e.browser()
	b.login("shop@shop.test", "company-pass")
	return &shopEnv{webEnv: e, b: b, office: e.srv.cfg.Backoffice,
		ctx:   mypos.NewContextWithActor(context.Background(), a.Actor()),
		other: mypos.NewContextWithActor(context.Background(), o.Actor())}
}

// goods makes a goods through the service.
func (e *shopEnv) goods(ctx context.Context, code, name string, price int64, group *string, barcodes ...string) *backoffice.Goods {
	e.t.Helper()
	g, err := e.office.CreateGoods(ctx, backoffice.GoodsInput{Code: code, Name: name, Price: &price, Unit: "piece",
		VAT: "22", GroupID: group, Barcodes: barcodes})
	if err != nil {
		e.t.Fatal(err)
	}
	return g
}

func (e *shopEnv) group(ctx context.Context, name string, parent *string) *backoffice.Group {
	e.t.Helper()
	g, err := e.office.CreateGroup(ctx, backoffice.GroupInput{Name: name, ParentID: parent})
	if err != nil {
		e.t.Fatal(err)
	}
	return g
}

// hx asks for the part #target of a page, as htmx does.
func (b *browser) hx(path, target string) webResp {
	b.env.t.Helper()
	req := httptestRequest(http.MethodGet, path, nil)
	req.Header.Set("HX-Request", "true")
	req.Header.Set("HX-Target", target)
	return b.do(req)
}

// upload posts a file as the import form does, with the CSRF token.
func (b *browser) upload(path, name string, body []byte) webResp {
	b.env.t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	w.WriteField(csrfField, b.csrf())
	f, _ := w.CreateFormFile("file", name)
	f.Write(body)
	w.Close()
	req := httptestRequest(http.MethodPost, path, &buf)
	req.Header.Set("Content-Type", w.FormDataContentType())
	return b.do(req)
}

// wantNotFound checks each path is the 404 page, by GET or, with a form, POST.
func wantNotFound(t *testing.T, b *browser, paths ...string) {
	t.Helper()
	for _, p := range paths {
		var r webResp
		if post, ok := strings.CutPrefix(p, "POST "); ok {
			r = b.post(post, url.Values{"name": {"x"}})
		} else {
			r = b.get(p)
		}
		wantPage(t, r, http.StatusNotFound, "Страница не найдена")
	}
}

func TestWebGoodsList(t *testing.T) {
	e := newShopEnv(t)
	dairy := e.group(e.ctx, "Молочное", nil)
	milk := e.group(e.ctx, "Молоко", &dairy.ID)
	e.goods(e.ctx, "M-1", "Молоко 3,2% <script>alert(1)</script>", 8990, &milk.ID, "4600000000008")
	e.goods(e.ctx, "K-1", "Кефир", 7550, &dairy.ID)
	e.goods(e.ctx, "B-1", "Хлеб", 4500, nil)

	r := e.b.get("/goods")
	wantPage(t, r, http.StatusOK, "Молочное", "Молочное/Молоко", "Молоко 3,2% &lt;script&gt;alert(1)&lt;/script&gt;", "89,90", "Хлеб")
	wantAbsent(t, r, "<script>alert(1)")
	// A group shows its goods and its subgroups'.
	r = e.b.get("/goods?group=" + dairy.ID)
	wantPage(t, r, http.StatusOK, "Кефир", "Молоко 3,2%")
	wantAbsent(t, r, "Хлеб")
	wantAbsent(t, e.b.get("/goods?group="+milk.ID), "Кефир")
	// The search finds by name, exact code and barcode, and htmx gets the list alone.
	for _, q := range []string{"кеф", "K-1"} {
		wantPage(t, e.b.get("/goods?q="+url.QueryEscape(q)), http.StatusOK, "Кефир")
	}
	r = e.b.hx("/goods?q=4600000000008", "goods")
	wantPage(t, r, http.StatusOK, "M-1")
	wantAbsent(t, r, "Кефир", "<html")
	wantPage(t, e.b.get("/goods?q=nothing-like-it"), http.StatusOK, "Ничего не найдено.")

	// Another company's group is a page that is not there.
	theirs := e.group(e.other, "Чужая", nil)
	wantNotFound(t, e.b, "/goods?group="+theirs.ID)
	wantAbsent(t, e.b.get("/goods"), "Чужая")
}

func TestWebGoodsPaging(t *testing.T) {
	e := newShopEnv(t)
	for i := range goodsPageSize + 5 {
		e.goods(e.ctx, fmt.Sprintf("P-%03d", i), fmt.Sprintf("Товар %03d", i), 100, nil)
	}
	r := e.b.get("/goods")
	wantPage(t, r, http.StatusOK, "Товар 000", "Товар 049", "Дальше →")
	wantAbsent(t, r, "Товар 050", "В начало")
	next := html.UnescapeString(match(t, nextRe, r.Body))
	r = e.b.get(next)
	wantPage(t, r, http.StatusOK, "Товар 050", "Товар 054", "В начало")
	wantAbsent(t, r, "Товар 049", "Дальше →")
}

func TestWebGoodsForm(t *testing.T) {
	e := newShopEnv(t)
	dairy := e.group(e.ctx, "Молочное", nil)
	form := func(code, barcodes, price string) url.Values {
		return url.Values{"code": {code}, "name": {"Сыр <b>"}, "group_id": {dairy.ID}, "barcodes": {barcodes},
			"price": {price}, "unit": {"weight"}, "vat": {"10"}}
	}
	wantPage(t, e.b.get("/goods/new?group="+dairy.ID), http.StatusOK, `name="barcodes"`, `hx-get="/goods/barcodes"`)

	// Errors stand next to their fields, in the page's language.
	r := e.b.post("/goods/new", form("S-1", "4600000000009", "199,90"))
	_, err := backoffice.Barcodes("barcodes", "4600000000009")
	wantMessage(t, r, err)
	wantPage(t, r, http.StatusBadRequest, `class="field bad"`, `value="Сыр &lt;b&gt;"`)
	r = e.b.post("/goods/new", form("S-1", "", "19,999"))
	_, err = backoffice.ParseRubles("price", "19,999")
	wantMessage(t, r, err)
	wantPage(t, r, r.StatusCode, `id="f-price-error"`)
	e.b.get("/goods?lang=en")
	r = e.b.post("/goods/new", form("S-1", "", "abc"))
	wantPage(t, r, http.StatusBadRequest, i18n.For(i18n.English).Error(err))
	e.b.get("/goods?lang=ru")

	// The barcode check as one types: the field's note alone.
	r = e.b.hx("/goods/barcodes?barcodes=4600000000009", "barcodes-check")
	wantPage(t, r, http.StatusOK, "4600000000009", "контрольной цифрой")
	wantAbsent(t, r, "<html")
	wantPage(t, e.b.hx("/goods/barcodes?barcodes=4600000000008+96385074", "barcodes-check"), http.StatusOK, "2 штрихкода")

	// "199.90" and "199,90" both are roubles.
	wantRedirect(t, e.b.post("/goods/new", form("S-1", "4600000000008", "199.90")), "/goods?group="+dairy.ID)
	wantPage(t, e.b.get("/goods"), http.StatusOK, "Товар «Сыр &lt;b&gt;» добавлен.", "199,90")
	gs, _, _ := e.office.ListGoods(e.ctx, db.ListParams{Query: "S-1"})
	if len(gs) != 1 || gs[0].Price != 19990 || gs[0].Unit != "weight" || gs[0].VAT != "10" || gs[0].Barcodes[0] != "4600000000008" {
		t.Fatalf("created %+v", gs)
	}
	id := gs[0].ID
	// A taken code is refused at the code.
	r = e.b.post("/goods/new", form("S-1", "", "1"))
	wantPage(t, r, http.StatusConflict, `id="f-code-error"`)

	wantPage(t, e.b.get("/goods/"+id), http.StatusOK, `value="199,90"`, `value="4600000000008"`)
	f := form("S-2", "4600000000008 96385074", "250")
	f.Set("group_id", "")
	wantRedirect(t, e.b.post("/goods/"+id, f), "/goods")
	g, _ := e.office.GetGoods(e.ctx, id)
	if g.Code != "S-2" || g.Price != 25000 || g.GroupID != nil || len(g.Barcodes) != 2 {
		t.Fatalf("updated %+v", g)
	}
	// CSRF: a post without the token is refused and changes nothing.
	f.Set("price", "1")
	f.Del(csrfField)
	wantStatus(t, e.b.postRaw("/goods/"+id, f), http.StatusForbidden)
	wantStatus(t, e.b.postRaw("/goods/new", f), http.StatusForbidden)

	wantPage(t, e.b.get("/goods/"+id+"/delete"), http.StatusOK, "Удалить товар «Сыр &lt;b&gt;» (код S-2)?")
	wantRedirect(t, e.b.post("/goods/"+id+"/delete", url.Values{}), "/goods")
	if _, err := e.office.GetGoods(e.ctx, id); mypos.ErrorCode(err) != mypos.ENOTFOUND {
		t.Fatalf("after delete: %v", err)
	}

	theirs := e.goods(e.other, "T-1", "Чужой", 100, nil)
	wantNotFound(t, e.b, "/goods/"+theirs.ID, "/goods/"+theirs.ID+"/delete", "POST /goods/"+theirs.ID+"/delete")
	wantStatus(t, e.b.post("/goods/"+theirs.ID, form("T-1", "", "1")), http.StatusNotFound)
	wantStatus(t, e.b.post("/goods/"+theirs.ID, form("T-1", "", "bad price")), http.StatusNotFound)
}

func TestWebGroups(t *testing.T) {
	e := newShopEnv(t)
	wantPage(t, e.b.get("/goods/groups/new"), http.StatusOK, `name="parent_id"`)
	wantStatus(t, e.b.post("/goods/groups/new", url.Values{"name": {"Напитки <i>"}}), http.StatusSeeOther)
	gs, _, _ := e.office.ListGroups(e.ctx, db.ListParams{})
	if len(gs) != 1 {
		t.Fatalf("groups %+v", gs)
	}
	drinks := gs[0]
	wantPage(t, e.b.get("/goods?group="+drinks.ID), http.StatusOK, "Группа «Напитки &lt;i&gt;» создана.", "В этой группе нет товаров.")
	r := e.b.post("/goods/groups/new", url.Values{"name": {"Соки/воды"}, "parent_id": {drinks.ID}})
	_, err := e.office.CreateGroup(e.ctx, backoffice.GroupInput{Name: "Соки/воды"})
	wantMessage(t, r, err)
	wantPage(t, r, http.StatusBadRequest, `id="f-name-error"`)
	wantStatus(t, e.b.post("/goods/groups/new", url.Values{"name": {"Соки"}, "parent_id": {drinks.ID}}), http.StatusSeeOther)
	juice := e.group(e.ctx, "Нектары", &drinks.ID)

	// Rename and move; a move under its own subgroup is refused at the parent.
	wantRedirect(t, e.b.post("/goods/groups/"+juice.ID, url.Values{"name": {"Морсы"}, "parent_id": {drinks.ID}}), "/goods?group="+juice.ID)
	r = e.b.post("/goods/groups/"+drinks.ID, url.Values{"name": {"Напитки"}, "parent_id": {juice.ID}})
	_, err = e.office.UpdateGroup(e.ctx, drinks.ID, backoffice.GroupPatch{ParentID: backoffice.SetTo(juice.ID)})
	wantMessage(t, r, err)
	wantPage(t, r, r.StatusCode, `id="f-parent_id-error"`)

	// A group with subgroups stays, and its form says why.
	wantPage(t, e.b.get("/goods/groups/"+drinks.ID+"/delete"), http.StatusOK, "Удалить группу «Напитки &lt;i&gt;»?")
	r = e.b.post("/goods/groups/"+drinks.ID+"/delete", url.Values{})
	err = e.office.DeleteGroup(e.ctx, drinks.ID)
	wantMessage(t, r, err)
	wantStatus(t, r, http.StatusConflict)
	wantRedirect(t, e.b.post("/goods/groups/"+juice.ID+"/delete", url.Values{}), "/goods?group="+drinks.ID)
	wantStatus(t, e.b.postRaw("/goods/groups/new", url.Values{"name": {"x"}}), http.StatusForbidden)

	theirs := e.group(e.other, "Чужая", nil)
	wantNotFound(t, e.b, "/goods/groups/"+theirs.ID, "/goods/groups/"+theirs.ID+"/delete",
		"POST /goods/groups/"+theirs.ID+"/delete", "POST /goods/groups/"+theirs.ID)
}

// catalogFile is an import file; bad puts a wrong check digit in a row.
func catalogFile(bad bool) []byte {
	barcode := "4600000000008"
	if bad {
		barcode = "4600000000009"
	}
	return []byte("code,name,barcode,price,unit,vat,group\n" +
		"A-1,\"Молоко, 1 л\",4006381333931,89.90,шт,22,Молочное/Молоко\n" +
		"A-2,Сыр <script>,,\"450,5\",кг,10,Молочное\n" +
		"A-3,Хлеб," + barcode + ",45,piece,none,\n")
}

func TestWebImportExport(t *testing.T) {
	e := newShopEnv(t)
	wantPage(t, e.b.get("/goods/import"), http.StatusOK, `enctype="multipart/form-data"`, "code,name,barcode,price,unit,vat,group")

	// One bad row: the report, in the page's language, and nothing imported.
	r := e.b.upload("/goods/import", "goods.csv", catalogFile(true))
	wantPage(t, r, http.StatusBadRequest, "В файле 1 ошибка", "Ничего не загружено.",
		`<td data-label="Строка" class="num">4</td>`, "не штрихкод EAN-13 или EAN-8")
	if gs, _, _ := e.office.ListGoods(e.ctx, db.ListParams{}); len(gs) != 0 {
		t.Fatalf("a refused file imported %d goods", len(gs))
	}
	e.b.get("/goods?lang=en")
	wantPage(t, e.b.upload("/goods/import", "goods.csv", catalogFile(true)), http.StatusBadRequest,
		"The file has 1 problem", "is not an EAN-13 or EAN-8 barcode")
	e.b.get("/goods?lang=ru")

	wantRedirect(t, e.b.upload("/goods/import", "goods.csv", catalogFile(false)), "/goods")
	wantPage(t, e.b.get("/goods"), http.StatusOK, "Каталог загружен: создано 3, обновлено 0, без изменений 0.",
		"Сыр &lt;script&gt;", "450,50")

	// The export is the import's format; imported back, it changes nothing.
	exp := e.b.get("/goods/export.csv")
	wantStatus(t, exp, http.StatusOK)
	if ct := exp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/csv") {
		t.Fatalf("export Content-Type %q", ct)
	}
	for _, line := range []string{"code,name,barcode,price,unit,vat,group", `A-1,"Молоко, 1 л",4006381333931,89.90,piece,22,Молочное/Молоко`, "A-3,Хлеб,4600000000008,45.00,piece,none,"} {
		if !strings.Contains(exp.Body, line+"\n") {
			t.Fatalf("export lacks %q:\n%s", line, exp.Body)
		}
	}
	wantRedirect(t, e.b.upload("/goods/import", "export.csv", []byte(exp.Body)), "/goods")
	wantPage(t, e.b.get("/goods"), http.StatusOK, "создано 0, обновлено 0, без изменений 3.")
	if again := e.b.get("/goods/export.csv"); again.Body != exp.Body {
		t.Fatalf("the round trip changed the catalog:\n%s\nthen\n%s", exp.Body, again.Body)
	}
	wantStatus(t, e.b.postRaw("/goods/import", url.Values{}), http.StatusForbidden)
}
