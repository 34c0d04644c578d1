// Package cli is what the two commands, mypos and mypos-agent, share as
// programs: how a command's error becomes one plain line and an exit
// status. It imports nothing of ours, so the till's binary may use it
// without reaching a server package; internal to cmd, so nothing but the
// commands can.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

// ErrUsage marks a mistake on the command line: a command wraps it
// (fmt.Errorf("%w: name a command", cli.ErrUsage)) and Run exits with 2.
var ErrUsage = errors.New("usage")

// Run is the whole program called name: it runs main with a context that
// SIGINT and SIGTERM cancel, and returns the exit status of its error — 0
// for none (or flag.ErrHelp); 2 for a usage mistake, printed as
// "name: usage: … (see name help)"; 1 for any other, printed as
// "name: …". An error is one plain line on stderr.
func Run(name string, stderr io.Writer, main func(ctx context.Context) error) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	err := main(ctx)
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		return 0
	case errors.Is(err, ErrUsage):
		fmt.Fprintf(stderr, "%s: %v (see %s help)\n", name, err, name)
		return 2
	default:
		fmt.Fprintf(stderr, "%s: %v\n", name, err)
		return 1
	}
}
