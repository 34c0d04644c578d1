package i18n

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/feature/plural"
	"gopkg.in/yaml.v3"

	"mypos"
)

// Error returns err's message for its caller in l's language: the detail a
// problem+json answer or an error page shows. Its code and field stay as
// they are. Any error but a coded one reads as "Internal error.", so no
// detail of an outage leaks (see mypos.ErrorMessage).
//
// English is the service's Message itself. In another language the error
// is said by its Phrase (mypos.Error's Format and Args) — unless the
// catalog has the very message, which it may say better: the format is the
// catalog key, and the translation fills in the arguments — Phrases among
// them said in the same language. A format passed whole through "%s" (or
// an Error built by hand) is a message of its own, found in the catalog
// as it is or matched against the formats there ("No such store." by
// "No such %s."). What the catalog lacks stays in English.
func (l *Locale) Error(err error) string {
	var e *mypos.Error
	if !errors.As(err, &e) {
		return l.Say(mypos.ErrorMessage(err))
	}
	return l.phrase(e)
}

// phrase says a Phrase in l's language.
func (l *Locale) phrase(p mypos.Phrase) string {
	format, args := p.Phrase()
	english := english(p)
	if l.lang == English {
		return english
	}
	// The message itself first: the catalog may say a particular message
	// better than its format does ("No such store." than "No such %s.").
	if s, ok := l.fill(english, nil); ok {
		return s
	}
	if (format == "%s" || format == "%v") && len(args) == 1 {
		switch a := args[0].(type) {
		case mypos.Phrase:
			return l.phrase(a)
		case string:
			return l.Say(a)
		}
		return l.Say(english)
	}
	if s, ok := l.fill(format, l.args(format, args)); ok {
		return s
	}
	return l.Say(english)
}

// english is a Phrase's own text.
func english(p mypos.Phrase) string {
	if e, ok := p.(error); ok {
		if me, ok := e.(*mypos.Error); ok {
			return me.Message
		}
		return e.Error()
	}
	format, args := p.Phrase()
	return fmt.Sprintf(format, args...)
}

// Say returns an English message said in l's language: the catalog's
// translation of it, or of the error format it was made from, or the
// message itself when the catalog has neither.
func (l *Locale) Say(msg string) string {
	s, _ := l.say(msg)
	return s
}

// say is Say, and the catalog key that said the message ("" when none did).
func (l *Locale) say(msg string) (string, string) {
	if l.lang == English {
		return msg, ""
	}
	if s, ok := l.fill(msg, nil); ok {
		return s, msg
	}
	for _, f := range errorFormats {
		if args, ok := f.match(msg); ok {
			if s, ok := l.fill(f.format, l.args(f.format, args)); ok {
				return s, f.format
			}
		}
	}
	return msg, ""
}

// fill renders the translation of format with its arguments; false when
// the catalog lacks it in l's language or it does not render.
func (l *Locale) fill(format string, args []any) (string, bool) {
	if !l.Has(format) {
		return "", false
	}
	d := phraseData{l: l}
	slots := []*any{&d.A1, &d.A2, &d.A3, &d.A4, &d.A5, &d.A6}
	for i, a := range args {
		if i < len(slots) {
			*slots[i] = a
		}
	}
	s, err := l.loc.Localize(&i18n.LocalizeConfig{MessageID: format, TemplateData: d})
	if err != nil || strings.Contains(s, "<no value>") {
		return "", false
	}
	return s, true
}

// args prepares a format's arguments for its translation: a Phrase is said
// in l's language, a wait as a person says it, a rune as %U writes it;
// numbers stay numbers (Plural counts them) and %q's values stay bare
// (Q quotes them as the language does).
func (l *Locale) args(format string, args []any) []any {
	verbs := verbsOf(format)
	out := make([]any, len(args))
	for i, a := range args {
		verb := byte('v')
		if i < len(verbs) {
			verb = verbs[i]
		}
		switch v := a.(type) {
		case mypos.Phrase:
			out[i] = l.phrase(v)
		case time.Duration:
			out[i] = l.Duration(v)
		case error:
			out[i] = l.Say(v.Error())
		case rune:
			if verb == 'U' {
				out[i] = fmt.Sprintf("%U", v)
			} else {
				out[i] = a
			}
		default:
			out[i] = a
		}
	}
	return out
}

// verbsOf lists the verbs of a format's arguments, in order.
func verbsOf(format string) []byte {
	var verbs []byte
	for i := 0; i < len(format); i++ {
		if format[i] != '%' {
			continue
		}
		j := i + 1
		for j < len(format) && strings.IndexByte("+-# 0123456789.", format[j]) >= 0 {
			j++
		}
		if j < len(format) && format[j] != '%' {
			verbs = append(verbs, format[j])
		}
		i = j
	}
	return verbs
}

