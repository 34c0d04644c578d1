package sales

import "mypos/db"

// Schema is the sales tables' migrations. Append only.
//
// A receipt is the till's: its key is the device and the UUID the till made
// when it punched it, so an upload repeated after a crash or a lost ack
// finds the row already there (ON CONFLICT DO NOTHING) and is stored once.
// company_id and store_id are where the device stood when the receipt
// arrived; they are not references — the devices and stores tables are
// other packages' and a receipt outlives a deleted store or device.
// day is the till's local date (protocol.Sale.Day), the day a summary
// counts the receipt in; punched_at is the same moment in UTC, for order,
// and utc_offset the till's offset then, to show its local time.
// body keeps the whole sale and its computed totals, as a receipt is shown.
// Version 2 marks the receipts sold without a license (unlicensed), and
// indexes them by device for the partner's board, which counts them.
// Version 3 covers the summary's columns with an index.
var Schema = db.Schema{Component: "sales", Migrations: []db.Migration{
	{Version: 1, Name: "receipts", Up: db.SQL(`
CREATE TABLE receipts (
	device_id {uuid} NOT NULL,
	id {uuid} NOT NULL,
	company_id {uuid} NOT NULL,
	store_id {uuid},
	cashier_id TEXT NOT NULL,
	number BIGINT NOT NULL CHECK (number >= 1),
	punched_at {time} NOT NULL,
	utc_offset INTEGER NOT NULL,
	day TEXT NOT NULL CHECK (length(day) = 10),
	payment TEXT NOT NULL,
	total BIGINT NOT NULL CHECK (total >= 0),
	discount BIGINT NOT NULL CHECK (discount >= 0),
	vat BIGINT NOT NULL CHECK (vat >= 0),
	lines INTEGER NOT NULL CHECK (lines >= 1),
	body {json} NOT NULL,
	received_at {time} NOT NULL,
	PRIMARY KEY (device_id, id)
)`,
		// The list's order, newest first, scanned backwards.
		`CREATE INDEX receipts_company_order ON receipts (company_id, punched_at, device_id, id)`,
		// The summary's range of days.
		`CREATE INDEX receipts_company_day ON receipts (company_id, day)`,
		// One receipt by its ID, as the cabinet links it.
		`CREATE INDEX receipts_company_id ON receipts (company_id, id)`,
	)},
	{Version: 2, Name: "unlicensed receipts", Up: db.SQL(
		`ALTER TABLE receipts ADD COLUMN unlicensed BOOLEAN NOT NULL DEFAULT FALSE`,
		`CREATE INDEX receipts_unlicensed ON receipts (device_id, day) WHERE unlicensed`,
	)},
	{Version: 3, Name: "summary index", Up: db.SQL(
		// The summary reads a period from the index alone, in the order it
		// groups by: a month of 50 tills is 450 000 rows.
		`CREATE INDEX receipts_company_sums ON receipts (company_id, day, store_id, cashier_id, total, discount, vat)`,
	)},
}}
