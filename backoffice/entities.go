// The changelog entities of per-store copies: a store price and a
// discount's copy for one store are keyed by their own ID and the store's.

package backoffice

import "strconv"

// priceEntity is the changelog entity of a store price. A device sees the
// prices of its own store only, but the log keys an entity per company, so
// the key names the store as well as the goods.
func priceEntity(storeID, goodsID string) string { return goodsID + "@" + storeID }

// discountCopy is the changelog entity of a discount's copy for one store;
// see discount_route.go.
func discountCopy(discountID, storeID string) string { return discountID + "@" + storeID }

func quote(s string) string { return strconv.Quote(s) }
