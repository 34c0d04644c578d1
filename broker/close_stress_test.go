package broker

import (
	"bytes"
	"fmt"
	"io"
	"log/slog"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/mochi-mqtt/server/v2/packets"
	"github.com/prometheus/client_golang/prometheus"
)

// TestCloseWhileClientsLeave closes the broker while its clients hang up.
// mochi's own Close lists a listener's clients under a read lock it takes
// twice (Clients.GetByListener calls Len); a client leaving between the two
// queues a writer, and the second read lock waits for it for ever
// (mochi-mqtt/server#488). Broker.Close must never hang.
func TestCloseWhileClientsLeave(t *testing.T) {
	const clients, rounds = 64, 400
	fleet := devices{}
	for i := range clients {
		fleet[fmt.Sprintf("dev-%03d", i)] = "secret-of-this-device-0123456789"
	}
	for round := range rounds {
		// Not MustStart: its cleanup would close the broker again, and
		// hang the binary when Close hangs.
		ln := mustListen(t)
		b, err := New(Config{TCP: ln, Logger: slog.New(slog.DiscardHandler), Registerer: prometheus.NewRegistry()}, fleet)
		if err != nil {
			t.Fatal(err)
		}
		if err := b.Start(); err != nil {
			t.Fatal(err)
		}
		conns := make([]net.Conn, 0, clients)
		for id, secret := range fleet {
			conns = append(conns, mustConnectRaw(t, "tcp://"+ln.Addr().String(), id, secret))
		}
		var wg sync.WaitGroup
		for _, c := range conns {
			wg.Go(func() { c.Close() })
		}
		closed := make(chan error, 1)
		go func() { closed <- b.Close() }()
		select {
		case err := <-closed:
			if err != nil {
				t.Fatalf("round %d: Close: %v", round, err)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("round %d: Close hung while clients left", round)
		}
		wg.Wait()
	}
}

// mustConnectRaw connects an MQTT 3.1.1 client over plain TCP and reads
// its CONNACK: a client far lighter than paho, for tests that need many.
func mustConnectRaw(tb testing.TB, url, id, secret string) net.Conn {
	tb.Helper()
	c, err := net.Dial("tcp", url[len("tcp://"):])
	if err != nil {
		tb.Fatal(err)
	}
	pk := packets.Packet{
		FixedHeader:     packets.FixedHeader{Type: packets.Connect},
		ProtocolVersion: 4,
		Connect: packets.ConnectParams{
			ProtocolName: []byte("MQTT"), Clean: true, Keepalive: 30, ClientIdentifier: id,
			UsernameFlag: true, Username: []byte(id), PasswordFlag: true, Password: []byte(secret),
		},
	}
	var buf bytes.Buffer
	if err := pk.ConnectEncode(&buf); err != nil {
		tb.Fatal(err)
	}
	if _, err := c.Write(buf.Bytes()); err != nil {
		tb.Fatal(err)
	}
	ack := make([]byte, 4)
	if _, err := io.ReadFull(c, ack); err != nil || ack[0]>>4 != packets.Connack || ack[3] != 0 {
		tb.Fatalf("connect %s: %v %x", id, err, ack)
	}
	return c
}
