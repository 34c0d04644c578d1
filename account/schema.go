package account

import "mypos/store"

// Schema is the account tables' migrations. Append only.
var Schema = store.Schema{Component: "account", Migrations: []store.Migration{
	{Version: 1, Name: "accounts", Up: store.SQL(`
CREATE TABLE accounts (
	id {uuid} PRIMARY KEY,
	kind TEXT NOT NULL,
	email TEXT NOT NULL,
	email_key TEXT NOT NULL,
	password_hash TEXT NOT NULL,
	name TEXT NOT NULL,
	name_key TEXT NOT NULL,
	inn TEXT NOT NULL DEFAULT '',
	city TEXT NOT NULL DEFAULT '',
	code TEXT,
	status TEXT NOT NULL,
	created_at {time} NOT NULL,
	approved_at {time}
)`,
		`CREATE UNIQUE INDEX accounts_kind_email ON accounts (kind, email_key)`,
		`CREATE UNIQUE INDEX accounts_code ON accounts (code)`,
		`CREATE INDEX accounts_email ON accounts (email_key)`,
	)},
	{Version: 2, Name: "sessions", Up: store.SQL(`
CREATE TABLE sessions (
	token_hash TEXT PRIMARY KEY,
	account_id {uuid} NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
	via TEXT NOT NULL,
	created_at {time} NOT NULL,
	expires_at {time} NOT NULL
)`,
		`CREATE INDEX sessions_account ON sessions (account_id)`,
	)},
	{Version: 3, Name: "login tickets", Up: store.SQL(`
CREATE TABLE login_tickets (
	ticket_hash TEXT PRIMARY KEY,
	account_ids TEXT NOT NULL,
	expires_at {time} NOT NULL
)`)},
}}
