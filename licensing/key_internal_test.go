package licensing

import (
	"regexp"
	"strings"
	"testing"

	"mypos"
)

var keyShape = regexp.MustCompile(`^([2-9A-HJKMNP-Z]{5}-){4}[2-9A-HJKMNP-Z]{5}$`)

// Generated keys have the shape people read, pass the check and never repeat.
// (The check's own rules are tested in protocol.)
func TestKeyShape(t *testing.T) {
	seen := map[string]bool{}
	for i := 0; i < 1000; i++ {
		bare, shown := newKey()
		if !keyShape.MatchString(shown) || strings.ReplaceAll(shown, "-", "") != bare || seen[bare] {
			t.Fatalf("key %q (%q) is malformed or repeated", shown, bare)
		}
		seen[bare] = true
		if got, err := NormalizeKey(strings.ToLower(shown)); err != nil || got != bare {
			t.Fatalf("NormalizeKey(%q) = %q, %v", shown, got, err)
		}
	}
}

// Every refusal of a typed key is EINVALID on the key, with a sentence.
func TestNormalizeKeyRefusals(t *testing.T) {
	bare, shown := newKey()
	other := "2"
	if bare[3] == '2' {
		other = "3"
	}
	typo := bare[:3] + other + bare[4:]
	for _, bad := range []string{"", shown[:28], shown + "2", "0" + shown[1:], "Ж" + shown[1:], typo} {
		_, err := NormalizeKey(bad)
		if msg := mypos.ErrorMessage(err); mypos.ErrorCode(err) != mypos.EINVALID || mypos.ErrorField(err) != "key" || !strings.HasSuffix(msg, ".") {
			t.Fatalf("NormalizeKey(%q): %v (%q), want EINVALID for the key with a sentence", bad, err, msg)
		}
	}
}
