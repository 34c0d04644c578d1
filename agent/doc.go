// Package agent is the terminal side of MyPOS: it enrolls a till with the
// cloud, keeps it connected over MQTT, holds an offline copy of everything
// the till may see, and serves it to the POS front on a local HTTP API. It
// imports only the standard library, paho, bbolt and mypos/protocol — never
// a server package — so the till's binary carries nothing of the cloud but
// the wire contract.
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
//	agent.db      the store (bbolt): the entities, the revision, a sync's staged pages
//
// The store (store.go) keeps one bucket per entity kind, keyed by ID, with
// the body the cloud sent, so a new kind needs no agent change. One apply
// worker (worker*.go) writes it: paho's handler only decodes and enqueues,
// and the worker applies pushes and sync pages by the rules of DESIGN §5.
package agent
