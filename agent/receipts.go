package agent

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"

	"mypos/protocol"
)

// States of a receipt on the till. A receipt is queued from the moment it
// is stored until the cloud answers it: acked (stored there) or rejected
// (refused for good, kept here to be seen). Being in flight is not a
// state: it lives in the worker's memory and dies with the connection.
const (
	ReceiptQueued   = "queued"
	ReceiptAcked    = "acked"
	ReceiptRejected = "rejected"
)

// SaleRequest is the body of POST /v1/receipts: what the POS front rang
// up. Prices, names, units and VAT are never taken from it — they come
// from the till's store — so a front cannot sell at a price of its own.
type SaleRequest struct {
	// ID is a UUID the front chose, so that a retry after a lost answer
	// finds the receipt instead of registering a second one; "" gets a
	// fresh one.
	ID        string            `json:"id,omitempty"`
	CashierID string            `json:"cashier_id"`
	Payment   string            `json:"payment"` // protocol.PaymentCash or PaymentCard
	Lines     []SaleLineRequest `json:"lines"`
	// Total is the total the front displayed, in kopecks; when set, a
	// receipt that adds up otherwise is refused (total_mismatch).
	Total *int64 `json:"total,omitempty"`
}

// SaleLineRequest is one line: the goods by exactly one of its ID, code or
// barcode, a quantity in thousandths (3 pieces: 3000; 1.234 kg: 1234), and
// optionally a discount by ID.
type SaleLineRequest struct {
	GoodsID    string `json:"goods_id,omitempty"`
	Code       string `json:"code,omitempty"`
	Barcode    string `json:"barcode,omitempty"`
	Quantity   int64  `json:"quantity"`
	DiscountID string `json:"discount_id,omitempty"`
}

// Receipt is a receipt as the till holds it: the sale it uploads, its
// arithmetic, and where it stands.
type Receipt struct {
	Sale   protocol.Sale   `json:"receipt"`
	Totals protocol.Totals `json:"totals"`
	State  string          `json:"state"`
	// Code and Message are the cloud's reasons for a rejection.
	Code    string `json:"code,omitempty"`
	Message string `json:"message,omitempty"`
	// StateAt is when the receipt entered its state.
	StateAt time.Time `json:"state_at"`
}

// receiptRecord is a receipt as stored: the API's view, its place in the
// queue, and the fingerprint of the request that made it, which tells a
// retry from a different sale under the same ID.
type receiptRecord struct {
	Receipt
	Seq         uint64 `json:"seq"`
	Fingerprint string `json:"fingerprint"`
}

// refusal is a request the till refuses, with the HTTP status and the
// code the local API answers; nothing was written.
type refusal struct {
	status  int
	code    string
	message string
}

func (r *refusal) Error() string { return r.code + ": " + r.message }

func deny(status int, code, format string, args ...any) *refusal {
	return &refusal{status: status, code: code, message: fmt.Sprintf(format, args...)}
}

func badRequest(format string, args ...any) *refusal {
	return deny(http.StatusBadRequest, codeBadRequest, format, args...)
}

// check refuses a request whose fields are wrong whatever the local database
// holds; it lower-cases the ID, so a retry in either case is the same
// receipt.
func (req *SaleRequest) check() error {
	req.ID = strings.ToLower(req.ID)
	switch {
	case req.ID != "" && !protocol.ValidID(req.ID):
		return badRequest("id must be a UUID (e.g. 0190c0de-0000-7000-8000-000000000001), or left out")
	case req.CashierID == "":
		return badRequest("cashier_id is required")
	case req.Payment != protocol.PaymentCash && req.Payment != protocol.PaymentCard:
		return badRequest("payment is %q or %q", protocol.PaymentCash, protocol.PaymentCard)
	case len(req.Lines) == 0:
		return badRequest("a receipt has at least one line")
	case len(req.Lines) > protocol.MaxLines:
		return deny(http.StatusRequestEntityTooLarge, codeTooLarge, "a receipt has at most %d lines: split it", protocol.MaxLines)
	case req.Total != nil && *req.Total < 0:
		return badRequest("total is kopecks, not negative")
	}
	for i, l := range req.Lines {
		if err := l.check(i + 1); err != nil {
			return err
		}
	}
	return nil
}

func (l SaleLineRequest) check(n int) error {
	refs := 0
	for _, ref := range []string{l.GoodsID, l.Code, l.Barcode} {
		if ref != "" {
			refs++
		}
	}
	switch {
	case refs != 1:
		return badRequest("line %d: name the goods by exactly one of goods_id, code or barcode", n)
	case l.Quantity < 1 || l.Quantity > protocol.MaxQuantity:
		return badRequest("line %d: quantity is in thousandths (3 pieces: 3000, 1.234 kg: 1234), 1 to %d", n, int64(protocol.MaxQuantity))
	}
	return nil
}

// fingerprint sums what the request asks for, its ID aside: a retry of
// the same request sums the same.
func (req SaleRequest) fingerprint() string {
	req.ID = ""
	b, _ := json.Marshal(req) // plain fields always marshal
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// sold is the outcome of a sale for the local API.
type sold struct {
	receipt Receipt
	created bool // false: the request repeated a receipt already stored
	err     error
}

// sell registers a sale (see Store.addReceipt) and, online, sends it at
// once. Called on the worker's goroutine: the worker is the local database's one
// writer, so the catalog a sale is priced from cannot change under it.
func (w *worker) sell(req *SaleRequest) sold {
	id := req.ID
	if id == "" {
		id = protocol.NewID()
	}
	at := w.now().Local().Truncate(time.Millisecond)
	rec, created, err := w.local.addReceipt(id, req.fingerprint(), func(c *catalog, number int64) (*receiptRecord, error) {
		return buildReceipt(c, req, id, number, at)
	})
	if err != nil {
		return sold{err: err}
	}
	if created {
		w.log.Info("receipt registered", "id", id, "number", rec.Sale.Number, "total", rec.Sale.Total, "lines", len(rec.Sale.Lines))
		w.pumpReceipts()
	}
	return sold{receipt: rec.Receipt, created: created}
}
