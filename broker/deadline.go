package broker

import (
	"net"
	"time"
)

// defaultConnectTimeout is how long a new connection may take to send its
// CONNECT. mochi sets no deadline until the CONNECT has been read, so without
// one an idle socket (a half-open terminal, a scanner) would hold a goroutine
// and a buffer forever. mochi replaces the deadline with the keepalive one as
// soon as the CONNECT is in.
const defaultConnectTimeout = 10 * time.Second

// connectDeadlineListener gives every accepted connection timeout to
// identify itself. A TLS listener's handshake counts against it too.
type connectDeadlineListener struct {
	net.Listener
	timeout time.Duration
}

func (l connectDeadlineListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	if err := c.SetDeadline(time.Now().Add(l.timeout)); err != nil {
		// Only a dead connection refuses a deadline. Returning the error
		// would end mochi's accept loop, so close it and let its first
		// read fail instead.
		c.Close()
	}
	return c, nil
}
