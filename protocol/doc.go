// Package protocol is the wire contract between the cloud and the terminal
// agent: what both sides must agree on to the byte and to the kopeck. It
// imports nothing but the standard library, so the agent can share it
// without pulling in any server package.
//
// Every word both sides spell is declared here and nowhere else: message
// types and command names (message.go), error codes (codes.go), entity
// kinds and operations (kinds.go), units, VAT rates and discount kinds
// (vocab.go). Beside them: topics (topic.go), encoding and strict decoding
// (codec.go, validate.go), the receipt arithmetic of DESIGN.md §2
// (receipt.go, round.go, sale.go, discount.go), the one text rule
// (text.go), license-key format (licensekey.go) and IDs (id.go).
package protocol
