package broker

import "strings"

// Topics of a device (DESIGN §5). The protocol package takes these over once
// it exists; until then broker owns them because the ACL must agree with
// whatever fleet and the agent use.
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
// reports false for any other topic, including filters with wildcards. Fleet
// takes a sender's identity from the topic the broker authorised, so this is
// the inverse of DeviceTopic for exactly the topics the ACL lets through.
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

// mayPublish reports whether a device may publish to topic: only its own up
// and state. The same rule bounds its last will.
func mayPublish(deviceID, topic string) bool {
	return topic == DeviceTopic(deviceID, LeafUp) || topic == DeviceTopic(deviceID, LeafState)
}

// maySubscribe reports whether a device may subscribe to filter (and receive
// a message on a topic): only its own down, spelled exactly, so no wildcard,
// shared subscription or $SYS filter ever matches.
func maySubscribe(deviceID, filter string) bool {
	return filter == DeviceTopic(deviceID, LeafDown)
}
