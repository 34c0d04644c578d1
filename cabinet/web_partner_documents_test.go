package cabinet

import (
	"html"
	"net/http"
	"regexp"
	"testing"

	"mypos/db"
	"mypos/i18n"
	"mypos/licensing"
)

func TestWebPartnerLicenses(t *testing.T) {
	w := newPartnerWorld(t, 3)
	lic := w.srv.cfg.Licensing
	ids := w.sealedIDs(w.as, 3)
	if _, err := lic.Unseal(w.as, ids[:1], licensing.Licensee{Name: scriptName, INN: innFirm, Email: "buyer@shop.test"}); err != nil {
		t.Fatal(err)
	}
	unsealed, err := lic.Get(w.as, ids[0])
	if err != nil || unsealed.Key == "" {
		t.Fatalf("the unsealed license: %+v, %v", unsealed, err)
	}
	romashka := w.client("Ромашка", w.partner, w.as)
	if _, err := lic.Transfer(w.as, romashka.ID, ids[2:]); err != nil {
		t.Fatal(err)
	}

	r := w.b.get("/partner/licenses")
	wantPage(t, r, http.StatusOK, `aria-current="page">Запечатанные`, "скрыт", `href="/licenses/`+ids[1]+`"`)
	wantAbsent(t, r, unsealed.Key, ids[2])
	r = w.b.get("/partner/licenses?state=unsealed")
	wantPage(t, r, http.StatusOK, unsealed.Key, html.EscapeString(scriptName), "Раскрыта")
	wantAbsent(t, r, scriptName)
	wantPage(t, w.b.get("/partner/licenses?state=active"), http.StatusOK, "На кассах ваших клиентов пока нет лицензий.")
	r = w.b.get("/partner/licenses?state=all&limit=1")
	wantPage(t, r, http.StatusOK, ids[0], "Дальше")
	next := html.UnescapeString(match(t, nextRe, r.Body))
	wantPage(t, w.b.get(next), http.StatusOK, ids[1], "state=all")

	t.Run("Search", func(t *testing.T) {
		wantPage(t, w.b.get("/partner/licenses?state=all&q="+unsealed.Key), http.StatusOK, unsealed.Key)
		wantAbsent(t, w.b.get("/partner/licenses?state=all&q="+unsealed.Key), ids[1])
		r := w.b.get("/partner/licenses?q=not-a-key")
		_, _, err := lic.Licenses(w.as, licensing.LicenseFilter{ListParams: db.ListParams{Query: "not-a-key"}})
		wantMessage(t, r, err)
		wantStatus(t, w.b.get("/partner/licenses?state=lost"), http.StatusBadRequest)
	})
}

