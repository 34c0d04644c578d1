//go:build race

package e2e

// buildFlags build the server with the race detector when the test has it.
var buildFlags = []string{"-race"}
