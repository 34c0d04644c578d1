package cabinet

import (
	"context"
	"time"

	"mypos/device"
	"mypos/store"
)

// deviceView is a device as the cabinet shows it: with whether it is
// online and when it was last seen, which fleet knows and device does not.
type deviceView struct {
	*device.Device
	Online   bool       `json:"online"`
	LastSeen *time.Time `json:"last_seen"`
}

// withPresence joins devices with their presence in one query.
func (s *Server) withPresence(ctx context.Context, devices []device.Device) ([]deviceView, error) {
	ids := make([]string, len(devices))
	for i := range devices {
		ids[i] = devices[i].ID
	}
	views := make([]deviceView, len(devices))
	for i := range devices {
		views[i].Device = &devices[i]
	}
	if s.cfg.Fleet == nil {
		return views, nil
	}
	presence, err := s.cfg.Fleet.Presence(ctx, ids)
	if err != nil {
		return nil, err
	}
	for i := range views {
		if p, ok := presence[views[i].ID]; ok {
			views[i].Online, views[i].LastSeen = p.Online, &p.LastSeen
		}
	}
	return views, nil
}

// listDevicesWithPresence answers a page of the company's devices with their presence.
func (s *Server) listDevicesWithPresence(ctx context.Context, p store.ListParams) ([]deviceView, string, error) {
	items, next, err := s.cfg.Devices.List(ctx, p)
	if err != nil {
		return nil, "", err
	}
	views, err := s.withPresence(ctx, items)
	return views, next, err
}
