// Package protocol is the wire contract between the cloud and the terminal
// agent: what both sides must agree on to the byte and to the kopeck. It
// imports nothing but the standard library, so the agent can share it
// without pulling in any server package.
//
// This file set holds the receipt arithmetic of DESIGN.md §2 (receipt.go,
// round.go) and the vocabulary it needs: units of measure and VAT rates.
package protocol
