// Command mypos-agent runs on a point-of-sale terminal: it enrolls the till
// with MyPOS Cloud and keeps it connected, so the till receives every change
// at once and keeps selling when the network is down.
package main

import (
	"context"
	"fmt"
	"io"
	"os"

	"mypos/cmd/internal/cli"
)

// version is this build's version, sent to the cloud in hello; release
// builds set it with -ldflags "-X main.version=1.2.3".
var version = "dev"

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

const usage = `mypos-agent: the MyPOS terminal agent.

Usage:
  mypos-agent enroll --server URL --code CODE [--data DIR] [--ca FILE] [--force]
                     exchange the enrollment code from the cabinet for this
                     till's identity; --force replaces an existing one
  mypos-agent run [--data DIR] [--ca FILE] [--reconnect-max DURATION] [--listen ADDR]
                     stay connected to the cloud and in sync with it until
                     SIGINT or SIGTERM, serving the local API on ADDR;
                     reconnect waits grow to DURATION (default 1m), jittered
  mypos-agent status [--data DIR] [--api ADDR] [--json]
                     the till's device, link, revision and license
  mypos-agent sync [--data DIR] [--api ADDR] [--json]
                     load the cloud's changes now (Sync → Load) and print
                     the revision reached
  mypos-agent license enter KEY [--data DIR] [--api ADDR] [--json]
                     activate a license on this till with its key; a typo
                     is refused before anything is sent
  mypos-agent sell --cashier ID [--payment cash|card] [--total KOPECKS]
                   [--id UUID] [--data DIR] [--api ADDR] [--json] ITEM...
                     register a sale, priced from the till's store, and
                     print its number, total and state; it is stored before
                     the answer and uploaded when the link allows
  mypos-agent cashiers [--data DIR] [--api ADDR] [--json]
                     the cashiers allowed on this till
  mypos-agent goods [--code C] [--barcode B] [--data DIR] [--api ADDR] [--json]
                     the till's goods at their prices here
  mypos-agent receipts [--state queued|acked|rejected] [--limit N]
                       [--data DIR] [--api ADDR] [--json]
                     the till's receipts, newest first
  mypos-agent sim --server URL --token COMPANY_TOKEN [--tills N] [--receipts N]
                  [--lines N] [--data DIR] [--ca FILE] [--json]
                     the fleet load tool: set up N tills of the company
                     (default 50) through the cabinet's API, run them in
                     this process, have each sell N receipts (default 200)
                     of N lines (default 3) at once, and report the sales
                     a second, their latency, and the receipts a second
                     the cloud ingested; a run with the same DIR (default
                     ./mypos-sim) reuses its tills
  mypos-agent help   show this help

ITEM is GOODS[*QTY][%DISCOUNT]: GOODS is id:GOODS_ID, code:CODE or
barcode:BARCODE, or without a prefix a barcode when it is 8 or 13 digits
and a code otherwise; QTY is pieces or kilograms with up to 3 decimals
(2, 1.234; default 1); DISCOUNT is a discount's ID. Quote an ITEM with *
in it, so the shell leaves it alone:
  mypos-agent sell --cashier C1 --payment card '101*2' 4600000000017 'code:7*0.5%D1'
--total is what the customer was shown: a sale that adds up otherwise is
refused. --id retries a sale whose answer was lost without registering it
twice.

DIR defaults to $MYPOS_AGENT_DATA, or ./agent-data. ADDR defaults to
$MYPOS_AGENT_LISTEN, or 127.0.0.1:8181, and must be a loopback address;
the commands that call the running agent read the API token from
DIR/api-token. --ca adds a trusted CA certificate (PEM) for a cloud whose
certificate the system does not trust.
`

// run is the whole program; main only exits with its status (see cli.Run).
func run(args []string, stdout, stderr io.Writer) int {
	return cli.Run("mypos-agent", stderr, func(ctx context.Context) error {
		return dispatch(ctx, args, stdout, stderr)
	})
}

// errUsage marks a mistake on the command line: the status is 2.
var errUsage = cli.ErrUsage

// dispatch runs a command.
func dispatch(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stdout, usage)
		return fmt.Errorf("%w: name a command", errUsage)
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "enroll":
		return enroll(ctx, rest, stdout, stderr)
	case "run":
		return runAgent(ctx, rest, stderr)
	case "status":
		return status(ctx, rest, stdout)
	case "sync":
		return syncNow(ctx, rest, stdout)
	case "license":
		return license(ctx, rest, stdout)
	case "sell":
		return sell(ctx, rest, stdout)
	case "cashiers":
		return cashiers(ctx, rest, stdout)
	case "goods":
		return goods(ctx, rest, stdout)
	case "receipts":
		return receipts(ctx, rest, stdout)
	case "sim":
		return sim(ctx, rest, stdout, stderr)
	case "help", "-h", "--help", "-help":
		fmt.Fprint(stdout, usage)
		return nil
	default:
		return fmt.Errorf("%w: unknown command %q", errUsage, cmd)
	}
}
