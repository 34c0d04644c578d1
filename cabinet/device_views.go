package cabinet

import (
	"context"
	"time"

	"mypos/db"
	"mypos/device"
)

// deviceView is a device as the cabinet shows it, with what fleet knows and
// device does not: whether it is online and when it was last seen; the
// revision of its company's data it last acknowledged, and how many
// revisions the company is ahead of it (null until it first connected).
type deviceView struct {
	*device.Device
	Online   bool       `json:"online"`
	LastSeen *time.Time `json:"last_seen"`
	Revision *int64     `json:"revision"`
	Behind   *int64     `json:"behind"`
}

// InSync tells a page that the device has every revision of its company's
// data; a template cannot compare the pointer Behind with 0 itself.
func (v deviceView) InSync() bool { return v.Behind != nil && *v.Behind == 0 }

// withLiveState joins devices with what fleet knows of them, presence and
// sync state: a few queries for the whole list.
func (s *Server) withLiveState(ctx context.Context, devices []device.Device) ([]deviceView, error) {
	ids := make([]string, len(devices))
	for i := range devices {
		ids[i] = devices[i].ID
	}
	views := make([]deviceView, len(devices))
	for i := range devices {
		views[i].Device = &devices[i]
	}
	presence, err := s.cfg.Fleet.Presence(ctx, ids)
	if err != nil {
		return nil, err
	}
	synced, err := s.cfg.Fleet.SyncStates(ctx, ids)
	if err != nil {
		return nil, err
	}
	for i := range views {
		if p, ok := presence[views[i].ID]; ok {
			views[i].Online, views[i].LastSeen = p.Online, &p.LastSeen
		}
		if st, ok := synced[views[i].ID]; ok {
			behind := st.Behind()
			views[i].Revision, views[i].Behind = &st.Rev, &behind
		}
	}
	return views, nil
}

// listLiveDevices answers a page of the company's devices with their live state.
func (s *Server) listLiveDevices(ctx context.Context, p db.ListParams) ([]deviceView, string, error) {
	items, next, err := s.cfg.Devices.List(ctx, p)
	if err != nil {
		return nil, "", err
	}
	views, err := s.withLiveState(ctx, items)
	return views, next, err
}
