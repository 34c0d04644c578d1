package backoffice

import (
	"bytes"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
	xunicode "golang.org/x/text/encoding/unicode"
)

// MaxImportBytes bounds an import file as read: 200,000 goods in UTF-16
// with room.
const MaxImportBytes = 64 << 20

// The encodings an import file may come in, as spreadsheets save them:
//
//   - UTF-8, with or without a byte-order mark ("CSV UTF-8");
//   - UTF-16, little- or big-endian, with its byte-order mark (Excel's
//     "Unicode text", which is tab-separated);
//   - Windows-1251, with no mark: what Russian Excel's plain "CSV" saves.
//
// A file without a mark that is valid UTF-8 is UTF-8. One that is not is
// Windows-1251 only if it reads as Russian text in it (readsAsCP1251);
// anything else — KOI8-R, CP866, Latin-1, a workbook, a binary — is
// refused, naming the first row that is not UTF-8. Nothing is ever read
// with a replacement character.
var (
	bomUTF8    = []byte("\xef\xbb\xbf")
	bomUTF16LE = []byte("\xff\xfe")
	bomUTF16BE = []byte("\xfe\xff")
)

// saveAsUTF8 is the advice that ends every refusal of an encoding, part
// of each refusal's format (so the catalog says it in Russian too).
const saveAsUTF8 = `save the file as "CSV UTF-8" (Excel: File → Save As → CSV UTF-8)`

// importText returns an import file as UTF-8 text without a byte-order
// mark, or reports the row where it stops being text in a known encoding.
func importText(raw []byte, bad *ImportError) []byte {
	switch {
	case bytes.HasPrefix(raw, []byte("PK\x03\x04")), bytes.HasPrefix(raw, []byte("\xd0\xcf\x11\xe0")): // .xlsx, .xls
		bad.add(1, "", errInvalid("This is an Excel workbook, not a CSV file: "+saveAsUTF8+"."))
		return nil
	case bytes.HasPrefix(raw, bomUTF8):
		return utf8Text(raw[len(bomUTF8):], bad)
	case bytes.HasPrefix(raw, bomUTF16LE):
		return utf16Text(raw, xunicode.LittleEndian, bad)
	case bytes.HasPrefix(raw, bomUTF16BE):
		return utf16Text(raw, xunicode.BigEndian, bad)
	case bytes.IndexByte(firstLine(raw), 0) >= 0: // column names are never NUL: every other byte of UTF-16's are
		bad.add(1, "", errInvalid("The header row has NUL bytes: the file is UTF-16 without its byte-order mark, or not text: "+saveAsUTF8+"."))
		return nil
	case utf8.Valid(raw):
		return raw
	case readsAsCP1251(raw):
		text, _ := charmap.Windows1251.NewDecoder().Bytes(raw) // every byte readsAsCP1251 allows has a character
		return text
	}
	bad.add(rowAt(raw, firstInvalidUTF8(raw)), "", errInvalid("The file is not UTF-8 from this row on, nor Russian text in Windows-1251: "+saveAsUTF8+"."))
	return nil
}

// utf8Text returns text that must be UTF-8, as its byte-order mark says.
func utf8Text(text []byte, bad *ImportError) []byte {
	if i := firstInvalidUTF8(text); i < len(text) {
		bad.add(rowAt(text, i), "", errInvalid("The file is marked as UTF-8 but this row is not: "+saveAsUTF8+"."))
		return nil
	}
	return text
}

// utf16Text decodes UTF-16 that starts with its byte-order mark. The
// decoder reads a lone surrogate or an odd last byte as U+FFFD, so a
// U+FFFD refuses its row (a real one the text rule would refuse anyway).
func utf16Text(raw []byte, order xunicode.Endianness, bad *ImportError) []byte {
	text, err := xunicode.UTF16(order, xunicode.ExpectBOM).NewDecoder().Bytes(raw)
	if err != nil {
		bad.add(1, "", errInvalid("The file cannot be read as UTF-16: "+saveAsUTF8+"."))
		return nil
	}
	if i := bytes.IndexRune(text, utf8.RuneError); i >= 0 {
		bad.add(rowAt(text, i), "", errInvalid("The file is marked as UTF-16 but this row is not: "+saveAsUTF8+"."))
		return nil
	}
	return text
}

// firstLine is text up to its first line feed.
func firstLine(text []byte) []byte {
	if i := bytes.IndexByte(text, '\n'); i >= 0 {
		return text[:i]
	}
	return text
}

// firstInvalidUTF8 is the offset of the first byte that is not UTF-8, or
// len(b) when all of it is.
func firstInvalidUTF8(b []byte) int {
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n <= 1 {
			return i
		}
		i += n
	}
	return len(b)
}

