package licensing

import (
	"context"

	"mypos"
)

// MaxSale bounds the licenses one sale creates, so one document stays a
// size a person reads and a transaction a size the database likes.
const MaxSale = 1000

// Sell creates count new sealed licenses held by an active partner, in one
// sale document. Owner only.
// Returns EFORBIDDEN for anyone else, EINVALID (field "count") for a count
// outside 1..MaxSale, ENOTFOUND (field "partner_id") when there is no such
// active partner.
func (s *Service) Sell(ctx context.Context, partnerID string, count int) (*Document, error) {
	owner, err := mypos.RequireActor(ctx, mypos.KindOwner)
	if err != nil {
		return nil, err
	}
	if _, err := s.CheckSale(ctx, partnerID, count); err != nil {
		return nil, err
	}
	var doc *Document
	err = s.inTx(ctx, func(ctx context.Context) error {
		d := newDraft(TypeSale, owner)
		d.doc.PartnerID = ptr(partnerID)
		for i := 0; i < count; i++ {
			bare, shown := newKey()
			d.addNew(&licenseRow{ID: mypos.NewID(), Key: shown, KeyNorm: bare}, Facts{Sealed: true, PartnerID: ptr(partnerID)})
		}
		var err error
		doc, err = s.write(ctx, d)
		return err
	})
	if err != nil {
		return nil, err
	}
	s.log.Info("licenses sold", "document", doc.Number, "partner", partnerID, "count", count)
	return doc, nil
}
