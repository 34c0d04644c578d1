package agent

import (
	"bytes"
	"encoding/json"
	"fmt"

	bolt "go.etcd.io/bbolt"

	"mypos/protocol"
)

// maxGroupDepth bounds the walk up a group tree: a loop in bad data must
// not hang a sale.
const maxGroupDepth = 64

// catalog reads the entities a sale needs, inside the transaction that
// stores the sale.
type catalog struct {
	ents *bolt.Bucket
	// codes and barcodes index the goods, built on the first lookup by
	// code or barcode: one scan per sale, not one per line.
	codes, barcodes map[string]string
}

func newCatalog(tx *bolt.Tx) *catalog { return &catalog{ents: tx.Bucket(bucketEntities)} }

// get returns the body of kind/id, nil when the local database has none.
func (c *catalog) get(kind, id string) []byte {
	b := c.ents.Bucket([]byte(kind))
	if b == nil {
		return nil
	}
	return b.Get([]byte(id))
}

// list returns copies of every body of a kind, in ID order.
func (c *catalog) list(kind string) []json.RawMessage {
	var out []json.RawMessage
	if b := c.ents.Bucket([]byte(kind)); b != nil {
		b.ForEach(func(_, v []byte) error {
			out = append(out, append(json.RawMessage(nil), v...)) // v lives only as long as the transaction
			return nil
		})
	}
	return out
}

// copyOf returns the body of id or of its copy for one store, "id@store":
// the cloud sends a store's devices that store's copy (discounts, prices).
// A device sees one store, so there is at most one copy.
func (c *catalog) copyOf(kind, id string) []byte {
	if body := c.get(kind, id); body != nil {
		return body
	}
	b := c.ents.Bucket([]byte(kind))
	if b == nil {
		return nil
	}
	prefix := []byte(id + "@")
	k, v := b.Cursor().Seek(prefix)
	if k == nil || !bytes.HasPrefix(k, prefix) {
		return nil
	}
	return v
}

// licensed reports whether the till holds a license.
func (c *catalog) licensed() bool {
	b := c.ents.Bucket([]byte(protocol.KindLicense))
	if b == nil {
		return false
	}
	k, _ := b.Cursor().First()
	return k != nil
}

// goodsID finds the goods a line names; "" when the local database has none.
func (c *catalog) goodsID(l SaleLineRequest) string {
	switch {
	case l.GoodsID != "":
		if c.get(protocol.KindGoods, l.GoodsID) == nil {
			return ""
		}
		return l.GoodsID
	case l.Code != "":
		c.index()
		return c.codes[l.Code]
	default:
		c.index()
		return c.barcodes[l.Barcode]
	}
}

// index maps the goods' codes and barcodes to their IDs. Codes may come
// as JSON numbers; scalarIs's reading is the one GET /v1/goods filters by.
func (c *catalog) index() {
	if c.codes != nil {
		return
	}
	c.codes, c.barcodes = map[string]string{}, map[string]string{}
	b := c.ents.Bucket([]byte(protocol.KindGoods))
	if b == nil {
		return
	}
	b.ForEach(func(k, v []byte) error {
		var g struct {
			Code     json.RawMessage   `json:"code"`
			Barcodes []json.RawMessage `json:"barcodes"`
		}
		if json.Unmarshal(v, &g) != nil {
			return nil // a body the till cannot read sells by its ID only
		}
		if code, ok := scalarText(g.Code); ok && code != "" {
			c.codes[code] = string(k)
		}
		for _, bc := range g.Barcodes {
			if s, ok := scalarText(bc); ok {
				c.barcodes[s] = string(k)
			}
		}
		return nil
	})
}

// goodsFacts is what a sale takes from a goods body.
type goodsFacts struct {
	ID      string  `json:"id"`
	Name    string  `json:"name"`
	Price   *int64  `json:"price"`
	Unit    string  `json:"unit"`
	VAT     string  `json:"vat"`
	GroupID *string `json:"group_id"`
	Active  *bool   `json:"active"`
}

// goods reads a goods the local database holds, with its price for this till.
func (c *catalog) goods(id string) (*goodsFacts, error) {
	var g goodsFacts
	if err := json.Unmarshal(c.get(protocol.KindGoods, id), &g); err != nil {
		return nil, fmt.Errorf("goods %s: %w", id, err)
	}
	g.ID = id
	price, err := c.storePrice(id)
	if err != nil {
		return nil, err
	}
	if price != nil {
		g.Price = price
	}
	return &g, nil
}

// storePrice is the price of goodsID in the till's store, nil when the
// goods sells at its own price there.
func (c *catalog) storePrice(goodsID string) (*int64, error) {
	body := c.copyOf(protocol.KindPrice, goodsID)
	if body == nil {
		return nil, nil
	}
	var p struct {
		Price *int64 `json:"price"`
	}
	if err := json.Unmarshal(body, &p); err != nil || p.Price == nil {
		return nil, fmt.Errorf("the store price of goods %s is unreadable: %s", goodsID, body)
	}
	return p.Price, nil
}

// inGroup reports whether a goods of group groupID (nil: none) is in
// target or one of its subgroups: a discount on "Dairy" covers "Dairy /
// Milk" too.
func (c *catalog) inGroup(groupID *string, target string) bool {
	id := groupID
	for range maxGroupDepth {
		if id == nil || *id == "" {
			return false
		}
		if *id == target {
			return true
		}
		var g struct {
			ParentID *string `json:"parent_id"`
		}
		if json.Unmarshal(c.get(protocol.KindGoodsGroup, *id), &g) != nil {
			return false
		}
		id = g.ParentID
	}
	return false
}

// scalarText reads a JSON string or number as text.
func scalarText(v json.RawMessage) (string, bool) {
	var s string
	if json.Unmarshal(v, &s) == nil {
		return s, true
	}
	var n json.Number
	if json.Unmarshal(v, &n) == nil {
		return n.String(), true
	}
	return "", false
}
