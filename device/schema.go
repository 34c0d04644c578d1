package device

import "mypos/db"

// Schema is the device tables' migrations. Append only.
//
// devices.store_id has no foreign key: stores belong to backoffice, which
// vouches for a store through Options.Stores. company_id has none either:
// it always comes from the authenticated actor. enrollment_codes keeps only
// the SHA-256 of each code; enrollment_replies keeps, for ten minutes after
// a code's first use, the secret sealed under a key derived from the
// terminal's nonce, so a retry gets the same answer and the database alone
// cannot reveal the secret.
var Schema = db.Schema{Component: "device", Migrations: []db.Migration{
	{Version: 1, Name: "devices and enrollment", Up: db.SQL(`
CREATE TABLE devices (
	id {uuid} PRIMARY KEY,
	company_id {uuid} NOT NULL,
	name TEXT NOT NULL,
	name_key TEXT NOT NULL,
	serial TEXT NOT NULL DEFAULT '',
	store_id {uuid},
	secret_hash TEXT,
	created_at {time} NOT NULL,
	enrolled_at {time},
	revoked_at {time}
)`,
		`CREATE INDEX devices_company ON devices (company_id, id)`,
		`CREATE INDEX devices_store ON devices (company_id, store_id)`, `
CREATE TABLE enrollment_codes (
	code_hash TEXT PRIMARY KEY,
	device_id {uuid} NOT NULL REFERENCES devices (id),
	created_at {time} NOT NULL,
	expires_at {time} NOT NULL,
	used_at {time}
)`,
		`CREATE INDEX enrollment_codes_device ON enrollment_codes (device_id)`, `
CREATE TABLE enrollment_replies (
	code_hash TEXT PRIMARY KEY REFERENCES enrollment_codes (code_hash),
	sealed_secret TEXT NOT NULL,
	expires_at {time} NOT NULL
)`,
		`CREATE INDEX enrollment_replies_expires ON enrollment_replies (expires_at)`,
	)},
}}
