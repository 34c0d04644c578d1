// Encoding and strict decoding of messages: the one way in and out of the
// wire for both sides. A refusal is a *DecodeError with a code of codes.go.

package protocol

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"unicode/utf8"
)

// DecodeError is why a payload was refused. The connection stays up: the
// message is dropped and counted, and answered when it had an ID.
type DecodeError struct {
	Code    string
	Message string
	ID      string // the offending message's ID, when it could be read
}

func (e *DecodeError) Error() string { return "protocol: " + e.Code + ": " + e.Message }

func refuse(code, id, format string, args ...any) *DecodeError {
	return &DecodeError{Code: code, ID: id, Message: fmt.Sprintf(format, args...)}
}

// Directions a message travels, for decoding only what may arrive.
var (
	upTypes = map[string]func() Message{
		TypeHello:   func() Message { return &Hello{} },
		TypeSync:    func() Message { return &Sync{} },
		TypeAck:     func() Message { return &Ack{} },
		TypeLicense: func() Message { return &License{} },
		TypeReceipt: func() Message { return &ReceiptUpload{} },
	}
	downTypes = map[string]func() Message{
		TypeChanges:      func() Message { return &Changes{} },
		TypeSyncReply:    func() Message { return &SyncReply{} },
		TypeLicenseReply: func() Message { return &LicenseReply{} },
		TypeReceiptAck:   func() Message { return &ReceiptAck{} },
		TypeError:        func() Message { return &Error{} },
		TypeCommand:      func() Message { return &Command{} },
	}
)

// DecodeUp decodes a terminal's message for the cloud.
func DecodeUp(data []byte) (Message, error) { return decode(data, upTypes) }

// DecodeDown decodes the cloud's message for a terminal.
func DecodeDown(data []byte) (Message, error) { return decode(data, downTypes) }

// decode is strict: the size, the version, the type, every field and its
// range are checked, and any problem is a *DecodeError — never a panic.
func decode(data []byte, types map[string]func() Message) (Message, error) {
	if len(data) > MaxMessageSize {
		return nil, refuse(CodeTooLarge, "", "a message has at most %d bytes, this one %d", MaxMessageSize, len(data))
	}
	var h Header
	if err := json.Unmarshal(data, &h); err != nil {
		return nil, refuse(CodeMalformed, "", "not a message envelope: %v", err)
	}
	if len(h.ID) > maxIDLen || !utf8.ValidString(h.ID) {
		return nil, refuse(CodeBadField, "", "id has at most %d characters", maxIDLen)
	}
	if err := checkVersion(h); err != nil {
		return nil, err
	}
	newMessage, ok := types[h.Type]
	if !ok {
		return nil, refuse(CodeUnknownType, h.ID, "unknown message type %q", h.Type)
	}
	m := newMessage()
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(m); err != nil {
		return nil, refuse(CodeBadField, h.ID, "%s: %v", h.Type, err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, refuse(CodeMalformed, h.ID, "data after the message")
	}
	if err := validate(m); err != nil {
		return nil, refuse(CodeBadField, h.ID, "%s: %v", h.Type, err)
	}
	return m, nil
}

func checkVersion(h Header) error {
	switch {
	case h.V < MinVersion:
		return refuse(CodeVersion, h.ID, "protocol version %d is too old: this cloud speaks %d to %d, update mypos-agent", h.V, MinVersion, Version)
	case h.V > Version:
		return refuse(CodeVersion, h.ID, "protocol version %d is newer than this side's %d", h.V, Version)
	}
	return nil
}

// Encode stamps the message with this version and its type and marshals it.
func Encode(m Message) ([]byte, error) {
	h := m.header()
	h.V, h.Type = Version, typeOf(m)
	if h.Type == "" {
		return nil, fmt.Errorf("protocol: %T is not a message type", m)
	}
	data, err := json.Marshal(m)
	if err != nil {
		return nil, err
	}
	if len(data) > MaxMessageSize {
		return nil, refuse(CodeTooLarge, h.ID, "%s of %d bytes is over %d", h.Type, len(data), MaxMessageSize)
	}
	return data, nil
}

func typeOf(m Message) string {
	switch m.(type) {
	case *Hello:
		return TypeHello
	case *Sync:
		return TypeSync
	case *Ack:
		return TypeAck
	case *License:
		return TypeLicense
	case *Changes:
		return TypeChanges
	case *SyncReply:
		return TypeSyncReply
	case *LicenseReply:
		return TypeLicenseReply
	case *ReceiptUpload:
		return TypeReceipt
	case *ReceiptAck:
		return TypeReceiptAck
	case *Error:
		return TypeError
	case *Command:
		return TypeCommand
	}
	return ""
}
