package protocol

import (
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"sync"
	"time"
)

// NewID returns a new UUIDv7 (RFC 9562) as a string: time-ordered, so rows
// inserted together sit together in an index and IDs serve as list cursors.
// The cloud makes its rows' IDs with it and a till its receipts' — one
// function, in the one package both sides share.
// Within one millisecond IDs stay ordered by a counter in the random bits.
func NewID() string {
	var u [16]byte
	ms, seq := nextTick()
	binary.BigEndian.PutUint64(u[0:8], ms<<16)
	if _, err := rand.Read(u[8:]); err != nil {
		panic("protocol: crypto/rand failed: " + err.Error())
	}
	u[6] = 0x70 | byte(seq>>8)&0x0f // version 7, 12-bit counter (rand_a)
	u[7] = byte(seq)
	u[8] = 0x80 | u[8]&0x3f // variant 10
	return format(u)
}

var idClock struct {
	sync.Mutex
	ms  uint64
	seq uint16
}

// nextTick returns the millisecond and a counter that together increase
// strictly from call to call, even when the wall clock stands still or steps back.
func nextTick() (uint64, uint16) {
	idClock.Lock()
	defer idClock.Unlock()
	now := uint64(time.Now().UnixMilli())
	switch {
	case now > idClock.ms:
		idClock.ms, idClock.seq = now, 0
	case idClock.seq < 0x0fff:
		idClock.seq++
	default: // counter exhausted: borrow the next millisecond
		idClock.ms, idClock.seq = idClock.ms+1, 0
	}
	return idClock.ms, idClock.seq
}

func format(u [16]byte) string {
	var b [36]byte
	hex.Encode(b[0:8], u[0:4])
	b[8] = '-'
	hex.Encode(b[9:13], u[4:6])
	b[13] = '-'
	hex.Encode(b[14:18], u[6:8])
	b[18] = '-'
	hex.Encode(b[19:23], u[8:10])
	b[23] = '-'
	hex.Encode(b[24:], u[10:])
	return string(b[:])
}

// ValidID reports whether s has the shape of an ID (a lower-case UUID), so
// that a malformed ID in a URL is refused before any query.
func ValidID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return false
			}
		default:
			if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
				return false
			}
		}
	}
	return true
}
