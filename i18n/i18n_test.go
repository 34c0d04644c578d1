package i18n

import (
	"errors"
	"fmt"
	"math"
	"testing"
	"time"

	"mypos"
	"mypos/protocol"
)

func TestPlurals(t *testing.T) {
	ru, en := For(Russian), For(English)
	for n, want := range map[int]string{
		0: "0 лицензий", 1: "1 лицензия", 2: "2 лицензии", 4: "4 лицензии", 5: "5 лицензий",
		11: "11 лицензий", 12: "12 лицензий", 21: "21 лицензия", 22: "22 лицензии", 25: "25 лицензий", 101: "101 лицензия", 111: "111 лицензий",
	} {
		if got := ru.N("count.licenses", n); got != want {
			t.Errorf("ru %d: %q, want %q", n, got, want)
		}
	}
	for n, want := range map[int]string{0: "0 licenses", 1: "1 license", 2: "2 licenses", 21: "21 licenses"} {
		if got := en.N("count.licenses", n); got != want {
			t.Errorf("en %d: %q, want %q", n, got, want)
		}
	}
}

// Money is written as CLDR says for each language, byte for byte: Russian
// groups with U+00A0 NO-BREAK SPACE (CLDR's ru group symbol) and puts the
// sign after another one; English puts the sign first.
func TestMoney(t *testing.T) {
	for _, c := range []struct {
		kopecks int64
		ru, en  string
	}{
		{123450, "1\u00a0234,50\u00a0₽", "₽1,234.50"},
		{0, "0,00\u00a0₽", "₽0.00"},
		{5, "0,05\u00a0₽", "₽0.05"},
		{99999, "999,99\u00a0₽", "₽999.99"},
		{123456789, "1\u00a0234\u00a0567,89\u00a0₽", "₽1,234,567.89"},
		{-123450, "-1\u00a0234,50\u00a0₽", "-₽1,234.50"},
		{math.MaxInt64, "92\u00a0233\u00a0720\u00a0368\u00a0547\u00a0758,07\u00a0₽", "₽92,233,720,368,547,758.07"},
		{math.MinInt64, "-92\u00a0233\u00a0720\u00a0368\u00a0547\u00a0758,08\u00a0₽", "-₽92,233,720,368,547,758.08"},
	} {
		if got := For(Russian).Money(c.kopecks); got != c.ru {
			t.Errorf("ru %d: %q, want %q", c.kopecks, got, c.ru)
		}
		if got := For(English).Money(c.kopecks); got != c.en {
			t.Errorf("en %d: %q, want %q", c.kopecks, got, c.en)
		}
	}
}

// Times are stored in UTC and shown in Moscow unless a zone is given.
func TestDates(t *testing.T) {
	at := time.Date(2026, 3, 8, 11, 5, 0, 0, time.UTC) // 14:05 in Moscow (UTC+3)
	ru, en := For(Russian), For(English)
	for _, c := range []struct{ got, want string }{
		{ru.DateTime(at, nil), "08.03.2026, 14:05"},
		{en.DateTime(at, nil), "Mar 8, 2026, 2:05 PM"},
		{ru.Date(at, nil), "08.03.2026"},
		{en.Date(at, nil), "Mar 8, 2026"},
		{ru.Time(at, nil), "14:05"},
		{en.Time(at, nil), "2:05 PM"},
		{ru.Time(at, time.UTC), "11:05"},
		{ru.Date(time.Date(2026, 3, 8, 22, 0, 0, 0, time.UTC), nil), "09.03.2026"}, // past midnight in Moscow
		{ru.Day("2026-03-08"), "08.03.2026"},
		{en.Day("2026-03-08"), "Mar 8, 2026"},
		{ru.Day("not a day"), "not a day"},
		{ru.Duration(30 * time.Second), "30 с"},
		{ru.Duration(1500 * time.Millisecond), "2 с"},
		{en.Duration(90 * time.Second), "2 min"},
		{ru.Duration(time.Hour), "1 ч"},
		{ru.Duration(65 * time.Minute), "1 ч 5 мин"},
	} {
		if c.got != c.want {
			t.Errorf("%q, want %q", c.got, c.want)
		}
	}
	if Moscow().String() != "Europe/Moscow" {
		t.Fatalf("zone %s", Moscow())
	}
}

