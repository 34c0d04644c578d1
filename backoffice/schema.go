package backoffice

import "mypos/db"

// Schema is the backoffice tables' migrations. Append only: version 2,
// the catalog (goods, groups, store prices, discounts), is described in
// schema_catalog.go.
//
// Stores are deleted softly (deleted_at): receipts will keep pointing at the
// store they were sold in. A cashier is deleted outright; its device set
// goes with it. name_key is the name lower-cased in Go, for search.
// cashier_devices.device_id does not reference devices: that table is the
// device package's, and the service checks ownership through it instead.
//
// Version 3 remembers whose the cashiers and discounts deleted outright
// were (deleted_ids), so a receipt a till sold offline before it heard of
// a deletion is still the company's (see Owners). It starts with the
// deletions the changelog still holds; a discount whose stores changed
// appears there too, harmlessly: its company is the same.
//
// Version 4 indexes the suffixes of live goods' names for search
// (goods_grams; see goods_search.go), filled for the goods already there.
var Schema = db.Schema{Component: "backoffice", Migrations: []db.Migration{
	{Version: 1, Name: "stores and cashiers", Up: db.SQL(`
CREATE TABLE stores (
	id {uuid} PRIMARY KEY,
	company_id {uuid} NOT NULL,
	name TEXT NOT NULL,
	name_key TEXT NOT NULL,
	address TEXT NOT NULL DEFAULT '',
	created_at {time} NOT NULL,
	deleted_at {time}
)`,
		`CREATE INDEX stores_company ON stores (company_id, id)`, `
CREATE TABLE cashiers (
	id {uuid} PRIMARY KEY,
	company_id {uuid} NOT NULL,
	name TEXT NOT NULL,
	name_key TEXT NOT NULL,
	pin_hash TEXT NOT NULL,
	role TEXT NOT NULL,
	active BOOLEAN NOT NULL,
	created_at {time} NOT NULL,
	updated_at {time} NOT NULL
)`,
		`CREATE INDEX cashiers_company ON cashiers (company_id, id)`, `
CREATE TABLE cashier_devices (
	cashier_id {uuid} NOT NULL REFERENCES cashiers (id) ON DELETE CASCADE,
	device_id {uuid} NOT NULL,
	PRIMARY KEY (cashier_id, device_id)
)`,
		`CREATE INDEX cashier_devices_device ON cashier_devices (device_id)`,
	)},
	{Version: 2, Name: "goods, groups, store prices and discounts", Up: db.SQL(catalogTables...)},
	{Version: 3, Name: "deleted cashiers and discounts", Up: db.SQL(`
CREATE TABLE deleted_ids (
	id {uuid} PRIMARY KEY,
	kind TEXT NOT NULL,
	company_id {uuid} NOT NULL,
	deleted_at {time} NOT NULL
)`, `
INSERT INTO deleted_ids (id, kind, company_id, deleted_at)
SELECT CAST(substr(entity, 1, 36) AS {uuid}), kind, company_id, MAX(created_at) FROM changes
WHERE op = 'delete' AND kind IN ('cashier', 'discount')
GROUP BY substr(entity, 1, 36), kind, company_id`,
	)},
	{Version: 4, Name: "goods name search", Up: gramsUp},
}}
