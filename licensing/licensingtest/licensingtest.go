// Package licensingtest holds what tests of any package need to trust the
// licenses they leave behind.
package licensingtest

import (
	"context"
	"testing"

	"mypos/licensing"
)

// VerifyAfter replays every document when the test ends and fails it if
// the stored facts differ from what the documents say. Register it after
// opening the database, so it runs before the database closes.
func VerifyAfter(tb testing.TB, svc *licensing.Service) {
	tb.Helper()
	tb.Cleanup(func() { Verify(tb, svc) })
}

// Verify replays every document now and fails the test on any difference.
func Verify(tb testing.TB, svc *licensing.Service) {
	tb.Helper()
	diffs, err := svc.Verify(context.Background())
	if err != nil {
		tb.Errorf("verify licenses: %v", err)
		return
	}
	for _, d := range diffs {
		tb.Errorf("licenses disagree with their documents: %s", d)
	}
}
