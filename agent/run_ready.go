package agent

import "net"

// apiReady tells RunConfig.APIReady where the local API serves. A process
// that runs many agents on port 0 — the `mypos-agent sim` load tool — learns
// each one's address from it instead of from the log.
func (c RunConfig) apiReady(ln net.Listener) {
	if c.APIReady != nil {
		c.APIReady(ln.Addr().String())
	}
}
