// The agent version a till says hello with, as the cabinet shows it.

package fleet

import (
	"strings"
	"unicode/utf8"

	"mypos/protocol"
)

// maxAgent bounds the version stored for a device: a till names itself,
// and a name longer than any version is not worth a column's room.
const maxAgent = 64

// agentOf is the version a hello names — the agent's ("mypos-agent/1.2.3"),
// or the firmware's when a till names only that — trimmed, bounded and
// valid UTF-8, so what a till sends cannot break the page showing it.
func agentOf(msg *protocol.Hello) string {
	v := strings.TrimSpace(msg.Agent)
	if v == "" {
		v = strings.TrimSpace(msg.Firmware)
	}
	v = strings.ToValidUTF8(v, "")
	for len(v) > maxAgent {
		_, size := utf8.DecodeLastRuneInString(v)
		v = v[:len(v)-size]
	}
	return v
}
