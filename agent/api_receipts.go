package agent

import (
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
)

// maxSaleBody bounds POST /v1/receipts. A body this large could never fit
// one upload (protocol.MaxMessageSize), so it is refused as too large
// without being read further.
const maxSaleBody = 256 << 10

// Bounds of GET /v1/receipts.
const (
	defaultReceiptList = 50
	maxReceiptList     = 1000
)

// postReceipt registers a sale: 201 with the stored receipt, or 200 with
// it when the request repeats one already registered under its id. It
// answers only once the receipt is on disk; refusals change nothing (see
// buildReceipt for the codes).
func (a *api) postReceipt(w http.ResponseWriter, r *http.Request) {
	req, err := decodeSale(w, r)
	if err != nil {
		a.refuse(w, err)
		return
	}
	reply := make(chan sold, 1)
	if !a.worker.do(func() { reply <- a.worker.sell(req) }) {
		writeError(w, http.StatusServiceUnavailable, codeStopping, "the agent is stopping")
		return
	}
	res := <-reply // a task the worker took runs to its end
	switch {
	case res.err != nil:
		a.refuse(w, res.err)
	case res.created:
		writeJSON(w, http.StatusCreated, res.receipt)
	default:
		writeJSON(w, http.StatusOK, res.receipt)
	}
}

// decodeSale reads and checks a sale request.
func decodeSale(w http.ResponseWriter, r *http.Request) (*SaleRequest, error) {
	var req SaleRequest
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxSaleBody))
	dec.DisallowUnknownFields()
	err := dec.Decode(&req)
	var tooLarge *http.MaxBytesError
	switch {
	case errors.As(err, &tooLarge):
		return nil, deny(http.StatusRequestEntityTooLarge, codeTooLarge, "a request has at most %d bytes: split the receipt", maxSaleBody)
	case err != nil:
		return nil, badRequest(`send {"cashier_id", "payment": "cash"|"card", "lines": [{"goods_id"|"code"|"barcode", "quantity" (thousandths), "discount_id"?}], "id"?, "total"?}: %v`, err)
	}
	return &req, req.check()
}

// refuse answers a refusal with its status and code; any other error is
// the agent's own failure.
func (a *api) refuse(w http.ResponseWriter, err error) {
	var rf *refusal
	if errors.As(err, &rf) {
		writeError(w, rf.status, rf.code, rf.message)
		return
	}
	a.internal(w, err)
}

// receipts lists the receipts the till holds, newest first:
// ?state=queued|acked|rejected narrows the list, ?limit= bounds it.
func (a *api) receipts(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	state := q.Get("state")
	if _, ok := stateBuckets[state]; state != "" && !ok {
		writeError(w, http.StatusBadRequest, codeBadRequest, "state is queued, acked or rejected")
		return
	}
	limit := defaultReceiptList
	if q.Has("limit") {
		n, err := strconv.Atoi(q.Get("limit"))
		if err != nil || n < 1 || n > maxReceiptList {
			writeError(w, http.StatusBadRequest, codeBadRequest, "limit is 1 to "+strconv.Itoa(maxReceiptList))
			return
		}
		limit = n
	}
	list, err := a.local.Receipts(state, limit)
	if err != nil {
		a.internal(w, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string][]Receipt{"items": list})
}
