//go:build race

package e2e

import "os"

// buildFlags build the binaries with the race detector when the test has
// it and MYPOS_E2E_RACE=1 asks for it too: a race-detecting server is five
// to ten times slower, which the in-process tests of every package already
// cover, so CI keeps the end-to-end run at full speed.
var buildFlags = raceFlags()

func raceFlags() []string {
	if os.Getenv("MYPOS_E2E_RACE") == "1" {
		return []string{"-race"}
	}
	return nil
}
