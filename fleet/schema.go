// Fleet's tables and their migrations.

package fleet

import "mypos/db"

// Schema is fleet's own tables: where each device was last seen, the
// revision it last acknowledged and the agent version it said hello with.
// Append only.
var Schema = db.Schema{Component: "fleet", Migrations: []db.Migration{
	{Version: 1, Name: "presence", Up: db.SQL(`
CREATE TABLE device_presence (
	device_id {uuid} PRIMARY KEY,
	online BOOLEAN NOT NULL,
	conn_seq BIGINT NOT NULL,
	node TEXT NOT NULL,
	since {time} NOT NULL,
	last_seen {time} NOT NULL
)`)},
	{Version: 2, Name: "acknowledged revisions", Up: db.SQL(`
CREATE TABLE device_sync (
	device_id {uuid} PRIMARY KEY,
	company_id {uuid} NOT NULL,
	acked_rev BIGINT NOT NULL,
	acked_at {time} NOT NULL
)`)},
	// The version rides on the acknowledged revision's row: it is written
	// in the same batches, so a connect storm costs no write of its own.
	{Version: 3, Name: "agent version", Up: db.SQL(`
ALTER TABLE device_sync ADD COLUMN agent TEXT NOT NULL DEFAULT ''`)},
}}
