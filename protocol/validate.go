package protocol

import (
	"errors"
	"fmt"
	"unicode/utf8"
)

// Bounds of the fields a peer may send.
const (
	maxIDLen     = 64
	maxKeyLen    = 64
	maxCursorLen = 512
	maxNameLen   = 64
)

// validate checks what the JSON types alone do not: ranges and lengths.
func validate(m Message) error {
	switch m := m.(type) {
	case *Hello:
		return errors.Join(nonNegative("rev", m.Rev), short("agent", m.Agent, maxNameLen), short("firmware", m.Firmware, maxNameLen))
	case *Sync:
		return errors.Join(nonNegative("since", m.Since), short("cursor", m.Cursor, maxCursorLen))
	case *Ack:
		return nonNegative("rev", m.Rev)
	case *License:
		if m.Key == "" {
			return errors.New("key is required")
		}
		return short("key", m.Key, maxKeyLen)
	case *ReceiptUpload:
		if m.ID != m.Receipt.ID {
			return errors.New("the envelope's id must be the receipt's id")
		}
		_, err := CheckSale(&m.Receipt)
		return err
	case *Changes:
		if m.From < 0 || m.To < m.From {
			return fmt.Errorf("from %d and to %d do not make a range", m.From, m.To)
		}
		return items(m.Items)
	case *SyncReply:
		if m.Since < 0 || m.To < 0 {
			return errors.New("since and to must not be negative")
		}
		return items(m.Items)
	}
	return nil
}

func items(list []Item) error {
	for i, it := range list {
		if it.Op != "upsert" && it.Op != "delete" {
			return fmt.Errorf("item %d: op must be upsert or delete", i)
		}
		if it.Kind == "" || it.ID == "" {
			return fmt.Errorf("item %d: kind and id are required", i)
		}
	}
	return nil
}

func nonNegative(field string, v int64) error {
	if v < 0 {
		return fmt.Errorf("%s must not be negative", field)
	}
	return nil
}

func short(field, v string, max int) error {
	if len(v) > max || !utf8.ValidString(v) {
		return fmt.Errorf("%s has at most %d bytes of UTF-8", field, max)
	}
	return nil
}
