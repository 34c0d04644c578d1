// The codes of an Error (and of a refused LicenseReply): every reason the
// cloud gives a terminal for refusing what it sent. A terminal acts on
// some of them (bad_field and malformed reject a receipt for good,
// start_over restarts a sync, rate_limited holds uploads back); the rest
// it shows or logs.

package protocol

// Codes of a DecodeError, sent back in an Error reply where possible.
const (
	CodeMalformed   = "malformed"    // not a JSON object, or a field of the wrong type
	CodeTooLarge    = "too_large"    // over MaxMessageSize
	CodeVersion     = "version"      // a protocol version this side does not speak
	CodeUnknownType = "unknown_type" // no such message type in this direction
	CodeBadField    = "bad_field"    // an unknown field, or a value out of range
)

// CodeStartOver is the code of an Error that refuses a Sync's cursor the
// cloud cannot continue exactly (the changes after it were pruned, the
// terminal moved to another store, or no cursor of this cloud): the
// terminal discards the pages it staged and syncs again without a cursor.
// Any other refusal of a sync leaves the staged pages to resume from.
const CodeStartOver = "start_over"

// Codes the cloud's uplink refuses a well-formed message with.
const (
	CodeRateLimited = "rate_limited" // over the device's budget: try again later
	CodeQueueFull   = "queue_full"   // the cloud is busy: try again later
	CodeUnsupported = "unsupported"  // a message this cloud does not serve
)

// Codes of the cloud's services a request is refused with, as they are:
// a key entry's refusal and a receipt's that is not final. The root
// package's error codes of the same words are these.
const (
	CodeInvalid  = "invalid"   // a value the service refuses (a mistyped key)
	CodeNotFound = "not_found" // no such thing for this device (a key no license has)
	CodeConflict = "conflict"  // the state forbids it (a key of another company)
	CodeInternal = "internal"  // a failure of the cloud: try again later
)
