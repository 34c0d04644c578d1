// What a terminal holds: the kinds of entity an Item carries and the
// operations on them. The till keeps the last state of each (kind, ID) the
// cloud sends; the body of each kind is its owner's to define (DiscountTerms
// for a discount).

package protocol

// Kinds of entity (Item.Kind).
const (
	KindCashier    = "cashier"     // a cashier allowed on the terminal
	KindStore      = "store"       // a store of the company
	KindDevice     = "device"      // the terminal's own record: its name and its store
	KindGoods      = "goods"       // a goods of the catalog
	KindGoodsGroup = "goods_group" // a goods group: parent_id makes a tree
	KindPrice      = "price"       // a store price: entity goodsID@storeID
	KindDiscount   = "discount"    // a discount: entity discountID, or discountID@storeID for one store's copy
	KindLicense    = "license"     // the license the terminal holds
)

// Operations on an entity (Item.Op).
const (
	OpUpsert = "upsert" // Body is the entity's new state, a JSON object
	OpDelete = "delete" // the terminal forgets the entity; no Body
)
