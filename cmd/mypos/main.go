// Command mypos runs MyPOS Cloud — the cabinet, the API and the embedded
// MQTT broker in one process — and administers it.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"

	"mypos/cmd/internal/cli"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

const usage = `MyPOS Cloud: the back office and fleet engine for point-of-sale terminals.

Usage:
  mypos serve [--config FILE]           run the cabinet, the API and the MQTT broker
  mypos migrate [--config FILE]         apply database migrations and exit
  mypos owner create --email E [--config FILE]
                                        create an owner account; the password is read
                                        from MYPOS_OWNER_PASSWORD or the first line of stdin
  mypos licenses verify [--config FILE] rebuild every license from its documents and
                                        print each difference (exit 1 when any)
  mypos help                            show this help

Configuration: %s (if present), overridden by the environment:
`

// run is the whole program; main only exits with its status (see cli.Run).
func run(args []string, stdout, stderr io.Writer) int {
	return cli.Run("mypos", stderr, func(ctx context.Context) error {
		return dispatch(ctx, args, os.Stdin, stdout, stderr)
	})
}

// errUsage marks a mistake on the command line: the status is 2.
var errUsage = cli.ErrUsage

func dispatch(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		printUsage(stdout)
		return fmt.Errorf("%w: name a command", errUsage)
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "serve":
		return serve(ctx, rest, stdout, stderr)
	case "migrate":
		return migrate(ctx, rest, stdout)
	case "owner":
		if len(rest) == 0 || rest[0] != "create" {
			return fmt.Errorf("%w: mypos owner create --email E", errUsage)
		}
		return ownerCreate(ctx, rest[1:], stdin, stdout)
	case "licenses":
		if len(rest) == 0 || rest[0] != "verify" {
			return fmt.Errorf("%w: mypos licenses verify", errUsage)
		}
		return licensesVerify(ctx, rest[1:], stdout)
	case "help", "-h", "--help", "-help":
		printUsage(stdout)
		return nil
	default:
		return fmt.Errorf("%w: unknown command %q", errUsage, cmd)
	}
}

func printUsage(w io.Writer) {
	fmt.Fprintf(w, usage, defaultConfigFile)
	for _, o := range options {
		def := o.shown(o.def)
		if def == "" {
			def = "(empty)"
		}
		fmt.Fprintf(w, "  %-22s %-16s %s\n", o.env, def, o.help)
	}
}

// flags parses a command's flags: --config, and any the command adds.
type flags struct {
	*flag.FlagSet
	config string
}

func newFlags(name string) *flags {
	f := &flags{FlagSet: flag.NewFlagSet(name, flag.ContinueOnError)}
	f.SetOutput(io.Discard)
	f.StringVar(&f.config, "config", "", "config file (default "+defaultConfigFile+" when present)")
	return f
}

func (f *flags) parse(args []string) (Config, error) {
	if err := f.Parse(args); err != nil {
		return Config{}, fmt.Errorf("%w: %v", errUsage, err)
	}
	if f.NArg() > 0 {
		return Config{}, fmt.Errorf("%w: unexpected argument %q", errUsage, f.Arg(0))
	}
	path, explicit := f.config, f.config != ""
	if !explicit {
		path = defaultConfigFile
	}
	return loadConfig(path, explicit, os.LookupEnv)
}