// rowAt is the line of text that offset i falls on, counted from 1. A
// quoted field spanning lines makes it the line, not the record; the
// files this names are not read as CSV at all.
func rowAt(text []byte, i int) int { return bytes.Count(text[:i], []byte("\n")) + 1 }

// cp1251Typography are the characters other than letters that a Russian
// price list in Windows-1251 holds: quotes, dashes, the number sign,
// degrees, the no-break space.
const cp1251Typography = "\u00a0«»–—…“”„‘’№°±•§©®™€"

// readsAsCP1251 reports whether bytes that are not UTF-8 read as Russian
// text in Windows-1251. The other single-byte encodings a Russian file
// might be in put their letters elsewhere, and read in Windows-1251 they
// give text no one writes:
//
//   - every byte above 0x7F must be a Russian, Ukrainian or Belarusian
//     letter or one of cp1251Typography, and no control character but tab,
//     CR and LF may appear. CP866 (DOS) puts half its lower-case letters
//     where Windows-1251 has ¤, ¦, ¬ and the soft hyphen, and its capitals
//     on Serbian letters and ‚ † ‡ ‰; a NUL is a binary or UTF-16;
//   - no word mixes Cyrillic letters with Latin ones that look like none:
//     Latin-1 or Windows-1252 ("Café", "Müller") read as "Cafй", "Mьller",
//     while a Russian typing "Mолоко" with a Latin M is only sloppy;
//   - it reads better in Windows-1251 than in KOI8-R, the one encoding
//     that also has only Cyrillic letters at 0xC0–0xFF, in another order
//     and with the case swapped ("Молоко" in KOI8-R reads "нПЛПКП"). The
//     wrong reading has more capitals right after a small letter in a
//     word; with as many, it has fewer of the eight commonest Russian
//     letters (о, е, а, и, н, т, с, р: some 55 % of the letters of Russian
//     text, about 30 % of a wrong reading), which is telling from a few
//     dozen letters on.
//
// A small file in KOI8-R with no capitals can still pass as Windows-1251;
// Mac Cyrillic, which shares Windows-1251's small letters а–ю, passes
// when it has no capitals, ё or я, and then reads right.
func readsAsCP1251(raw []byte) bool {
	text, err := charmap.Windows1251.NewDecoder().String(string(raw))
	if err != nil {
		return false
	}
	var latin, cyrillic bool // of the current word
	for _, r := range text {
		switch {
		case r < 0x20 && r != '\t' && r != '\r' && r != '\n', r == 0x7f:
			return false
		case isRussianLetter(r):
			cyrillic = true
		case r < 0x80 && unicode.IsLetter(r):
			latin = latin || !strings.ContainsRune(cyrillicLookalikes, r)
		case r >= 0x80 && !strings.ContainsRune(cp1251Typography, r):
			return false
		default:
			latin, cyrillic = false, false
		}
		if latin && cyrillic {
			return false
		}
	}
	koi8, err := charmap.KOI8R.NewDecoder().String(string(raw))
	if err != nil {
		return false
	}
	cp, other := readingOf(text), readingOf(koi8)
	switch {
	case other.capitalsInside != cp.capitalsInside:
		return cp.capitalsInside < other.capitalsInside
	case cp.letters < 30 || other.letters == 0:
		return true
	}
	return float64(cp.common)/float64(cp.letters) >= float64(other.common)/float64(other.letters)-0.1
}

// reading counts what tells a right reading of Russian text from a wrong one.
type reading struct {
	letters, common int // Cyrillic letters; of them, о, е, а, и, н, т, с, р in either case
	capitalsInside  int // Cyrillic capitals right after a small Cyrillic letter
}

func readingOf(text string) reading {
	var rd reading
	var prev rune
	for _, r := range text {
		if isRussianLetter(r) {
			rd.letters++
			if strings.ContainsRune("оеаинтср", unicode.ToLower(r)) {
				rd.common++
			}
			if unicode.IsUpper(r) && isRussianLetter(prev) && unicode.IsLower(prev) {
				rd.capitalsInside++
			}
		}
		prev = r
	}
	return rd
}

// cyrillicLookalikes are the Latin letters that look like Cyrillic ones.
const cyrillicLookalikes = "AaBCcEeHKkMOoPpTXxy"

// isRussianLetter reports the letters of Russian, Ukrainian and Belarusian
// in Windows-1251.
func isRussianLetter(r rune) bool {
	return 'А' <= r && r <= 'я' || strings.ContainsRune("ЁёІіЇїЄєҐґЎў", r)
}
