package changelog

import "mypos/db"

// Schema is the changelog's tables. Append only.
//
// changelog_heads holds each company's revision counter: incremented in the
// writer's transaction, so revisions are gapless and a rollback uses none.
// changes is the immutable log, keyed (company, rev). changelog_state keeps
// every live entity's last change, so a full snapshot needs neither the
// whole log (it is pruned) nor any domain package.
var Schema = db.Schema{Component: "changelog", Migrations: []db.Migration{
	{Version: 1, Name: "heads, changes and state", Up: db.SQL(`
CREATE TABLE changelog_heads (
	company_id {uuid} PRIMARY KEY,
	rev BIGINT NOT NULL
)`, `
CREATE TABLE changes (
	company_id {uuid} NOT NULL,
	rev BIGINT NOT NULL,
	kind TEXT NOT NULL,
	entity TEXT NOT NULL,
	op TEXT NOT NULL,
	body {json},
	scope TEXT NOT NULL,
	prev_scope TEXT,
	created_at {time} NOT NULL,
	PRIMARY KEY (company_id, rev)
)`,
		`CREATE INDEX changes_created ON changes (created_at)`, `
CREATE TABLE changelog_state (
	company_id {uuid} NOT NULL,
	kind TEXT NOT NULL,
	entity TEXT NOT NULL,
	rev BIGINT NOT NULL,
	scope TEXT NOT NULL,
	scope_kind TEXT NOT NULL,
	scope_store TEXT,
	body {json} NOT NULL,
	PRIMARY KEY (company_id, kind, entity)
)`,
	)},
}}
