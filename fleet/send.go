// Sending to devices: everything fleet sends goes out through these few
// functions, which count it. With a session, a send happens under its
// lock — the device's outgoing queue — so a push never races a sync page.

package fleet

import (
	"fmt"

	"mypos/protocol"
)

// reply answers a device's request. With a session it goes through the
// device's outgoing queue (its lock), like everything sent to it.
func (f *Fleet) reply(deviceID string, m protocol.Message) error {
	if s := f.sessions.get(deviceID); s != nil {
		s.mu.Lock()
		defer s.mu.Unlock()
		return f.sendLocked(s, m)
	}
	return f.send(deviceID, m)
}

// sendLocked encodes and publishes to a device whose session lock is held.
func (f *Fleet) sendLocked(s *session, m protocol.Message) error {
	return f.send(s.deviceID, m)
}

// publishLocked publishes an encoded message to a device whose session
// lock is held.
func (f *Fleet) publishLocked(s *session, data []byte) error {
	return f.publish(s.deviceID, data)
}

// send encodes and publishes a message to a device.
func (f *Fleet) send(deviceID string, m protocol.Message) error {
	data, err := protocol.Encode(m)
	if err != nil {
		return err
	}
	return f.publish(deviceID, data)
}

// publish hands an encoded message for a device to the bus, and counts it.
func (f *Fleet) publish(deviceID string, data []byte) error {
	if err := f.bus.Publish(deviceID, data); err != nil {
		return fmt.Errorf("send to %s: %w", deviceID, err)
	}
	f.metrics.sent.Inc()
	return nil
}

// send tells a device of a refusal. It takes no session lock: a refusal
// answers a message that went no further, so it need not queue behind a
// page in flight. What could not be sent is logged: a refusal has nobody
// to return an error to.
func (u *uplink) send(deviceID string, m protocol.Message) {
	if err := u.f.send(deviceID, m); err != nil {
		u.f.log.Warn("send to device", "device", deviceID, "error", err)
	}
}
