// License entry from a till: a key typed on a terminal, activated through
// licensing and answered with a license_reply.

package fleet

import (
	"cmp"
	"context"
	"math"

	"mypos"
	"mypos/licensing"
	"mypos/protocol"
)

// Licenses activates a key typed on a terminal; licensing.Service
// implements it.
type Licenses interface {
	Activate(ctx context.Context, deviceID, companyID, key string) (*licensing.Activation, error)
}

// license answers a key typed on a terminal with a license_reply of the
// same ID: activated (moved_here when another of the company's terminals
// held it) with the license's ID, or refused with the mypos code
// (invalid, not_found, conflict, rate_limited, …) and its message. The
// device is the one the broker authorised; its company is its session's.
// The license change Activate appends reaches the devices concerned through
// the follower, like any change: the one that lost the license by a move is
// told at once. The key is never logged.
func (f *Fleet) license(ctx context.Context, deviceID string, msg *protocol.License) error {
	lic, err := f.activate(ctx, deviceID, msg.Key)
	reply := &protocol.LicenseReply{Header: protocol.Header{ID: msg.ID}, Result: protocol.LicenseActivated}
	switch code := mypos.ErrorCode(err); code {
	case "":
		reply.LicenseID = lic.ID
		if lic.Moved {
			reply.Result = protocol.LicenseMovedHere
		}
		f.log.Info("license activated", "device", deviceID, "license", lic.ID, "result", reply.Result)
	case mypos.EINTERNAL:
		f.log.Error("key entry", "device", deviceID, "error", err)
		fallthrough
	default:
		reply.Result, reply.Code, reply.Message = protocol.LicenseRefused, code, mypos.ErrorMessage(err)
	}
	f.metrics.licenses.WithLabelValues(cmp.Or(reply.Code, reply.Result)).Inc()
	return f.reply(deviceID, reply)
}

// activate checks the device's key-entry budget, finds its company and
// asks licensing.
func (f *Fleet) activate(ctx context.Context, deviceID, key string) (*licensing.Activation, error) {
	if ok, _ := f.uplink.keys.allow(deviceID); !ok {
		wait := f.uplink.keys.wait(deviceID)
		return nil, mypos.RateLimited(wait, "Too many keys typed on this terminal: try again in %d s.", int(math.Ceil(wait.Seconds())))
	}
	companyID, err := f.companyOf(ctx, deviceID)
	if err != nil {
		return nil, err
	}
	return f.cfg.Licenses.Activate(ctx, deviceID, companyID, key)
}

// companyOf is the device's company: its session's, else from the devices.
func (f *Fleet) companyOf(ctx context.Context, deviceID string) (string, error) {
	if s := f.sessions.get(deviceID); s != nil {
		return s.companyID, nil
	}
	loc, err := f.devices.Locate(ctx, deviceID)
	if err != nil {
		return "", err
	}
	return loc.CompanyID, nil
}
