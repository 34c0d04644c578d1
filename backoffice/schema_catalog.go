package backoffice

// catalogTables is version 2 of Schema: the catalog a till sells from.
//
// goods are deleted softly, like stores (receipts will point at them), so a
// goods' code is unique among the company's live goods only (a partial
// index) and a deleted goods frees its code and barcodes. Barcodes live in
// their own table whose key (company, barcode) is what makes a barcode
// unique across all of a company's goods. A goods group is a tree through
// parent_id; the service refuses cycles. A store price overrides the goods'
// price in one store. A discount applies to all goods, one group
// (target_group) or listed goods (discount_goods), in all stores
// (all_stores) or listed ones (discount_stores); days is a bit set of ISO
// weekdays (bit 1 Monday … bit 7 Sunday, 0 every day) and time_from/time_to
// are minutes after midnight, both NULL for all day.
var catalogTables = []string{`
CREATE TABLE goods_groups (
	id {uuid} PRIMARY KEY,
	company_id {uuid} NOT NULL,
	parent_id {uuid} REFERENCES goods_groups (id),
	name TEXT NOT NULL,
	name_key TEXT NOT NULL,
	created_at {time} NOT NULL,
	updated_at {time} NOT NULL
)`,
	`CREATE INDEX goods_groups_company ON goods_groups (company_id, id)`,
	`CREATE INDEX goods_groups_parent ON goods_groups (parent_id)`, `
CREATE TABLE goods (
	id {uuid} PRIMARY KEY,
	company_id {uuid} NOT NULL,
	code TEXT NOT NULL,
	name TEXT NOT NULL,
	name_key TEXT NOT NULL,
	price BIGINT NOT NULL,
	unit TEXT NOT NULL,
	vat TEXT NOT NULL,
	group_id {uuid} REFERENCES goods_groups (id),
	active BOOLEAN NOT NULL,
	created_at {time} NOT NULL,
	updated_at {time} NOT NULL,
	deleted_at {time}
)`,
	`CREATE INDEX goods_company ON goods (company_id, id)`,
	`CREATE UNIQUE INDEX goods_code ON goods (company_id, code) WHERE deleted_at IS NULL`,
	`CREATE INDEX goods_group ON goods (group_id)`, `
CREATE TABLE goods_barcodes (
	company_id {uuid} NOT NULL,
	barcode TEXT NOT NULL,
	goods_id {uuid} NOT NULL REFERENCES goods (id),
	PRIMARY KEY (company_id, barcode)
)`,
	`CREATE INDEX goods_barcodes_goods ON goods_barcodes (goods_id)`, `
CREATE TABLE store_prices (
	store_id {uuid} NOT NULL REFERENCES stores (id),
	goods_id {uuid} NOT NULL REFERENCES goods (id),
	company_id {uuid} NOT NULL,
	price BIGINT NOT NULL,
	updated_at {time} NOT NULL,
	PRIMARY KEY (store_id, goods_id)
)`,
	`CREATE INDEX store_prices_goods ON store_prices (goods_id)`, `
CREATE TABLE discounts (
	id {uuid} PRIMARY KEY,
	company_id {uuid} NOT NULL,
	name TEXT NOT NULL,
	name_key TEXT NOT NULL,
	kind TEXT NOT NULL,
	value BIGINT NOT NULL,
	target TEXT NOT NULL,
	target_group {uuid} REFERENCES goods_groups (id),
	all_stores BOOLEAN NOT NULL,
	starts_at {time},
	ends_at {time},
	days INTEGER NOT NULL,
	time_from INTEGER,
	time_to INTEGER,
	active BOOLEAN NOT NULL,
	created_at {time} NOT NULL,
	updated_at {time} NOT NULL
)`,
	`CREATE INDEX discounts_company ON discounts (company_id, id)`,
	`CREATE INDEX discounts_group ON discounts (target_group)`, `
CREATE TABLE discount_goods (
	discount_id {uuid} NOT NULL REFERENCES discounts (id) ON DELETE CASCADE,
	goods_id {uuid} NOT NULL REFERENCES goods (id),
	PRIMARY KEY (discount_id, goods_id)
)`,
	`CREATE INDEX discount_goods_goods ON discount_goods (goods_id)`, `
CREATE TABLE discount_stores (
	discount_id {uuid} NOT NULL REFERENCES discounts (id) ON DELETE CASCADE,
	store_id {uuid} NOT NULL REFERENCES stores (id),
	PRIMARY KEY (discount_id, store_id)
)`,
	`CREATE INDEX discount_stores_store ON discount_stores (store_id)`,
}
