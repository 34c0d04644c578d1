package protocol_test

import (
	"errors"
	"math/rand/v2"
	"strings"
	"testing"

	"mypos/protocol"
)

// testKey makes a valid key from a seeded source: protocol does not
// generate keys (the cloud does), but its rules must hold for any.
func testKey(r *rand.Rand) string {
	var payload strings.Builder
	for payload.Len() < protocol.LicenseKeyLen-1 {
		payload.WriteByte(protocol.LicenseKeyAlphabet[r.IntN(len(protocol.LicenseKeyAlphabet))])
	}
	return payload.String() + string(protocol.LicenseKeyCheck(payload.String()))
}

func TestFormatLicenseKey(t *testing.T) {
	if got, want := protocol.FormatLicenseKey("ABCDE23456FGHJK789MNPQRST"), "ABCDE-23456-FGHJK-789MN-PQRST"; got != want {
		t.Fatalf("FormatLicenseKey=%q, want %q", got, want)
	}
}

// A person may type a key in lower case, without dashes, with spaces, or
// with a Russian layout's look-alike letters.
func TestNormalizeLicenseKeyAsTyped(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	cyrillic := strings.NewReplacer("A", "А", "B", "В", "E", "Е", "K", "К", "M", "М", "H", "Н", "P", "Р", "C", "С", "T", "Т", "X", "Х", "Y", "У")
	for i := 0; i < 100; i++ {
		bare := testKey(r)
		shown := protocol.FormatLicenseKey(bare)
		for _, typed := range []string{shown, strings.ToLower(shown), bare, " " + strings.ReplaceAll(shown, "-", " ") + "\t", cyrillic.Replace(shown)} {
			if got, err := protocol.NormalizeLicenseKey(typed); err != nil || got != bare {
				t.Fatalf("NormalizeLicenseKey(%q) = %q, %v; want %q", typed, got, err, bare)
			}
		}
	}
}

func TestNormalizeLicenseKeyRefusals(t *testing.T) {
	shown := protocol.FormatLicenseKey(testKey(rand.New(rand.NewPCG(3, 4))))
	for _, tt := range []struct {
		name, typed string
		want        error
	}{
		{"ErrEmpty", "", protocol.ErrLicenseKeyLength},
		{"ErrShort", shown[:28], protocol.ErrLicenseKeyLength},
		{"ErrLong", shown + "2", protocol.ErrLicenseKeyLength},
		{"ErrZero", "0" + shown[1:], protocol.ErrLicenseKeyChar},
		{"ErrLetterO", shown[:6] + "O" + shown[7:], protocol.ErrLicenseKeyChar},
		{"ErrCyrillic", "Ж" + shown[1:], protocol.ErrLicenseKeyChar},
		{"ErrSwap", shown[1:2] + shown[:1] + shown[2:], protocol.ErrLicenseKeyTypo},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if tt.name == "ErrSwap" && shown[0] == shown[1] {
				t.Skip("the two characters are the same")
			}
			if _, err := protocol.NormalizeLicenseKey(tt.typed); !errors.Is(err, tt.want) {
				t.Fatalf("NormalizeLicenseKey(%q): %v, want %v", tt.typed, err, tt.want)
			}
		})
	}
	if _, err := protocol.NormalizeLicenseKey("Ж" + shown[1:]); !strings.HasPrefix(err.Error(), "'Ж' is not a character") {
		t.Fatalf("the error %q does not name the character at fault", err)
	}
}

// The check character refuses every single substitution and every swap of
// two different characters, neighbours or not.
func TestLicenseKeyCheckCatchesTypos(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for i := 0; i < 50; i++ {
		bare := testKey(r)
		for pos := 0; pos < protocol.LicenseKeyLen; pos++ {
			for _, c := range []byte(protocol.LicenseKeyAlphabet) {
				if c == bare[pos] {
					continue
				}
				typo := bare[:pos] + string(c) + bare[pos+1:]
				if _, err := protocol.NormalizeLicenseKey(typo); !errors.Is(err, protocol.ErrLicenseKeyTypo) {
					t.Fatalf("substitution %q → %q: %v, want a typo", bare, typo, err)
				}
			}
			for other := pos + 1; other < protocol.LicenseKeyLen; other++ {
				if bare[pos] == bare[other] {
					continue
				}
				b := []byte(bare)
				b[pos], b[other] = b[other], b[pos]
				if _, err := protocol.NormalizeLicenseKey(string(b)); !errors.Is(err, protocol.ErrLicenseKeyTypo) {
					t.Fatalf("swap %q → %q: %v, want a typo", bare, b, err)
				}
			}
		}
	}
}
