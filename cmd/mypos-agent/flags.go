package main

import (
	"flag"
	"fmt"
	"io"
	"os"
)

// defaultDataDir is where the agent keeps its files unless told otherwise.
const defaultDataDir = "./agent-data"

// flags parses a command's flags: --data and --ca, and any it adds.
type flags struct {
	*flag.FlagSet
	data, ca string
}

func newFlags(name string) *flags {
	f := &flags{FlagSet: flag.NewFlagSet(name, flag.ContinueOnError)}
	f.SetOutput(io.Discard) // errors are reported once, by run
	dir := os.Getenv("MYPOS_AGENT_DATA")
	if dir == "" {
		dir = defaultDataDir
	}
	f.StringVar(&f.data, "data", dir, "data directory")
	f.StringVar(&f.ca, "ca", "", "extra trusted CA certificate (PEM)")
	return f
}

func (f *flags) parse(args []string) error {
	if err := f.Parse(args); err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	if f.NArg() > 0 {
		return fmt.Errorf("%w: unexpected argument %q", errUsage, f.Arg(0))
	}
	if f.data == "" {
		return fmt.Errorf("%w: --data is empty", errUsage)
	}
	return nil
}

// parseArgs parses flags wherever they stand among the arguments — as in
// `license enter KEY --data DIR` — and returns the other arguments.
func (f *flags) parseArgs(args []string) ([]string, error) {
	var words []string
	for {
		if err := f.Parse(args); err != nil {
			return nil, fmt.Errorf("%w: %v", errUsage, err)
		}
		if f.NArg() == 0 {
			break
		}
		words, args = append(words, f.Arg(0)), f.Args()[1:]
	}
	if f.data == "" {
		return nil, fmt.Errorf("%w: --data is empty", errUsage)
	}
	return words, nil
}
