package protocol

import "strings"

// Topics of a device (DESIGN §5), all QoS 1, clean sessions.
const (
	// TopicPrefix begins every device topic: TopicPrefix + deviceID + "/" + leaf.
	TopicPrefix = "mypos/v1/dev/"

	LeafDown  = "down"  // cloud → terminal
	LeafUp    = "up"    // terminal → cloud
	LeafState = "state" // retained presence, the agent's last will
)

// maxDeviceIDLen bounds an ID before it reaches the authenticator; device
// IDs are UUIDs (36 characters), the slack is for other ID formats.
const maxDeviceIDLen = 128

// DeviceTopic returns the topic of a device's leaf, e.g.
// DeviceTopic(id, LeafUp) = "mypos/v1/dev/{id}/up".
func DeviceTopic(deviceID, leaf string) string {
	return TopicPrefix + deviceID + "/" + leaf
}

// ParseDeviceTopic splits a device topic into its device ID and leaf. It
// reports false for any other topic, including filters with wildcards. The
// cloud takes a sender's identity from the topic the broker authorised, so
// this is the inverse of DeviceTopic for exactly the topics the ACL lets through.
func ParseDeviceTopic(topic string) (deviceID, leaf string, ok bool) {
	rest, found := strings.CutPrefix(topic, TopicPrefix)
	if !found {
		return "", "", false
	}
	deviceID, leaf, found = strings.Cut(rest, "/")
	if !found || !ValidDeviceID(deviceID) {
		return "", "", false
	}
	switch leaf {
	case LeafDown, LeafUp, LeafState:
		return deviceID, leaf, true
	}
	return "", "", false
}

// ValidDeviceID reports whether id can name a device on the wire. An ID with
// a topic separator or wildcard would let one device's topics overlap
// another's, so such IDs are refused before any credentials are checked.
func ValidDeviceID(id string) bool {
	if id == "" || len(id) > maxDeviceIDLen || id[0] == '$' {
		return false
	}
	return !strings.ContainsAny(id, "/+#\x00")
}

// Payloads of the retained state topic. The agent publishes StateOnline
// when it connects, and leaves StateOffline as its last will.
const (
	StateOnline  = "online"
	StateOffline = "offline"
)
