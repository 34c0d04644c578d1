package device

import (
	"context"

	"mypos/changelog"
	"mypos/protocol"
)

// body is what a terminal is told about a device: its own record.
type body struct {
	ID      string  `json:"id"`
	Name    string  `json:"name"`
	Serial  string  `json:"serial"`
	StoreID *string `json:"store_id"`
}

func bodyOf(d *Device) body {
	return body{ID: d.ID, Name: d.Name, Serial: d.Serial, StoreID: d.StoreID}
}

// sameBody reports whether two states of a device look the same to a terminal.
func sameBody(a, b Device) bool {
	return a.Name == b.Name && a.Serial == b.Serial && sameStore(a.StoreID, b.StoreID)
}

func sameStore(a, b *string) bool {
	return a == nil && b == nil || a != nil && b != nil && *a == *b
}

// appendUpsert records a device's new state; the device alone sees it.
func (s *Service) appendUpsert(ctx context.Context, d *Device) error {
	_, err := s.changes.Append(ctx, d.CompanyID, changelog.Entry{
		Kind: protocol.KindDevice, Entity: d.ID, Op: protocol.OpUpsert, Body: bodyOf(d), Scope: changelog.Devices(d.ID),
	})
	return err
}
