package broker

import "mypos/protocol"

// mayPublish reports whether a device may publish to topic: only its own up
// and state. The same rule bounds its last will.
func mayPublish(deviceID, topic string) bool {
	return topic == protocol.DeviceTopic(deviceID, protocol.LeafUp) || topic == protocol.DeviceTopic(deviceID, protocol.LeafState)
}

// maySubscribe reports whether a device may subscribe to filter (and receive
// a message on a topic): only its own down, spelled exactly, so no wildcard,
// shared subscription or $SYS filter ever matches.
func maySubscribe(deviceID, filter string) bool {
	return filter == protocol.DeviceTopic(deviceID, protocol.LeafDown)
}
