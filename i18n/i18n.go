// Package i18n says things in the user's language: the message catalogs
// (Russian, the default, and English), CLDR plural rules, money, dates and
// times, and the coded errors of the services. The cabinet renders its pages
// with it; anything else that talks to people — a mail outbox — renders its
// messages from the same catalogs.
//
// Catalogs are YAML files embedded from catalog/, loaded by go-i18n:
//
//   - <area>.ru.yaml and <area>.en.yaml hold the words of the pages under
//     stable IDs ("nav.partners"): ui for the frame and the shared words,
//     one file per cabinet for its pages (owner, partner, …), so the pages
//     of one grow without touching another's; both languages have every ID,
//     no ID is in two files (a test checks), and
//     a Russian counted message has the four CLDR forms one, few, many and
//     other ("1 лицензия / 2 лицензии / 5 лицензий / 1,5 лицензии").
//   - errors.ru.yaml says the services' errors in Russian. Its keys are the
//     English format strings the services pass to mypos.Errorf, Invalid and
//     RateLimited, gettext-style, so no call site names a message ID; the
//     English is the message itself. A test scans the source for every
//     format and fails when this catalog lacks one. See Locale.Error.
package i18n

import (
	"embed"
	"fmt"
	"io/fs"
	_ "time/tzdata" // Europe/Moscow on a machine without /usr/share/zoneinfo

	"github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
	"gopkg.in/yaml.v3"
)

// The languages. Russian is the default: the product's users are Russian
// merchants and their dealers.
const (
	Russian = "ru"
	English = "en"
)

// Langs are the languages, the default first.
var Langs = []string{Russian, English}

//go:embed catalog/*.yaml
var catalogFS embed.FS

// bundle holds both catalogs, loaded once; a broken catalog is a broken
// build, so it panics at start (and in every test).
var bundle = func() *i18n.Bundle {
	b, err := loadBundle(catalogFS)
	if err != nil {
		panic("i18n: " + err.Error())
	}
	return b
}()

func loadBundle(fsys fs.FS) (*i18n.Bundle, error) {
	b := i18n.NewBundle(language.Russian)
	b.RegisterUnmarshalFunc("yaml", yaml.Unmarshal)
	files, err := fs.Glob(fsys, "catalog/*.yaml")
	if err != nil {
		return nil, err
	}
	for _, f := range files {
		if _, err := b.LoadMessageFileFS(fsys, f); err != nil {
			return nil, fmt.Errorf("%s: %w", f, err)
		}
	}
	return b, nil
}

// Locale speaks one language. It is safe for concurrent use.
type Locale struct {
	lang string
	tag  language.Tag
	loc  *i18n.Localizer
	num  numbers
	// zone shows times when no other zone is given.
	zone *timeZone
}

var locales = map[string]*Locale{}

func init() {
	for _, lang := range Langs {
		tag := language.MustParse(lang)
		locales[lang] = &Locale{lang: lang, tag: tag, loc: i18n.NewLocalizer(bundle, lang), num: newNumbers(tag), zone: moscow}
	}
}

// For returns the locale of a language, Russian for one it does not speak.
func For(lang string) *Locale {
	if l, ok := locales[lang]; ok {
		return l
	}
	return locales[Russian]
}

// Supported reports whether lang is one of Langs.
func Supported(lang string) bool {
	_, ok := locales[lang]
	return ok
}

var matcher = language.NewMatcher([]language.Tag{language.Russian, language.English})

// Match picks the language of an Accept-Language header, or fallback when
// it names none of ours (or is empty or malformed).
func Match(acceptLanguage, fallback string) string {
	tags, _, err := language.ParseAcceptLanguage(acceptLanguage)
	if err != nil || len(tags) == 0 {
		return fallback
	}
	_, i, conf := matcher.Match(tags...)
	if conf == language.No {
		return fallback
	}
	return Langs[i]
}

// Lang is the locale's language: "ru" or "en".
func (l *Locale) Lang() string { return l.lang }

// T returns the message id, its {{.Name}}s filled from data: pairs of a
// name and a value ("Name", a.Name). A message missing from the catalogs
// shows as its ID, so a page still renders and the catalog test names it.
func (l *Locale) T(id string, data ...any) string {
	return l.localize(&i18n.LocalizeConfig{MessageID: id, TemplateData: pairs(data)})
}

// N returns the form of the counted message id that suits n, with
// {{.Count}} set to n and the rest of data as in T.
func (l *Locale) N(id string, n int, data ...any) string {
	d := pairs(data)
	if d == nil {
		d = map[string]any{}
	}
	d["Count"] = n
	return l.localize(&i18n.LocalizeConfig{MessageID: id, PluralCount: n, TemplateData: d})
}

func (l *Locale) localize(c *i18n.LocalizeConfig) string {
	s, err := l.loc.Localize(c)
	if err != nil && s == "" {
		return c.MessageID
	}
	return s
}

// Has reports whether the catalogs hold the message id in l's language.
func (l *Locale) Has(id string) bool {
	_, tag, err := l.loc.LocalizeWithTag(&i18n.LocalizeConfig{MessageID: id})
	return err == nil && tag == l.tag
}

func pairs(data []any) map[string]any {
	if len(data) == 0 {
		return nil
	}
	m := make(map[string]any, len(data)/2)
	for i := 0; i+1 < len(data); i += 2 {
		if k, ok := data[i].(string); ok {
			m[k] = data[i+1]
		}
	}
	return m
}