func TestWebPartnerTransfer(t *testing.T) {
	w := newPartnerWorld(t, 3)
	romashka := w.client(scriptName, w.partner, w.as)
	path := "/partner/documents/new/transfer"

	r := w.b.get(path + "?company=" + romashka.ID)
	wantPage(t, r, http.StatusOK, `<option value="`+romashka.ID+`" selected>`+html.EscapeString(scriptName), "Сейчас у вас 3 запечатанные лицензии")
	wantAbsent(t, r, scriptName)

	t.Run("CountTooLarge", func(t *testing.T) {
		for lang, want := range map[string]string{i18n.Russian: "Укажите от 1 до 3 лицензий.", i18n.English: "Name 1 to 3 licenses."} {
			b := w.b
			b.get("/?lang=" + lang)
			r := b.post(path, form("company_id", romashka.ID, "count", "4"))
			wantPage(t, r, http.StatusOK, `id="f-count-error" role="alert">`+want+`</p>`)
		}
		w.b.get("/?lang=ru")
	})
	t.Run("NoClient", func(t *testing.T) {
		r := w.b.post(path, form("company_id", "", "count", "1"))
		wantPage(t, r, http.StatusOK, `id="f-company_id-error" role="alert">Нет такой компании-клиента.</p>`)
	})
	t.Run("CSRF", func(t *testing.T) {
		ids := w.sealedIDs(w.as, 1)
		wantStatus(t, w.b.postRaw(path, form("company_id", romashka.ID, "license_ids", ids[0], "post", "1")), http.StatusForbidden)
	})

	// The summary names the oldest sealed licenses and posts exactly them.
	oldest := w.sealedIDs(w.as, 2)
	r = w.b.post(path, form("company_id", romashka.ID, "count", "2"))
	wantPage(t, r, http.StatusOK, "Передать 2 лицензии клиенту «"+html.EscapeString(scriptName)+"»?", oldest[0], oldest[1],
		`name="license_ids" value="`+oldest[0]+`"`, "Провести")
	wantAbsent(t, r, scriptName)
	r = w.b.post(path, form("company_id", romashka.ID, "count", "2", "license_ids", oldest[0], "license_ids", oldest[1], "edit", "1"))
	wantPage(t, r, http.StatusOK, `name="count" type="number" value="2"`)
	r = w.b.post(path, form("company_id", romashka.ID, "count", "2", "license_ids", oldest[0], "license_ids", oldest[1], "post", "1"))
	wantStatus(t, r, http.StatusSeeOther)
	doc := r.Header.Get("Location")
	r = w.b.get(doc)
	// The lines link the licenses, its client's now, to their pages.
	wantPage(t, r, http.StatusOK, "проведён", "Передача клиенту", html.EscapeString(scriptName), oldest[0], oldest[1],
		`href="/licenses/`+oldest[0]+`"`, `href="/licenses/`+oldest[1]+`"`)
	wantAbsent(t, r, scriptName)

	t.Run("Twice", func(t *testing.T) {
		// The same licenses again: they are the client's now.
		r := w.b.post(path, form("company_id", romashka.ID, "count", "2", "license_ids", oldest[0], "license_ids", oldest[1], "post", "1"))
		_, err := w.srv.cfg.Licensing.Transfer(w.as, romashka.ID, oldest)
		wantMessage(t, r, err)
		wantPage(t, r, http.StatusOK, `id="f-license_ids-error"`)
	})
	t.Run("Journal", func(t *testing.T) {
		r := w.b.get("/partner/documents")
		wantPage(t, r, http.StatusOK, `href="`+doc+`"`, "Передача клиенту", "Продажа", "Владелец платформы",
			`<td data-label="Лицензии" class="num">2</td>`, `<td data-label="Лицензии" class="num">3</td>`)
		wantAbsent(t, r, scriptName)
		// Newest first, as the owner's journal.
		r = w.b.get("/partner/documents?limit=1")
		wantPage(t, r, http.StatusOK, "Передача клиенту", "Дальше")
		wantAbsent(t, r, "Продажа")
		wantPage(t, w.b.get(html.UnescapeString(match(t, nextRe, r.Body))), http.StatusOK, "Продажа", "В начало")
	})
	t.Run("AnotherPartners", func(t *testing.T) {
		_, _, other := w.newPartner("Дилер Юг")
		wantStatus(t, other.get(doc), http.StatusNotFound)
		wantStatus(t, other.get(path+"?company="+romashka.ID), http.StatusOK) // the form, without that client
		wantAbsent(t, other.get(path+"?company="+romashka.ID), html.EscapeString(scriptName))
		wantStatus(t, w.b.get("/partner/documents/not-an-id"), http.StatusNotFound)
		wantStatus(t, w.b.get("/partner/documents/new/sale"), http.StatusNotFound)
	})
}

func TestWebPartnerUnseal(t *testing.T) {
	w := newPartnerWorld(t, 2)
	path := "/partner/documents/new/unseal"
	wantPage(t, w.b.get(path), http.StatusOK, `name="licensee.inn"`, `name="licensee.name"`, `name="licensee.email"`)

	for lang, want := range map[string]string{
		i18n.Russian: "Неверная контрольная цифра ИНН: проверьте, нет ли опечатки.",
		i18n.English: "The INN's check digit is wrong: look for a typo.",
	} {
		w.b.get("/?lang=" + lang)
		r := w.b.post(path, form("licensee.name", scriptName, "licensee.inn", "7707083894", "licensee.email", "buyer@shop.test", "count", "1"))
		wantPage(t, r, http.StatusOK, `id="f-licensee.inn-error" role="alert">`+html.EscapeString(want)+`</p>`, `value="`+html.EscapeString(scriptName)+`"`)
	}
	w.b.get("/?lang=ru")
	r := w.b.post(path, form("licensee.name", "", "licensee.inn", innFirm, "licensee.email", "buyer@shop.test", "count", "1"))
	wantPage(t, r, http.StatusOK, `id="f-licensee.name-error"`)

	oldest := w.sealedIDs(w.as, 1)
	r = w.b.post(path, form("licensee.name", scriptName, "licensee.inn", innFirm, "licensee.email", "buyer@shop.test", "count", "1"))
	wantPage(t, r, http.StatusOK, "Раскрыть себе 1 лицензию для «"+html.EscapeString(scriptName)+"»?", oldest[0], innFirm)
	wantAbsent(t, r, scriptName)
	r = w.b.post(path, form("licensee.name", scriptName, "licensee.inn", innFirm, "licensee.email", "buyer@shop.test", "count", "1",
		"license_ids", oldest[0], "post", "1"))
	wantStatus(t, r, http.StatusSeeOther)
	key := regexp.MustCompile(`[A-Z0-9]{5}(-[A-Z0-9]{5}){4}`)
	r = w.b.get(r.Header.Get("Location"))
	wantPage(t, r, http.StatusOK, "Раскрытие себе", html.EscapeString(scriptName), innFirm, "buyer@shop.test", "Раскрыта")
	if !key.MatchString(r.Body) {
		t.Fatalf("the unseal's page shows no key:\n%s", r.Body)
	}
}
