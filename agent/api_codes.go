// The codes of the local API's refusals, each declared once. They are the
// till's own contract with the POS front, not the wire: the front never
// speaks to the cloud. A key entry's refusal passes the cloud's code
// through (refusalStatus), so the local codes that are the same words are
// protocol's, and mean the same.

package agent

import "mypos/protocol"

// Refusals of the request itself.
const (
	codeBadRequest       = "bad_request"            // a body or parameter that does not parse
	codeTooLarge         = protocol.CodeTooLarge    // a body or receipt over its bound
	codeNotFound         = protocol.CodeNotFound    // no such endpoint
	codeMethodNotAllowed = "method_not_allowed"     // the endpoint takes other methods
	codeForbiddenHost    = "forbidden_host"         // not addressed to the loopback API
	codeUnauthorized     = "unauthorized"           // no or a wrong API token
	codeInvalidKey       = "invalid_key"            // a mistyped license key, never sent to the cloud
	codeRateLimited      = protocol.CodeRateLimited // too many wrong PINs for a cashier
	codeInternal         = protocol.CodeInternal    // a failure of the agent
	codeStopping         = "stopping"               // the agent is shutting down
)

// Refusals of a sale: nothing is registered.
const (
	codeLicenseRequired = "license_required"    // the till holds no license
	codeUnknownCashier  = "unknown_cashier"     // not allowed on this till, or switched off
	codeUnknownGoods    = "unknown_goods"       // not on this till, or switched off
	codeBadGoods        = "bad_goods"           // a goods set up wrong in the cabinet
	codeBadDiscount     = "bad_discount"        // a discount that does not apply
	codeTotalMismatch   = "total_mismatch"      // the front's total is not the till's
	codeOverLimit       = "over_limit"          // a receipt over the bounds of one receipt: split it
	codeConflict        = protocol.CodeConflict // the receipt's ID is registered with other content
)

// Answers about the link to the cloud.
const (
	codeOffline    = "offline"     // the till is offline
	codeTimeout    = "timeout"     // the cloud did not answer in time
	codeSyncFailed = "sync_failed" // the cloud refused or broke off the sync
)

// codeUnknown is APIClient's code for an answer that is not the API's.
const codeUnknown = "unknown"
