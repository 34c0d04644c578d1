// Fleet's tables and their migrations.

package fleet

import "mypos/db"

// Schema is fleet's own tables: where each device was last seen, and the
// revision it last acknowledged. Append only.
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
}}
