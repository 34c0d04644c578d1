package cabinet_test

import (
	"net/http"
	"strings"
	"testing"
)

// The API's errors are in English unless the client asks for Russian:
// then the detail is Russian and the code and the field are the same.
func TestAPIErrorLanguage(t *testing.T) {
	e := newAPIEnv(t)
	const badINN = `{"kind":"company","name":"Ромашка","inn":"7707083894","email":"shop@romashka.test","password":"secret-pass"}`
	const badName = `{"kind":"company","name":"Оль\u0000га","inn":"7707083893","email":"shop@romashka.test","password":"secret-pass"}`
	for _, c := range []struct {
		name, body, field, en, ru string
	}{
		{"INN", badINN, "inn", "The INN's check digit is wrong: look for a typo.", "Неверная контрольная цифра ИНН: проверьте, нет ли опечатки."},
		{"TextRule", badName, "name", `The field "name" has a control character (U+0000): it is one line of text.`,
			"Поле «Название»: есть управляющий символ (U+0000): это одна строка текста."},
	} {
		t.Run(c.name, func(t *testing.T) {
			for _, lang := range []struct{ header, want string }{
				{"", c.en},
				{"en-US,en;q=0.9", c.en},
				{"de-DE", c.en},
				{"ru", c.ru},
				{"ru-RU,ru;q=0.9,en-US;q=0.8", c.ru},
			} {
				r := e.call("POST", "/api/v1/auth/register", "", c.body, "Accept-Language", lang.header)
				r.problem(t, http.StatusBadRequest, "invalid")
				if r.body["field"] != c.field || r.body["detail"] != lang.want {
					t.Fatalf("Accept-Language %q: field=%v detail=%q, want %s and %q", lang.header, r.body["field"], r.body["detail"], c.field, lang.want)
				}
			}
		})
	}
	// Errors of HTTP itself too.
	r := e.call("GET", "/api/v1/no-such-endpoint", "", "", "Accept-Language", "ru")
	r.problem(t, http.StatusNotFound, "not_found")
	if r.body["detail"] != "Такой страницы нет: GET /api/v1/no-such-endpoint." {
		t.Fatalf("detail %q", r.body["detail"])
	}
}

// A refused import answers its detail in the client's language too; the
// rows stay as the report has them.
func TestAPIImportErrorLanguage(t *testing.T) {
	e := newOfficeEnv(t)
	token, _ := e.company("shop@shop.test")
	csv := []byte("code,name,barcode,price,unit,vat,group\nG1,Молоко,,10.00,piece,20,\nG2,Хлеб,,-1,piece,20,\n")
	for _, lang := range []struct{ header, want string }{
		{"", "The file has 1 problem(s); nothing was imported. Row 3, price: "},
		{"ru", "В файле ошибка: 1; ничего не импортировано. Строка 3, Цена: "},
	} {
		r := e.post("/api/v1/goods/import", token, "text/csv", csv, "Accept-Language", lang.header)
		r.problem(t, http.StatusBadRequest, "invalid")
		if detail, _ := r.body["detail"].(string); !strings.HasPrefix(detail, lang.want) || r.body["field"] != "price" {
			t.Fatalf("Accept-Language %q: %s", lang.header, r.raw)
		}
	}
}
