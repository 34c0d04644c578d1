package protocol

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// CheckText applies the one rule every name-like text follows — the name
// of an account, a store, a cashier, a goods or a device, a code, an
// address, an e-mail, a search — in the cloud and on the till alike. It
// returns s trimmed, or an error whose text is a phrase that follows the
// field's name ("has a control character (U+0000)"). The rule:
//
//   - Valid UTF-8 with no U+FFFD. Text damaged on its way — a file in
//     another encoding, an invalid byte a decoder replaced — is refused,
//     never stored replaced; Postgres cannot store invalid UTF-8 at all.
//   - Trimmed: white space and the zero-width spaces (U+200B, U+2060,
//     U+FEFF, U+180E) at either end are dropped, so a pasted trailing
//     newline or byte-order mark does not make a second "Ольга".
//   - One line of no control characters: Unicode's Cc (NUL, which
//     Postgres cannot store, tab, newline, DEL, the C1 controls) and the
//     line and paragraph separators U+2028, U+2029. An address is one line
//     too: a till prints it on one.
//   - No bidirectional embeddings, overrides or isolates (U+202A–U+202E,
//     U+2066–U+2069): they reorder how the text after them displays, so a
//     name could read as something other than what it is ("Trojan
//     Source"). The marks U+200E, U+200F and U+061C are allowed: they only
//     set the direction of neutral characters next to them, which Hebrew
//     and Arabic text needs, and cannot reorder a run of text; they are
//     invisible, so they cannot make a name alone.
//   - Not made only of invisible characters (see invisible).
//   - min to max characters (runes, never bytes) once trimmed.
func CheckText(s string, min, max int) (string, error) {
	if !utf8.ValidString(s) {
		return "", textError("is not valid UTF-8")
	}
	s = strings.TrimFunc(s, trimmed)
	visible := false
	for _, r := range s {
		switch {
		case unicode.Is(unicode.Cc, r) || r == '\u2028' || r == '\u2029':
			return "", textError("has a control character (%U): it is one line of text", r)
		case bidiControl(r):
			return "", textError("has a bidirectional override (%U), which can make text read as something else", r)
		case r == utf8.RuneError:
			return "", textError("has %U, the mark of text damaged by a wrong encoding", r)
		}
		visible = visible || !invisible(r)
	}
	if s != "" && !visible {
		return "", textError("has only invisible characters")
	}
	if n := utf8.RuneCountInString(s); n < min || n > max {
		if min == 0 {
			return "", textError("has at most %d characters", max)
		}
		return "", textError("has %d to %d characters", min, max)
	}
	return s, nil
}

// TextError is why a text breaks the rule, as a phrase that follows the
// field's name. Its format is stable, so a cabinet can say the phrase in
// the user's language (its Phrase method); Error is the English.
type TextError struct {
	format string
	args   []any
}

func textError(format string, args ...any) *TextError {
	return &TextError{format: format, args: args}
}

func (e *TextError) Error() string { return fmt.Sprintf(e.format, e.args...) }

// Phrase returns the reason's English format and its arguments.
func (e *TextError) Phrase() (string, []any) { return e.format, e.args }

// trimmed is what CheckText drops at either end of a text.
func trimmed(r rune) bool {
	return unicode.IsSpace(r) || r == '\u200b' || r == '\u2060' || r == '\ufeff' || r == '\u180e'
}

// bidiControl reports the explicit embeddings, overrides and isolates.
func bidiControl(r rune) bool {
	return '\u202a' <= r && r <= '\u202e' || '\u2066' <= r && r <= '\u2069'
}

// invisible reports a character that shows nothing by itself: white
// space; format characters (Cf: zero-width space and joiners, the
// direction marks, soft hyphen, tags); the other default-ignorable ones
// (Hangul fillers, variation selectors, the combining grapheme joiner);
// combining marks, which have nothing to sit on in a text made of them;
// and the blank Braille pattern U+2800, a favourite "empty" name.
func invisible(r rune) bool {
	return unicode.IsSpace(r) || r == '\u2800' ||
		unicode.In(r, unicode.Cf, unicode.Mn, unicode.Me, unicode.Other_Default_Ignorable_Code_Point, unicode.Variation_Selector)
}
