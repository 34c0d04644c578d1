package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"strings"
	"testing"
)

// Run turns a command's error into its exit status and one plain line.
func TestRun(t *testing.T) {
	for _, tt := range []struct {
		name   string
		err    error
		status int
		stderr string
	}{
		{"Done", nil, 0, ""},
		{"Help", flag.ErrHelp, 0, ""},
		{"Usage", fmt.Errorf("%w: name a command", ErrUsage), 2, "tool: usage: name a command (see tool help)\n"},
		{"Failure", errors.New("no identity in ./data"), 1, "tool: no identity in ./data\n"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var stderr strings.Builder
			status := Run("tool", &stderr, func(ctx context.Context) error {
				if ctx.Err() != nil {
					t.Errorf("the context is done before the command runs: %v", ctx.Err())
				}
				return tt.err
			})
			if status != tt.status || stderr.String() != tt.stderr {
				t.Fatalf("exit %d, stderr %q; want %d and %q", status, stderr.String(), tt.status, tt.stderr)
			}
		})
	}
}
