package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"

	"mypos/agent"
)

// listenDefault is the local API's address unless told otherwise: the
// environment a till's service manager sets for run serves the CLI too.
func listenDefault() string {
	if addr := os.Getenv("MYPOS_AGENT_LISTEN"); addr != "" {
		return addr
	}
	return agent.DefaultListen
}

// apiFlags are the flags of a command that calls the running agent.
type apiFlags struct {
	*flags
	api  *string
	json *bool
}

func newAPIFlags(name string) *apiFlags {
	f := newFlags(name)
	return &apiFlags{flags: f,
		api:  f.String("api", listenDefault(), "the running agent's local API address"),
		json: f.Bool("json", false, "print the agent's JSON answer")}
}

// client parses the flags and connects to the agent serving --data.
func (f *apiFlags) client(args []string) (*agent.APIClient, error) {
	if err := f.parse(args); err != nil {
		return nil, err
	}
	return agent.NewAPIClient(f.data, *f.api)
}

// status prints the till's status as the running agent reports it.
func status(ctx context.Context, args []string, stdout io.Writer) error {
	f := newAPIFlags("status")
	c, err := f.client(args)
	if err != nil {
		return err
	}
	st, err := c.Status(ctx)
	if err != nil {
		return fmt.Errorf("status: %w", err)
	}
	if *f.json {
		return json.NewEncoder(stdout).Encode(st)
	}
	online, license := "no", "none"
	if st.Online {
		online = "yes"
	}
	if len(st.License) > 0 && !bytes.Equal(st.License, []byte("null")) {
		license = string(st.License)
	}
	fmt.Fprintf(stdout, "device    %s\nonline    %s\nrevision  %d\nlicense   %s\nreceipts  %d queued, %d rejected\nfirmware  %s\n",
		st.DeviceID, online, st.Revision, license, st.Receipts.Queued, st.Receipts.Rejected, st.Firmware)
	return nil
}

// syncNow is the till's Sync → Load: it waits until the cloud's changes
// are applied and prints the revision reached.
func syncNow(ctx context.Context, args []string, stdout io.Writer) error {
	f := newAPIFlags("sync")
	c, err := f.client(args)
	if err != nil {
		return err
	}
	rev, err := c.Sync(ctx)
	if err != nil {
		return fmt.Errorf("sync: %w", err)
	}
	if *f.json {
		return json.NewEncoder(stdout).Encode(map[string]int64{"revision": rev})
	}
	fmt.Fprintf(stdout, "Synced: revision %d.\n", rev)
	return nil
}
