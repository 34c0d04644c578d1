package mypos

import "mypos/protocol"

// NewID returns a new UUIDv7 (RFC 9562): time-ordered, so rows inserted
// together sit together in an index and IDs serve as list cursors. See
// protocol.NewID, which the tills use too.
func NewID() string { return protocol.NewID() }

// ValidID reports whether s has the shape of an ID (a lower-case UUID), so
// that a malformed ID in a URL is refused before any query.
func ValidID(s string) bool { return protocol.ValidID(s) }
