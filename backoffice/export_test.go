package backoffice

import "context"

// CheckStore is checkStore, for the tests of the store a device is placed in.
func (s *Service) CheckStore(ctx context.Context, companyID, storeID string) error {
	return s.checkStore(ctx, companyID, storeID)
}
