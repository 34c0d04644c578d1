package agent

import (
	"log/slog"
	"sync/atomic"

	paho "github.com/eclipse/paho.mqtt.golang"

	"mypos/protocol"
)

// inboxSize is how many decoded messages may wait for the apply worker.
// When it is full, paho's handler waits, which holds back the PUBACK and
// with it the broker's next QoS 1 messages: back-pressure instead of loss.
const inboxSize = 64

// inbound is one downlink message, decoded or refused.
type inbound struct {
	msg protocol.Message
	err error
}

// inbox takes the cloud's messages from paho's goroutine to the apply
// worker, so no work ever runs on paho's read path.
type inbox struct {
	ch        chan inbound
	done      chan struct{} // closed when the worker stops: handlers stop waiting
	malformed atomic.Int64  // downlink messages dropped as undecodable
}

func newInbox() *inbox {
	return &inbox{ch: make(chan inbound, inboxSize), done: make(chan struct{})}
}

// handle is paho's message handler: it only decodes and hands over.
func (in *inbox) handle(_ paho.Client, m paho.Message) {
	msg, err := protocol.DecodeDown(m.Payload())
	select {
	case in.ch <- inbound{msg: msg, err: err}:
	case <-in.done:
	}
}

// describe names a message for the log: its type, its ID and what says
// most about it.
func describe(m protocol.Message) []any {
	switch m := m.(type) {
	case *protocol.Changes:
		return []any{"type", m.Type, "id", m.ID, "from", m.From, "to", m.To, "items", len(m.Items)}
	case *protocol.SyncReply:
		return []any{"type", m.Type, "id", m.ID, "since", m.Since, "to", m.To, "items", len(m.Items), "reset", m.Reset, "next", m.Next != ""}
	case *protocol.LicenseReply:
		return []any{"type", m.Type, "id", m.ID, "result", m.Result, "code", m.Code}
	case *protocol.ReceiptAck:
		return []any{"type", m.Type, "id", m.ID, "receipt", m.ReceiptID}
	case *protocol.Error:
		return []any{"type", m.Type, "id", m.ID, "code", m.Code, "message", m.Message}
	case *protocol.Command:
		return []any{"type", m.Type, "id", m.ID, "name", m.Name}
	}
	return []any{"message", slog.AnyValue(m)}
}
