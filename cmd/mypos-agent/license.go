package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"mypos/agent"
	"mypos/protocol"
)

// license runs `license enter KEY`: a key typed on this till, sent through
// the running agent, which refuses a typo itself and asks the cloud
// otherwise. One line either way; a refusal is an error (exit 1).
func license(ctx context.Context, args []string, stdout io.Writer) error {
	if len(args) == 0 || args[0] != "enter" {
		return fmt.Errorf("%w: license enter KEY", errUsage)
	}
	f := newAPIFlags("license enter")
	words, err := f.parseArgs(args[1:])
	if err != nil {
		return err
	}
	if len(words) == 0 {
		return fmt.Errorf("%w: name the key: license enter KEY", errUsage)
	}
	c, err := agent.NewAPIClient(f.data, *f.api)
	if err != nil {
		return err
	}
	// A key read off paper may be typed in its groups, with spaces.
	res, err := c.EnterLicense(ctx, strings.Join(words, " "))
	var refusal *agent.APIError
	switch {
	case errors.As(err, &refusal):
		return fmt.Errorf("license refused: %s (%s)", refusal.Message, refusal.Code)
	case err != nil:
		return fmt.Errorf("license: %w", err)
	case *f.json:
		return json.NewEncoder(stdout).Encode(res)
	}
	if res.Result == protocol.LicenseMovedHere {
		fmt.Fprintf(stdout, "Moved here: license %s (the till that held it has lost it).\n", res.LicenseID)
		return nil
	}
	fmt.Fprintf(stdout, "Activated: license %s.\n", res.LicenseID)
	return nil
}
