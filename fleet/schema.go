package fleet

import "mypos/store"

// Schema is fleet's own tables: where each device was last seen, and the
// revision it last acknowledged. Append only.
var Schema = store.Schema{Component: "fleet", Migrations: []store.Migration{
	{Version: 1, Name: "presence", Up: store.SQL(`
CREATE TABLE device_presence (
	device_id {uuid} PRIMARY KEY,
	online BOOLEAN NOT NULL,
	conn_seq BIGINT NOT NULL,
	node TEXT NOT NULL,
	since {time} NOT NULL,
	last_seen {time} NOT NULL
)`)},
	{Version: 2, Name: "acknowledged revisions", Up: store.SQL(`
CREATE TABLE device_sync (
	device_id {uuid} PRIMARY KEY,
	company_id {uuid} NOT NULL,
	acked_rev BIGINT NOT NULL,
	acked_at {time} NOT NULL
)`)},
}}
