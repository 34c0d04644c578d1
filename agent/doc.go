// Package agent is the terminal side of MyPOS: it enrolls a till with the
// cloud, keeps it connected over MQTT, holds an offline copy of everything
// the till may see, and serves it to the POS front on a local HTTP API,
// through which the till sells: receipts are priced from the local database, kept on
// disk and uploaded. It imports only the standard library, paho, bbolt,
// x/crypto/bcrypt (for PINs) and mypos/protocol — never a server package —
// so the till's binary carries nothing of the cloud but the wire contract.
//
// Everything the agent keeps lives in one data directory (mode 0700); the
// identity is one small file per fact, each written atomically, and every
// file is mode 0600:
//
//	device-id     this terminal's device ID (written last: it marks a complete identity)
//	secret        its MQTT password
//	mqtt-url      the broker the cloud named at enrollment
//	enroll-nonce  the nonce of an enrollment in progress, kept for retries
//	api-token     the local API's bearer token (256 random bits, made by run)
//	agent.db      the local database (bbolt): the entities, the revision, a sync's staged
//	              pages with the cursor to resume it from, and the till's receipts
//
// The local database (local.go) keeps one bucket per entity kind, keyed by ID, with
// the body the cloud sent, so a new kind needs no agent change. One apply
// worker (worker*.go) writes it: paho's handler only decodes and enqueues,
// and the worker applies pushes and sync pages by the rules of DESIGN §5.
//
// The files, by job:
//
//	run.go, run_ready.go,           the connection: dial, set up, reconnect;
//	session.go, broker.go             where the local API serves
//	inbox.go, worker*.go            the apply worker: pushes, syncs, commands
//	local.go, local_write.go        the local database: entities, revision, staging
//	license.go                      key entry through the worker
//	api*.go                         the local API (api.go lists every route)
//	api_goods.go, api_pin.go        goods at this till's prices; check-pin
//	api_receipts.go                 POST and GET /v1/receipts
//	receipts.go                     a sale: its request, its record, the worker's sell
//	receipts_build.go, catalog.go,  pricing a sale from what the till holds: goods, store
//	discount.go                       prices, discounts (protocol.DiscountTerms)
//	receipts_local.go               the receipt queue on disk
//	receipts_upload.go              uploading the queue: window, acks (a burst
//	                                  written at once), retries
//	api_client*.go                  the client the CLI calls the API with
//	enroll*.go, identity.go, files.go, nonce.go   enrollment and the identity
//
// A receipt is written in one bbolt transaction (fsynced on commit) before
// POST /v1/receipts answers, so a sale the front was told of survives a
// crash. It stays queued until the cloud acknowledges it (acked) or refuses
// it for good (rejected); the worker sends the queue in order, a window at
// a time, again after a timeout or a dropped link — the cloud stores a
// receipt once per device and ID, so a repeat is harmless — and syncs once
// the queue drains (DESIGN §5).
package agent
