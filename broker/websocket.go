package broker

import (
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"
	"github.com/mochi-mqtt/server/v2/listeners"
)

// wsListener serves MQTT over WebSocket (subprotocol "mqtt") on a listener
// the caller has already bound. mochi's own Websocket listener binds its
// address itself, which rules out port 0 and pre-bound sockets.
type wsListener struct {
	id        string
	ln        net.Listener
	log       *slog.Logger
	srv       *http.Server
	upgrader  websocket.Upgrader
	timeout   time.Duration // to upgrade and send CONNECT
	establish listeners.EstablishFn
	closed    atomic.Bool
}

var _ listeners.Listener = (*wsListener)(nil)

func newWSListener(id string, ln net.Listener, timeout time.Duration) *wsListener {
	return &wsListener{
		id:      id,
		ln:      ln,
		timeout: timeout,
		upgrader: websocket.Upgrader{
			Subprotocols:    []string{"mqtt"}, // [MQTT-6.0.0-3]
			ReadBufferSize:  2048,
			WriteBufferSize: 2048,
			// Devices authenticate in CONNECT, not by cookie, so a foreign
			// Origin gains nothing: there is no ambient credential to ride.
			CheckOrigin: func(*http.Request) bool { return true },
		},
	}
}

func (l *wsListener) ID() string       { return l.id }
func (l *wsListener) Address() string  { return l.ln.Addr().String() }
func (l *wsListener) Protocol() string { return "ws" }

// Init prepares the HTTP server; mochi calls it when the listener is added.
func (l *wsListener) Init(log *slog.Logger) error {
	l.log = log
	l.srv = &http.Server{
		Handler:           http.HandlerFunc(l.handle),
		ReadHeaderTimeout: l.timeout,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelDebug),
	}
	return nil
}

// Serve accepts WebSocket upgrades until Close. mochi runs it in its own
// goroutine; establish is set before serving, so handlers see it.
func (l *wsListener) Serve(establish listeners.EstablishFn) {
	l.establish = establish
	err := l.srv.Serve(l.ln)
	if err != nil && !errors.Is(err, http.ErrServerClosed) && !l.closed.Load() {
		l.log.Error("mqtt websocket listener stopped", "error", err)
	}
}

// Close stops accepting and closes the listener's clients. Upgraded
// connections are hijacked, so the HTTP server no longer tracks them:
// closeClients (mochi's) disconnects them.
func (l *wsListener) Close(closeClients listeners.CloseFn) {
	if l.closed.Swap(true) {
		return
	}
	if err := l.srv.Close(); err != nil {
		l.log.Debug("close mqtt websocket server", "error", err)
	}
	// srv.Close closes the listener only if Serve ever ran; a broker closed
	// without Start must still release its port.
	if err := l.ln.Close(); err != nil && !errors.Is(err, net.ErrClosed) {
		l.log.Debug("close mqtt websocket listener", "error", err)
	}
	closeClients(l.id)
}

// handle upgrades one request and runs the MQTT connection on it until it
// ends; the HTTP server gave this goroutine to the connection.
func (l *wsListener) handle(w http.ResponseWriter, r *http.Request) {
	c, err := l.upgrader.Upgrade(w, r, nil) // answers the client itself on failure
	if err != nil {
		l.log.Debug("mqtt websocket upgrade failed", "error", err, "remote", r.RemoteAddr)
		return
	}
	defer c.Close()
	if l.closed.Load() {
		return
	}
	conn := &wsConn{Conn: c.NetConn(), ws: c}
	// Upgrade cleared the HTTP server's deadlines; give the client the same
	// time to send CONNECT as on TCP.
	if err := conn.SetDeadline(time.Now().Add(l.timeout)); err != nil {
		return
	}
	if err := l.establish(l.id, conn); err != nil {
		l.log.Debug("mqtt websocket client ended", "error", err, "remote", r.RemoteAddr)
	}
}

// wsConn presents a WebSocket as the byte stream mochi reads MQTT from.
// MQTT packets may span WebSocket messages and a message may hold several
// packets [MQTT-6.0.0-2], so reads run across message boundaries. Messages
// are read as streams, so their size costs no memory; mochi's
// MaximumPacketSize bounds the packets.
type wsConn struct {
	net.Conn // the underlying connection: addresses and Close
	ws       *websocket.Conn
	r        io.Reader // the message being read, nil between messages
}

var errNotBinary = errors.New("websocket message is not binary") // [MQTT-6.0.0-1]

func (c *wsConn) Read(p []byte) (int, error) {
	for {
		if c.r == nil {
			op, r, err := c.ws.NextReader()
			if err != nil {
				return 0, err
			}
			if op != websocket.BinaryMessage {
				return 0, errNotBinary
			}
			c.r = r
		}
		n, err := c.r.Read(p)
		if errors.Is(err, io.EOF) {
			c.r = nil // message done; the next Read starts the next one
			if n == 0 {
				continue
			}
			err = nil
		}
		return n, err
	}
}

// Write sends p as one binary message; mochi writes one packet at a time
// under the client's lock, so writes never interleave.
func (c *wsConn) Write(p []byte) (int, error) {
	if err := c.ws.WriteMessage(websocket.BinaryMessage, p); err != nil {
		return 0, err
	}
	return len(p), nil
}

// SetDeadline sets only the read deadline. gorilla overwrites the socket's
// write deadline with its own before every frame, and its own may not be set
// while another goroutine writes (mochi refreshes deadlines from the read
// loop). The read deadline is enough: when it passes, mochi closes the
// connection, which also ends a blocked write.
func (c *wsConn) SetDeadline(t time.Time) error { return c.Conn.SetReadDeadline(t) }

// SetWriteDeadline is a no-op for the reason given at SetDeadline.
func (c *wsConn) SetWriteDeadline(time.Time) error { return nil }
