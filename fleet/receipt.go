// Receipts from tills: handed to the sales ingester with where the device
// stands, and answered with a receipt_ack or a refusal once written.

package fleet

import (
	"context"

	"mypos"
	"mypos/device"
	"mypos/protocol"
	"mypos/sales"
)

// Receipts stores the receipts terminals upload: a sale of a device, of
// its company and standing in its store ("" for none), as fleet knows
// them. sales.Ingester implements it. Submit must not block: it runs on an
// uplink worker.
type Receipts interface {
	Submit(companyID, deviceID, storeID string, sale protocol.Sale, done func(sales.Outcome)) error
}

// Results of an uploaded receipt, as counted.
const (
	receiptStored    = "stored"
	receiptDuplicate = "duplicate"
	receiptRefused   = "refused"
)

// receipt hands an uploaded receipt to the ingester with where its device
// stands, and answers once it is written: a receipt_ack with the receipt's
// ID — for one stored before too, since its first ack was lost — or an
// error with its ID. A receipt the ingester cannot take now (its queue is
// full) is refused with rate_limited; one it can never store — refused as
// it is submitted (an implausible time, IDs the cloud never gave out) or
// by its batch's checks (a cashier, goods or discount not of the device's
// company) — with bad_field, the code a till takes as final, as for a
// receipt protocol refuses.
func (f *Fleet) receipt(ctx context.Context, deviceID string, msg *protocol.ReceiptUpload) error {
	err := f.submitReceipt(ctx, deviceID, msg)
	if err != nil {
		f.metrics.receipts.WithLabelValues(receiptRefused).Inc()
	}
	return final(err)
}

// final gives a refusal for good the code a till keeps a receipt rejected
// on, bad_field; other errors keep theirs, and the till uploads again.
func final(err error) error {
	if mypos.ErrorCode(err) == mypos.EINVALID {
		return &mypos.Error{Code: protocol.CodeBadField, Field: mypos.ErrorField(err), Message: mypos.ErrorMessage(err)}
	}
	return err
}

func (f *Fleet) submitReceipt(ctx context.Context, deviceID string, msg *protocol.ReceiptUpload) error {
	loc, err := f.locate(ctx, deviceID)
	if err != nil {
		return err
	}
	return f.cfg.Receipts.Submit(loc.CompanyID, deviceID, loc.StoreID, msg.Receipt, func(o sales.Outcome) { f.receiptWritten(deviceID, msg.ID, o) })
}

// receiptWritten answers the device once the ingester wrote its receipt
// or failed to: on a failure for now the till uploads the receipt again,
// on one for good (bad_field) it keeps it rejected. A receipt stored as
// sold without a license is acknowledged like any other — the money is
// the company's — and counted apart.
func (f *Fleet) receiptWritten(deviceID, id string, o sales.Outcome) {
	var answer protocol.Message = &protocol.ReceiptAck{Header: protocol.Header{ID: id}, ReceiptID: id}
	result := receiptStored
	switch {
	case o.Err != nil:
		result = receiptRefused
		err := final(o.Err)
		answer = &protocol.Error{Header: protocol.Header{ID: id}, Code: mypos.ErrorCode(err), Message: mypos.ErrorMessage(err)}
	case o.Duplicate:
		result = receiptDuplicate
	case o.Unlicensed:
		f.metrics.unlicensed.Inc()
	}
	f.metrics.receipts.WithLabelValues(result).Inc()
	if err := f.reply(deviceID, answer); err != nil {
		f.log.Warn("answer a receipt", "device", deviceID, "receipt", id, "error", err)
	}
}

// locate is where the device stands: its session's company and store
// when it is connected to this node, else the devices' record.
func (f *Fleet) locate(ctx context.Context, deviceID string) (device.Location, error) {
	if s := f.sessions.get(deviceID); s != nil {
		s.mu.Lock()
		defer s.mu.Unlock()
		return device.Location{CompanyID: s.companyID, StoreID: s.view.StoreID}, nil
	}
	return f.devices.Locate(ctx, deviceID)
}
