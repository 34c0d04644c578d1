package backoffice

import "testing"

func TestValidEAN(t *testing.T) {
	for _, tt := range []struct {
		code string
		ok   bool
	}{
		{"4006381333931", true}, // EAN-13
		{"4006381333932", false},
		{"4600051000057", true},
		{"4600051000058", false},
		{"73513537", true}, // EAN-8
		{"73513538", false},
		{"96385074", true},
		{"0000000000000", true},
		{"400638133393", false}, // 12 digits (UPC-A is not taken)
		{"40063813339310", false},
		{"400638133393a", false},
		{"４００６３８１３３３９３１", false}, // full-width digits
		{"", false},
	} {
		if got := validEAN(tt.code); got != tt.ok {
			t.Errorf("validEAN(%q)=%v, want %v", tt.code, got, tt.ok)
		}
	}
}

func TestParseRubles(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want int64
		ok   bool
	}{
		{"199.90", 19990, true},
		{"199,90", 19990, true},
		{"199.9", 19990, true},
		{"199", 19900, true},
		{"0", 0, true},
		{"0.01", 1, true},
		{"10000000.00", 1_000_000_000, true}, // protocol.MaxPrice
		{"10000000.01", 0, false},
		{"199.901", 0, false},
		{"199.", 0, false},
		{".90", 0, false},
		{"-1", 0, false},
		{"+1", 0, false},
		{"1 000", 0, false},
		{"1e3", 0, false},
		{"1.000,50", 0, false},
		{"", 0, false},
		{"1234567890", 0, false},
	} {
		got, ok := parseRubles(tt.in)
		if ok != tt.ok || ok && got != tt.want {
			t.Errorf("parseRubles(%q)=%d,%v; want %d,%v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestParseClock(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want int
		ok   bool
	}{
		{"00:00", 0, true}, {"09:30", 570, true}, {"24:00", 1440, true},
		{"24:01", 0, false}, {"9:30", 0, false}, {"09:60", 0, false}, {"+9:30", 0, false}, {"0930", 0, false},
	} {
		got, ok := parseClock(tt.in)
		if ok != tt.ok || ok && got != tt.want {
			t.Errorf("parseClock(%q)=%d,%v; want %d,%v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}
