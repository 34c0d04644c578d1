package broker

import (
	"context"

	"mypos"
)

// Authenticator checks a device's MQTT credentials. The device package
// implements it against its store; cmd wires it in, so broker never imports
// a domain package.
//
// Authenticate returns nil when secret is the device's current secret. It
// returns EUNAUTHORIZED (or ENOTFOUND) for an unknown, revoked or mistaken
// device; any other error is treated as an outage of the store.
type Authenticator interface {
	Authenticate(ctx context.Context, deviceID, secret string) error
}

// DenyAll refuses every client. It is the authenticator of a cloud that has
// no devices yet, and a safe default: a broker never runs open.
var DenyAll Authenticator = denyAll{}

type denyAll struct{}

func (denyAll) Authenticate(context.Context, string, string) error {
	return mypos.Errorf(mypos.EUNAUTHORIZED, "No devices are accepted.")
}
