package agent

import (
	"encoding/json"
	"net/http"
)

// goods serves the catalog, or the goods with ?code= and/or ?barcode=,
// each at its price on this till: "price" is the store's price when the
// till's store has one, the goods' own otherwise, which "base_price"
// keeps. A sale is priced the same way (catalog.goods).
func (a *api) goods(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	var keep []func(fields) bool
	if q.Has("code") {
		code := q.Get("code")
		keep = append(keep, func(f fields) bool { return scalarIs(f["code"], code) })
	}
	if q.Has("barcode") {
		barcode := q.Get("barcode")
		keep = append(keep, func(f fields) bool { return listHas(f["barcodes"], barcode) })
	}
	bodies, prices, err := a.local.goodsWithPrices()
	if err != nil {
		a.internal(w, err)
		return
	}
	a.serveBodies(w, bodies, keep, func(f fields) {
		var id string
		json.Unmarshal(f["id"], &id)
		if own, ok := f["price"]; ok {
			f["base_price"] = own
		}
		if p, ok := prices[id]; ok {
			f["price"] = p
		}
	})
}
