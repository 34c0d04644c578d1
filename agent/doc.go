// Package agent is the terminal side of MyPOS: it enrolls a till with the
// cloud and keeps it connected over MQTT. It imports only the standard
// library, paho and mypos/protocol — never a server package — so the till's
// binary carries nothing of the cloud but the wire contract.
//
// Everything the agent keeps lives in one data directory (mode 0700), one
// small file per fact, each written atomically (mode 0600):
//
//	device-id     this terminal's device ID (written last: it marks a complete identity)
//	secret        its MQTT password
//	mqtt-url      the broker the cloud named at enrollment
//	enroll-nonce  the nonce of an enrollment in progress, kept for retries
//	revision      the company revision this terminal holds (absent: 0)
package agent
