// The messages of the protocol, their envelope and the values of their
// fields: message types, license outcomes, command names. The codes of an
// Error are in codes.go, the kinds and operations of an Item in kinds.go.

package protocol

import "encoding/json"

// Version is the protocol version this build speaks; MinVersion the oldest
// it still accepts. A terminal below MinVersion is told to update.
const (
	Version    = 1
	MinVersion = 1
)

// MaxMessageSize bounds every message. It is half the broker's packet
// limit (64 KiB), so a message over it still reaches the cloud, which drops
// it, counts it and answers — rather than the broker cutting the
// connection. Sync pages are cut to fit it.
const MaxMessageSize = 32 << 10

// Message types. Up: terminal → cloud; down: cloud → terminal.
const (
	TypeHello        = "hello"         // up: I am online at revision rev
	TypeSync         = "sync"          // up: send me what changed since a revision
	TypeAck          = "ack"           // up: I applied everything up to rev
	TypeLicense      = "license"       // up: a key typed on this terminal
	TypeReceipt      = "receipt"       // up: a receipt to store
	TypeChanges      = "changes"       // down: a pushed batch of changes
	TypeSyncReply    = "sync_reply"    // down: one page of a sync
	TypeLicenseReply = "license_reply" // down: the outcome of a key entry
	TypeReceiptAck   = "receipt_ack"   // down: a receipt is stored
	TypeError        = "error"         // down: a request was refused
	TypeCommand      = "command"       // down: do something (sync now, update)
)

// Header is the envelope every message carries. ID correlates a reply with
// its request: MQTT 3.1.1 has no response topics.
type Header struct {
	V    int    `json:"v"`
	Type string `json:"type"`
	ID   string `json:"id"`
}

func (h *Header) header() *Header { return h }

// Message is any message of the protocol.
type Message interface{ header() *Header }

// Item is one entity's last state for a terminal to apply.
type Item struct {
	Kind string          `json:"kind"`
	ID   string          `json:"id"`
	Op   string          `json:"op"` // OpUpsert or OpDelete
	Body json.RawMessage `json:"body,omitempty"`
}

// Hello is sent on every (re)connect with the revision the terminal holds.
type Hello struct {
	Header
	Rev      int64  `json:"rev"`
	Agent    string `json:"agent"`
	Firmware string `json:"firmware,omitempty"`
}

// Sync asks for the changes after Since, a page at a time: Cursor is ""
// for the first page, then the reply's Next.
type Sync struct {
	Header
	Since  int64  `json:"since"`
	Cursor string `json:"cursor,omitempty"`
}

// Ack says the terminal applied everything up to Rev.
type Ack struct {
	Header
	Rev int64 `json:"rev"`
}

// License is a key typed on the terminal.
type License struct {
	Header
	Key string `json:"key"`
}

// Changes is a pushed batch: apply it when From ≤ rev < To, ignore it when
// To ≤ rev, and sync when From > rev.
type Changes struct {
	Header
	From  int64  `json:"from"`
	To    int64  `json:"to"`
	Items []Item `json:"items"`
}

// SyncReply is one page of a sync. Reset says the pages are a full snapshot
// that replaces everything the terminal holds. The terminal stages pages and
// commits once at the last (Next == ""), reaching revision To.
type SyncReply struct {
	Header
	Since int64  `json:"since"`
	To    int64  `json:"to"`
	Reset bool   `json:"reset,omitempty"`
	Items []Item `json:"items"`
	Next  string `json:"next,omitempty"`
}

// Outcomes of a key entry.
const (
	LicenseActivated = "activated"  // the key now licenses this terminal
	LicenseMovedHere = "moved_here" // ... and another of the company's terminals lost it
	LicenseRefused   = "refused"    // see Code and Message
)

// LicenseReply answers a License with the same ID.
type LicenseReply struct {
	Header
	Result    string `json:"result"`
	LicenseID string `json:"license_id,omitempty"`
	Code      string `json:"code,omitempty"`
	Message   string `json:"message,omitempty"`
}

// ReceiptUpload carries one receipt to the cloud. Its envelope ID is the
// receipt's ID, so an error reply names the receipt it refuses.
type ReceiptUpload struct {
	Header
	Receipt Sale `json:"receipt"`
}

// ReceiptAck says the receipt with ReceiptID is stored in the cloud.
type ReceiptAck struct {
	Header
	ReceiptID string `json:"receipt_id"`
}

// Error refuses the message whose ID it carries, with a stable code.
type Error struct {
	Header
	Code    string `json:"code"`
	Message string `json:"message"`
}

// Command asks the terminal to act: one of the command names below, later
// "update".
type Command struct {
	Header
	Name string          `json:"name"`
	Args json.RawMessage `json:"args,omitempty"`
}

// Command names.
const (
	CommandSync  = "sync"  // load what changed now, from the revision held
	CommandReset = "reset" // load everything anew: what it missed is pruned, or it moved store
)

// HeaderOf returns a message's envelope.
func HeaderOf(m Message) Header { return *m.header() }
