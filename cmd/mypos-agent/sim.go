package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// simOptions is what `mypos-agent sim` was asked to do.
type simOptions struct {
	server, token, data, ca string
	tills, receipts, lines  int
	json, offline           bool
}

// Bounds of a simulation. Each till holds about ten file descriptors in
// this one process (its bbolt file, API listener, MQTT connection and
// both ends of its HTTP connections), so a thousand stay well inside a
// 20,000 open-files limit. A receipt travels as one MQTT message of at
// most 32 KiB, which fifty lines leave room in.
const (
	maxSimTills = 1000
	maxSimLines = 50
)

// defaultSimData is where sim keeps its tills. It is never the agent's own
// default (or $MYPOS_AGENT_DATA), so that sim run on a real till cannot
// write into that till's directory.
const defaultSimData = "./mypos-sim"

// sim is the fleet load tool: it sets up a company's tills through the
// cabinet's API, runs them in this process, makes every one of them sell,
// and reports how fast the tills registered and the cloud ingested the
// receipts. Any failure is an error, after the report when there is one.
func sim(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	o, err := parseSim(args)
	if err != nil {
		return err
	}
	if err := checkSimData(o.data); err != nil {
		return err
	}
	client, err := httpClient(o.ca)
	if err != nil {
		return err
	}
	defer client.CloseIdleConnections()
	c, err := newCloud(o.server, o.token, client)
	if err != nil {
		return err
	}
	f, err := setUp(ctx, c, o, stderr)
	if err != nil {
		return interrupted(ctx, fmt.Errorf("sim set-up: %w", err))
	}
	rep, err := f.simulate(ctx, o, stderr)
	if err != nil {
		return interrupted(ctx, fmt.Errorf("sim: %w", err))
	}
	if err := rep.print(stdout, o.json); err != nil {
		return err
	}
	return rep.failure()
}

// parseSim reads and checks sim's flags.
func parseSim(args []string) (simOptions, error) {
	f := newFlags("sim")
	f.data = defaultSimData
	o := simOptions{}
	f.StringVar(&o.server, "server", "", "the cabinet's URL")
	f.StringVar(&o.token, "token", "", "a company's bearer token")
	f.IntVar(&o.tills, "tills", 50, "how many tills")
	f.IntVar(&o.receipts, "receipts", 200, "receipts each till sells")
	f.IntVar(&o.lines, "lines", 3, "lines of each receipt")
	f.BoolVar(&o.json, "json", false, "print the report as JSON")
	f.BoolVar(&o.offline, "offline", false, "sell with the tills cut off from the cloud, then bring them back at once and time the upload of the backlog")
	if err := f.parse(args); err != nil {
		return o, err
	}
	o.data, o.ca = f.data, f.ca
	switch {
	case o.server == "" || o.token == "":
		return o, fmt.Errorf("%w: mypos-agent sim --server URL --token COMPANY_TOKEN", errUsage)
	case o.tills < 1 || o.tills > maxSimTills:
		return o, fmt.Errorf("%w: --tills is 1 to %d", errUsage, maxSimTills)
	case o.receipts < 1:
		return o, fmt.Errorf("%w: --receipts is at least 1", errUsage)
	case o.lines < 1 || o.lines > maxSimLines:
		return o, fmt.Errorf("%w: --lines is 1 to %d", errUsage, maxSimLines)
	}
	return o, nil
}

// checkSimData refuses a till's own data directory as sim's: sim keeps
// its tills in subdirectories, and a till's identity must not be mixed
// with them.
func checkSimData(dir string) error {
	_, err := os.Stat(filepath.Join(dir, "device-id"))
	if err == nil {
		return fmt.Errorf("%s is a till's data directory: give sim a --data of its own", dir)
	}
	if !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("--data %s: %w", dir, err)
	}
	return nil
}

// interrupted says so when SIGINT or SIGTERM ended the simulation, rather
// than what the stop made fail.
func interrupted(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return errors.New("sim: interrupted")
	}
	return err
}
