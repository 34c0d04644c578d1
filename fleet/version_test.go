package fleet_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"mypos/fleet"
	"mypos/protocol"
)

// The version kept is the agent's, else the firmware's, trimmed, valid
// UTF-8 and bounded whatever a till sends.
func TestAgentOf(t *testing.T) {
	long := strings.Repeat("я", 100)
	for _, c := range []struct {
		hello protocol.Hello
		want  string
	}{
		{protocol.Hello{Agent: " mypos-agent/1.2.3 ", Firmware: "fw 9"}, "mypos-agent/1.2.3"},
		{protocol.Hello{Firmware: "fw 9"}, "fw 9"},
		{protocol.Hello{}, ""},
		{protocol.Hello{Agent: "a\xffb"}, "ab"},
		{protocol.Hello{Agent: long}, strings.Repeat("я", 32)},
	} {
		got := fleet.AgentOf(&c.hello)
		if got != c.want || !utf8.ValidString(got) {
			t.Errorf("%+v: %q, want %q", c.hello, got, c.want)
		}
	}
}
