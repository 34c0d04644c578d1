package protocol_test

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"mypos/protocol"
)

func TestCheckText(t *testing.T) {
	for _, c := range []struct {
		in, want string
		min, max int
	}{
		{"Ольга", "Ольга", 1, 100},
		{"  Магазин на Советской\r\n", "Магазин на Советской", 1, 100},
		{"\ufeff\u200bКасса 1\u2060", "Касса 1", 1, 100},             // a byte-order mark and zero-width spaces at the ends
		{"Торт 🎂", "Торт 🎂", 1, 100},                                 // emoji
		{"❤️", "❤️", 1, 100},                                         // a variation selector at the end stays
		{"👩\u200d💻 Анна", "👩\u200d💻 Анна", 1, 100},                   // a zero-width joiner inside an emoji
		{"שלום\u200f", "שלום\u200f", 1, 100},                         // a right-to-left mark is allowed
		{"Café\u00a0", "Café", 1, 100},                               // a no-break space trimmed
		{"", "", 0, 100},                                             // an optional field may be empty
		{" \t ", "", 0, 100},                                         // ... and white space is empty
		{strings.Repeat("я", 100), strings.Repeat("я", 100), 1, 100}, // bound in characters, not bytes (200 bytes)
	} {
		got, err := protocol.CheckText(c.in, c.min, c.max)
		if err != nil || got != c.want {
			t.Errorf("CheckText(%q, %d, %d) = %q, %v; want %q", c.in, c.min, c.max, got, err, c.want)
		}
	}
	for _, c := range []struct {
		in, why  string
		min, max int
	}{
		{"Оль\xffга", "not valid UTF-8", 0, 100},
		{"Оль\xc3", "not valid UTF-8", 0, 100},
		{"Оль\ufffdга", "U+FFFD", 0, 100},
		{"Оль\x00га", "control character (U+0000)", 0, 100},
		{"\x00", "control character (U+0000)", 0, 100},
		{"Оль\tга", "control character (U+0009)", 0, 100},
		{"ул. Ленина,\n1", "control character (U+000A)", 0, 300},
		{"Оль\x7fга", "control character (U+007F)", 0, 100},
		{"Оль\u0085га", "control character (U+0085)", 0, 100},
		{"Оль\u2028га", "control character (U+2028)", 0, 100},
		{"Ольга\u202eагьлО", "bidirectional override (U+202E)", 0, 100},
		{"\u202aЛТР", "bidirectional override (U+202A)", 0, 100},
		{"a\u2066b\u2069", "bidirectional override (U+2066)", 0, 100},
		{"\u200b\u200c\u200d", "only invisible", 0, 100},
		{"\u200e\u200f", "only invisible", 1, 100},
		{"\u3164", "only invisible", 1, 100}, // Hangul filler
		{"\u2800\u2800", "only invisible", 1, 100},
		{"\u0301\u0301", "only invisible", 1, 100},
		{"\u00ad", "only invisible", 0, 100}, // soft hyphen
		{"\ufe0f", "only invisible", 0, 100},
		{"", "1 to 100 characters", 1, 100},
		{"   ", "1 to 100 characters", 1, 100},
		{strings.Repeat("я", 101), "1 to 100 characters", 1, 100},
		{strings.Repeat("я", 301), "at most 300 characters", 0, 300},
	} {
		got, err := protocol.CheckText(c.in, c.min, c.max)
		if err == nil || !strings.Contains(err.Error(), c.why) {
			t.Errorf("CheckText(%q, %d, %d) = %q, %v; want an error saying %q", c.in, c.min, c.max, got, err, c.why)
		}
	}
}

// Whatever the text, what CheckText accepts is UTF-8 with no control,
// bidirectional override or U+FFFD, trimmed, within its bound, not only
// invisible — and accepted again unchanged.
func FuzzCheckText(f *testing.F) {
	for _, s := range []string{"Ольга", " Касса 1\r\n", "\ufeff\u200b", "Оль\x00га", "Оль\u202eга", "\xff", "👩\u200d💻", "שלום\u200f"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := protocol.CheckText(s, 0, 64)
		if err != nil {
			if err.Error() == "" {
				t.Fatalf("%q: an error that says nothing", s)
			}
			return
		}
		if !utf8.ValidString(got) || utf8.RuneCountInString(got) > 64 || strings.TrimSpace(got) != got || !strings.Contains(s, got) {
			t.Fatalf("%q accepted as %q", s, got)
		}
		for _, r := range got {
			if unicode.Is(unicode.Cc, r) || r == utf8.RuneError || '\u202a' <= r && r <= '\u202e' || '\u2066' <= r && r <= '\u2069' {
				t.Fatalf("%q accepted as %q, with %U", s, got, r)
			}
		}
		if again, err := protocol.CheckText(got, 0, 64); err != nil || again != got {
			t.Fatalf("%q accepted as %q, then %q, %v", s, got, again, err)
		}
	})
}
