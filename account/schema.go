package account

import (
	"gorm.io/gorm"

	"mypos/db"
)

// Schema is the account tables' migrations. Append only.
var Schema = db.Schema{Component: "account", Migrations: []db.Migration{
	{Version: 1, Name: "accounts", Up: db.SQL(`
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
	{Version: 2, Name: "sessions", Up: db.SQL(`
CREATE TABLE sessions (
	token_hash TEXT PRIMARY KEY,
	account_id {uuid} NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
	via TEXT NOT NULL,
	created_at {time} NOT NULL,
	expires_at {time} NOT NULL
)`,
		`CREATE INDEX sessions_account ON sessions (account_id)`,
	)},
	{Version: 3, Name: "login tickets", Up: db.SQL(`
CREATE TABLE login_tickets (
	ticket_hash TEXT PRIMARY KEY,
	account_ids TEXT NOT NULL,
	expires_at {time} NOT NULL
)`)},
	{Version: 4, Name: "partner links", Up: db.SQL(`
CREATE TABLE link_requests (
	id {uuid} PRIMARY KEY,
	company_id {uuid} NOT NULL REFERENCES accounts (id),
	partner_id {uuid} NOT NULL REFERENCES accounts (id),
	status TEXT NOT NULL,
	created_at {time} NOT NULL,
	decided_at {time},
	ended_at {time}
)`,
		// A company has at most one pending request and at most one partner:
		// unique indexes, not conventions, so concurrent requests cannot
		// break the rule. Both databases support partial indexes.
		`CREATE UNIQUE INDEX link_requests_pending ON link_requests (company_id) WHERE status = 'pending'`,
		`CREATE UNIQUE INDEX link_requests_linked ON link_requests (company_id) WHERE status = 'accepted'`,
		`CREATE INDEX link_requests_company ON link_requests (company_id, id)`,
		`CREATE INDEX link_requests_partner ON link_requests (partner_id, status, id)`,
	)},
	// The key of device proofs (devices.go), made here once, so every node
	// shares it and it outlives restarts.
	{Version: 5, Name: "device key", Up: func(tx *gorm.DB, dialect string) error {
		if err := db.SQL(`CREATE TABLE server_keys (name TEXT PRIMARY KEY, secret TEXT NOT NULL)`)(tx, dialect); err != nil {
			return err
		}
		secret, _ := newSecret()
		return tx.Exec("INSERT INTO server_keys (name, secret) VALUES (?, ?)", deviceKeyName, secret).Error
	}},
	// The zone a company's pages show times in (settings.go); '' is Moscow.
	{Version: 6, Name: "time zone", Up: db.SQL(`ALTER TABLE accounts ADD COLUMN time_zone TEXT NOT NULL DEFAULT ''`)},
}}
