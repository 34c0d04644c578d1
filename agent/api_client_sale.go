package agent

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
)

// Sell registers a sale on the till. created is false when the request
// repeated a receipt already registered under its ID. Returns an
// *APIError for a refusal: "license_required", "unknown_cashier",
// "unknown_goods", "bad_goods", "bad_discount", "total_mismatch",
// "too_large", "conflict", "bad_request".
func (c *APIClient) Sell(ctx context.Context, req *SaleRequest) (r *Receipt, created bool, err error) {
	r = &Receipt{}
	status, err := c.call(ctx, http.MethodPost, "/v1/receipts", req, r)
	return r, status == http.StatusCreated, err
}

// Receipts lists the till's receipts, newest first; state "" is all of
// them, limit 0 the API's default.
func (c *APIClient) Receipts(ctx context.Context, state string, limit int) ([]Receipt, error) {
	q := url.Values{}
	if state != "" {
		q.Set("state", state)
	}
	if limit > 0 {
		q.Set("limit", strconv.Itoa(limit))
	}
	var out struct {
		Items []Receipt `json:"items"`
	}
	return out.Items, c.do(ctx, http.MethodGet, "/v1/receipts?"+q.Encode(), nil, &out)
}

// Cashiers lists the cashiers allowed on the till, as the cloud sent
// them (PIN hashes left out).
func (c *APIClient) Cashiers(ctx context.Context) ([]json.RawMessage, error) {
	return c.list(ctx, "/v1/cashiers")
}

// Goods lists the till's goods at their prices here; a code or barcode
// other than "" narrows the list to the goods that have it.
func (c *APIClient) Goods(ctx context.Context, code, barcode string) ([]json.RawMessage, error) {
	q := url.Values{}
	if code != "" {
		q.Set("code", code)
	}
	if barcode != "" {
		q.Set("barcode", barcode)
	}
	return c.list(ctx, "/v1/goods?"+q.Encode())
}

// CheckPIN says whether pin is the cashier's. Returns an *APIError with
// code "unknown_cashier" or "rate_limited".
func (c *APIClient) CheckPIN(ctx context.Context, cashierID, pin string) (bool, error) {
	var out struct {
		Allowed bool `json:"allowed"`
	}
	err := c.do(ctx, http.MethodPost, "/v1/cashiers/"+url.PathEscape(cashierID)+"/check-pin", map[string]string{"pin": pin}, &out)
	return out.Allowed, err
}

func (c *APIClient) list(ctx context.Context, path string) ([]json.RawMessage, error) {
	var out list
	return out.Items, c.do(ctx, http.MethodGet, path, nil, &out)
}
