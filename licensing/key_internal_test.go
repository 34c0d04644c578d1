package licensing

import (
	"regexp"
	"strings"
	"testing"

	"mypos"
)

var keyShape = regexp.MustCompile(`^([2-9A-HJKMNP-Z]{5}-){4}[2-9A-HJKMNP-Z]{5}$`)

func TestKeyShape(t *testing.T) {
	seen := map[string]bool{}
	for i := 0; i < 1000; i++ {
		bare, shown := newKey()
		if !keyShape.MatchString(shown) || strings.ReplaceAll(shown, "-", "") != bare || seen[bare] {
			t.Fatalf("key %q (%q) is malformed or repeated", shown, bare)
		}
		seen[bare] = true
		if got, err := NormalizeKey(shown); err != nil || got != bare {
			t.Fatalf("NormalizeKey(%q) = %q, %v", shown, got, err)
		}
	}
}

// A person may type a key in lower case, without dashes, with spaces, or
// with a Russian layout's look-alike letters.
func TestNormalizeKeyAsTyped(t *testing.T) {
	bare, shown := newKey()
	cyrillic := strings.NewReplacer("A", "А", "B", "В", "E", "Е", "K", "К", "M", "М", "H", "Н", "P", "Р", "C", "С", "T", "Т", "X", "Х", "Y", "У")
	for _, typed := range []string{strings.ToLower(shown), bare, " " + strings.ReplaceAll(shown, "-", " ") + " ", cyrillic.Replace(shown)} {
		if got, err := NormalizeKey(typed); err != nil || got != bare {
			t.Fatalf("NormalizeKey(%q) = %q, %v; want %q", typed, got, err, bare)
		}
	}
	for _, bad := range []string{"", shown[:28], shown + "2", "0" + shown[1:], "Ж" + shown[1:]} {
		if _, err := NormalizeKey(bad); mypos.ErrorCode(err) != mypos.EINVALID || mypos.ErrorField(err) != "key" {
			t.Fatalf("NormalizeKey(%q): %v, want EINVALID for the key", bad, err)
		}
	}
}

// The check character refuses every single substitution and every swap of
// two different characters, neighbours or not.
func TestKeyCheckCatchesTypos(t *testing.T) {
	for i := 0; i < 50; i++ {
		bare, _ := newKey()
		for pos := 0; pos < keyLen; pos++ {
			for _, c := range []byte(keyAlphabet) {
				if c == bare[pos] {
					continue
				}
				typo := bare[:pos] + string(c) + bare[pos+1:]
				if _, err := NormalizeKey(typo); err == nil {
					t.Fatalf("substitution %q → %q passed the check", bare, typo)
				}
			}
			for other := pos + 1; other < keyLen; other++ {
				if bare[pos] == bare[other] {
					continue
				}
				b := []byte(bare)
				b[pos], b[other] = b[other], b[pos]
				if _, err := NormalizeKey(string(b)); err == nil {
					t.Fatalf("swap %q → %q passed the check", bare, b)
				}
			}
		}
	}
}