func TestMatch(t *testing.T) {
	for _, c := range []struct{ header, fallback, want string }{
		{"", Russian, Russian},
		{"", English, English},
		{"ru", English, Russian},
		{"ru-RU,ru;q=0.9,en-US;q=0.8,en;q=0.7", English, Russian},
		{"en-US,en;q=0.9", Russian, English},
		{"de-DE,en;q=0.5", Russian, English},
		{"de-DE", Russian, Russian},
		{"de-DE", English, English},
		{"*", Russian, Russian},
		{"garbage;;;q=x", English, English},
	} {
		if got := Match(c.header, c.fallback); got != c.want {
			t.Errorf("Match(%q, %s) = %s, want %s", c.header, c.fallback, got, c.want)
		}
	}
}

// A coded error is said in the language with its arguments, Phrases among
// them: the text rule's reason, and the field's label; English is the
// service's own message.
func TestErrorSaid(t *testing.T) {
	ru, en := For(Russian), For(English)
	_, textErr := mypos.Text("name", "Оль\x00га", 1, 200)
	_, longErr := mypos.Text("name", string(make([]rune, 201)), 1, 200)
	for _, c := range []struct {
		err    error
		ru, en string
	}{
		{mypos.Errorf(mypos.EUNAUTHORIZED, "Wrong e-mail or password."), "Неверный e-mail или пароль.", "Wrong e-mail or password."},
		{textErr, "Поле «Название»: есть управляющий символ (U+0000): это одна строка текста.",
			`The field "name" has a control character (U+0000): it is one line of text.`},
		{longErr, "Поле «Название»: есть управляющий символ (U+0000): это одна строка текста.", ""},
		{mypos.Invalid("count", "A sale has 1 to %d licenses.", 1000), "В продаже от 1 до 1000 лицензий.", "A sale has 1 to 1000 licenses."},
		{mypos.Invalid("count", "A sale has 1 to %d licenses.", 1), "В продаже от 1 до 1 лицензии.", ""},
		{mypos.RateLimited(90*time.Second, "Too many login attempts: try again in %s.", 90*time.Second), "Слишком много попыток входа: попробуйте через 2 мин.", "Too many login attempts: try again in 1m30s."},
		{mypos.Invalid("x", "No such device: %q.", "a\"b<"), "Касса не найдена: «a\"b<».", ""},
		{mypos.Errorf(mypos.ENOTFOUND, "No such %s.", "store"), "Торговый объект не найден.", "No such store."},
		{mypos.Errorf(mypos.ENOTFOUND, "No such %s.", "goods group"), "Группа товаров не найдена.", ""},
		{mypos.Errorf(mypos.ENOTFOUND, "No such %s.", "owner"), "Не найдено: владелец.", ""},
		{mypos.Errorf(mypos.ENOTFOUND, "%s", "No such license."), "Лицензия не найдена.", "No such license."},
		{&mypos.Error{Code: mypos.ENOTFOUND, Message: "No such license of yours: 0193abc."}, "У вас нет такой лицензии: 0193abc.", "No such license of yours: 0193abc."},
		{&mypos.Error{Code: mypos.ECONFLICT, Message: "Something the catalog never heard of."}, "Something the catalog never heard of.", "Something the catalog never heard of."},
		{fmt.Errorf("wrapped: %w", mypos.Errorf(mypos.ECONFLICT, "You already work with this partner.")), "Вы уже работаете с этим партнёром.", "You already work with this partner."},
		{errors.New("pq: connection refused"), "Внутренняя ошибка.", "Internal error."},
	} {
		if got := ru.Error(c.err); got != c.ru && !(c.err == longErr && got == "Поле «Название»: от 1 до 200 символов.") {
			t.Errorf("ru %v:\n got %q\nwant %q", c.err, got, c.ru)
		}
		if c.en == "" {
			continue
		}
		if got := en.Error(c.err); got != c.en {
			t.Errorf("en %v:\n got %q\nwant %q", c.err, got, c.en)
		}
	}
}

// The text rule's reasons are Phrases with stable formats.
func TestTextReasonIsPhrase(t *testing.T) {
	_, err := protocol.CheckText("a\u202eb", 1, 10)
	var p mypos.Phrase
	if !errors.As(err, &p) {
		t.Fatalf("%T is not a Phrase", err)
	}
	format, args := p.Phrase()
	if format != "has a bidirectional override (%U), which can make text read as something else" || len(args) != 1 {
		t.Fatalf("format %q, args %v", format, args)
	}
	if got, want := For(Russian).Error(mypos.Invalid("name", "The field %q %s.", "name", err)),
		"Поле «Название»: есть символ смены направления текста (U+202E), из-за которого текст может читаться иначе."; got != want {
		t.Fatalf("%q, want %q", got, want)
	}
}
