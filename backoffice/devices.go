// Where a company's devices stand: a device is placed in one of the
// company's stores here, because the stores are this package's; the rest
// of a device is device's. These use cases vouch for the store, then have
// device write the device, in one transaction: the store is locked before
// device appends to the changelog, whose company revision is the last lock
// every writer takes (DeleteStore too).

package backoffice

import (
	"context"

	"mypos/device"
)

// CreateDevice adds a device to the caller's company, placed in the store
// nd.StoreID names, if any, and returns it with its first enrollment code
// (see device.Service.Create). The store must be a live store of the
// company; it is share-locked until commit, so a concurrent DeleteStore
// either waits and then sees the device, or deletes the store first and
// the placement is refused. Company only. A request bad in its store and
// in another field is refused for the store.
// Returns EUNAUTHORIZED, EFORBIDDEN for another kind, EINVALID for a bad
// name, serial or store_id.
func (s *Service) CreateDevice(ctx context.Context, nd device.NewDevice) (*device.Device, string, error) {
	companyID, err := companyOf(ctx)
	if err != nil {
		return nil, "", err
	}
	var (
		d    *device.Device
		code string
	)
	err = s.db.InTx(ctx, func(ctx context.Context) error {
		if err := s.checkPlacement(ctx, companyID, nd.StoreID); err != nil {
			return err
		}
		d, code, err = s.devices.Create(ctx, nd)
		return err
	})
	if err != nil {
		return nil, "", err
	}
	return d, code, nil
}

// UpdateDevice changes a live device of the caller's company (see
// device.Service.Update); a store the patch places it in must be a live
// store of the company, locked as CreateDevice locks it, and is checked
// first. Company only.
// Returns EUNAUTHORIZED, EFORBIDDEN for another kind, ENOTFOUND when the
// company has no such device, ECONFLICT when it is revoked, EINVALID for a
// bad field.
func (s *Service) UpdateDevice(ctx context.Context, id string, p device.DevicePatch) (*device.Device, error) {
	companyID, err := companyOf(ctx)
	if err != nil {
		return nil, err
	}
	var d *device.Device
	err = s.db.InTx(ctx, func(ctx context.Context) error {
		if err := s.checkPlacement(ctx, companyID, p.Store.StoreID); err != nil {
			return err
		}
		d, err = s.devices.Update(ctx, id, p)
		return err
	})
	if err != nil {
		return nil, err
	}
	return d, nil
}

// checkPlacement vouches for the store a device is placed in; nil places
// it in none.
func (s *Service) checkPlacement(ctx context.Context, companyID string, storeID *string) error {
	if storeID == nil {
		return nil
	}
	return s.checkStore(ctx, companyID, *storeID)
}
