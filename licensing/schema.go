package licensing

import "mypos/db"

// Schema is the licensing tables' migrations. Append only.
//
// licenses holds each license's current facts — sealed, holder (a partner
// or a company, never both: a CHECK), device — and its key: in clear, as a
// person reads it, because the holder of an unsealed key must see it again;
// key_norm is the bare form lookups use. device_id is UNIQUE: a device
// carries at most one license, and NULLs (no device) never collide on
// either database. It has no foreign key: devices belong to the device
// package, which vouches for a device through its service.
//
// license_documents and license_document_lines are the append-only record
// every fact change goes through: numbered from the one row of
// license_counter, gapless because the row is incremented in the writer's
// transaction. Each line keeps the facts before and after, so a replay can
// rebuild every license from the documents alone. A line's foreign key to
// its document is checked at commit: lines are written before the document
// is numbered, to hold the counter for as short a time as possible.
//
// Version 2 indexes the lines by the devices they put a license on or took
// it off, for the history of which device held a license when (HeldAt).
var Schema = db.Schema{Component: "licensing", Migrations: []db.Migration{
	{Version: 1, Name: "licenses and documents", Up: db.SQL(`
CREATE TABLE licenses (
	id {uuid} PRIMARY KEY,
	key TEXT NOT NULL,
	key_norm TEXT NOT NULL,
	sealed BOOLEAN NOT NULL,
	partner_id {uuid},
	company_id {uuid},
	device_id {uuid},
	licensee_name TEXT,
	licensee_inn TEXT,
	licensee_email TEXT,
	created_at {time} NOT NULL,
	updated_at {time} NOT NULL,
	CHECK ((partner_id IS NULL) <> (company_id IS NULL)),
	CHECK (device_id IS NULL OR company_id IS NOT NULL)
)`,
		`CREATE UNIQUE INDEX licenses_key ON licenses (key_norm)`,
		`CREATE UNIQUE INDEX licenses_device ON licenses (device_id)`,
		`CREATE INDEX licenses_partner ON licenses (partner_id, id)`,
		`CREATE INDEX licenses_company ON licenses (company_id, id)`, `
CREATE TABLE license_counter (
	id INTEGER PRIMARY KEY,
	last BIGINT NOT NULL
)`,
		`INSERT INTO license_counter (id, last) VALUES (1, 0)`, `
CREATE TABLE license_documents (
	id {uuid} PRIMARY KEY,
	number BIGINT NOT NULL,
	type TEXT NOT NULL,
	created_at {time} NOT NULL,
	author_kind TEXT NOT NULL,
	author_id {uuid} NOT NULL,
	partner_id {uuid},
	company_id {uuid},
	device_id {uuid},
	licensee_name TEXT,
	licensee_inn TEXT,
	licensee_email TEXT
)`,
		`CREATE UNIQUE INDEX license_documents_number ON license_documents (number)`,
		`CREATE INDEX license_documents_partner ON license_documents (partner_id, id)`,
		`CREATE INDEX license_documents_company ON license_documents (company_id, id)`, `
CREATE TABLE license_document_lines (
	document_id {uuid} NOT NULL REFERENCES license_documents (id) DEFERRABLE INITIALLY DEFERRED,
	line INTEGER NOT NULL,
	license_id {uuid} NOT NULL REFERENCES licenses (id),
	from_exists BOOLEAN NOT NULL,
	from_sealed BOOLEAN NOT NULL,
	from_partner_id {uuid},
	from_company_id {uuid},
	from_device_id {uuid},
	to_sealed BOOLEAN NOT NULL,
	to_partner_id {uuid},
	to_company_id {uuid},
	to_device_id {uuid},
	PRIMARY KEY (document_id, line)
)`,
		`CREATE INDEX license_document_lines_license ON license_document_lines (license_id, document_id)`,
	)},
	{Version: 2, Name: "document lines by device", Up: db.SQL(
		`CREATE INDEX license_document_lines_to_device ON license_document_lines (to_device_id)`,
		`CREATE INDEX license_document_lines_from_device ON license_document_lines (from_device_id)`,
	)},
}}
