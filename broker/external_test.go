package broker

import (
	"context"
	"net"
	"strings"
	"testing"
)

// A cluster that cannot be reached is reported with its address, never with
// the password its URL carries.
func TestDialExternalHidesPassword(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nobody listens there now
	_, err = DialExternal(context.Background(), ExternalConfig{URL: "tcp://cloud:s3cret@" + addr, ClientID: "mypos-test"})
	if err == nil {
		t.Fatal("connected to a closed port")
	}
	if msg := err.Error(); strings.Contains(msg, "s3cret") || !strings.Contains(msg, "tcp://cloud:xxxxx@"+addr) {
		t.Fatalf("error %q: want the URL with its password masked", msg)
	}
}