// phraseData is what a translation of an error format executes with: the
// arguments A1…A6, and helpers a translator calls on them —
// {{.Q .A1}}, {{.Field .A1}}, {{.Term .A1}}, {{.Say .A1}},
// {{.Plural .A1 "касса" "кассы" "касс"}}.
type phraseData struct {
	A1, A2, A3, A4, A5, A6 any
	l                      *Locale
}

// Q quotes a value as the language does («…» in Russian), with any
// character that does not print written as an escape, so a control
// character in a refused value shows.
func (d phraseData) Q(v any) string {
	var b strings.Builder
	for _, r := range fmt.Sprint(v) {
		if unicode.IsPrint(r) {
			b.WriteRune(r)
		} else {
			q := strconv.QuoteRune(r)
			b.WriteString(q[1 : len(q)-1])
		}
	}
	return d.l.T("quote", "Text", b.String())
}

// Say says an English message made elsewhere — an import row's problem
// inside the import's refusal — as Locale.Say does.
func (d phraseData) Say(v any) string { return d.l.Say(fmt.Sprint(v)) }

// Field names an input field by its label in the language ("field.inn"),
// or as it is when the catalog has no label for it.
func (d phraseData) Field(v any) string { return d.l.word("field.", v) }

// Term says an English word an error is made with — a kind of account, a
// status, what was not found — in the language ("term.store").
func (d phraseData) Term(v any) string { return d.l.word("term.", v) }

func (l *Locale) word(prefix string, v any) string {
	s := fmt.Sprint(v)
	if l.Has(prefix + s) {
		return l.T(prefix + s)
	}
	return s
}

// Plural picks the form of a word that suits n by the language's CLDR
// rule: {{.Plural .A1 "лицензии" "лицензий" "лицензий"}} after "до".
func (d phraseData) Plural(n any, one, few, many string) string {
	i, ok := n.(int)
	if !ok {
		i, _ = strconv.Atoi(fmt.Sprint(n))
	}
	if i < 0 {
		i = -i
	}
	switch plural.Cardinal.MatchPlural(d.l.tag, i, 0, 0, 0, 0) {
	case plural.One:
		return one
	case plural.Few:
		return few
	}
	return many
}

// errorFormat is a format of the errors catalog that has verbs, as a
// pattern that recognises a message made from it.
type errorFormat struct {
	format string
	re     *regexp.Regexp
	verbs  []byte
}

// errorFormats are the errors catalog's formats with verbs, the most
// specific (the most literal text) first.
var errorFormats = func() []errorFormat {
	raw, err := catalogFS.ReadFile("catalog/errors.ru.yaml")
	if err != nil {
		panic("i18n: " + err.Error())
	}
	var m map[string]any
	if err := yaml.Unmarshal(raw, &m); err != nil {
		panic("i18n: errors.ru.yaml: " + err.Error())
	}
	var out []errorFormat
	for format := range m {
		if verbs := verbsOf(format); len(verbs) > 0 {
			out = append(out, errorFormat{format: format, re: patternOf(format), verbs: verbs})
		}
	}
	literal := func(f errorFormat) int { return len(f.format) - 2*len(f.verbs) }
	slices.SortFunc(out, func(a, b errorFormat) int {
		if d := literal(b) - literal(a); d != 0 {
			return d
		}
		return strings.Compare(a.format, b.format)
	})
	return out
}()

// patternOf turns a format into a regular expression of the messages it
// makes, a group for each verb.
func patternOf(format string) *regexp.Regexp {
	var b strings.Builder
	b.WriteString("^")
	lit := 0
	for i := 0; i < len(format); i++ {
		if format[i] != '%' {
			continue
		}
		b.WriteString(regexp.QuoteMeta(format[lit:i]))
		j := i + 1
		for j < len(format) && strings.IndexByte("+-# 0123456789.", format[j]) >= 0 {
			j++
		}
		if j >= len(format) {
			break
		}
		switch format[j] {
		case '%':
			b.WriteString("%")
		case 'd':
			b.WriteString(`(-?[0-9]+)`)
		case 'q':
			b.WriteString(`("(?:[^"\\]|\\.)*")`)
		case 'U':
			b.WriteString(`(U\+[0-9A-F]{4,6})`)
		default:
			b.WriteString(`(.+?)`)
		}
		i, lit = j, j+1
	}
	b.WriteString(regexp.QuoteMeta(format[min(lit, len(format)):]))
	b.WriteString("$")
	return regexp.MustCompile(b.String())
}

// match recovers the arguments a message was made with: %d as an int, %q
// unquoted, the others as text.
func (f errorFormat) match(msg string) ([]any, bool) {
	m := f.re.FindStringSubmatch(msg)
	if m == nil {
		return nil, false
	}
	args := make([]any, len(m)-1)
	for i, s := range m[1:] {
		args[i] = s
		switch f.verbs[i] {
		case 'd':
			if n, err := strconv.Atoi(s); err == nil {
				args[i] = n
			}
		case 'q':
			if u, err := strconv.Unquote(s); err == nil {
				args[i] = u
			}
		case 'U':
			args[i] = s
		}
	}
	return args, true
}
