package main

import (
	"context"
	"fmt"
	"io"

	"mypos/services"
)

// licensesVerify replays every license document and compares what they say
// with the stored facts: each difference is a line on stdout and the exit
// status is 1; when there is none, one line says how many were verified.
func licensesVerify(ctx context.Context, args []string, stdout io.Writer) error {
	cfg, err := newFlags("licenses verify").parse(args)
	if err != nil {
		return err
	}
	return withServices(ctx, cfg, func(svc *services.Set) error { return verify(ctx, svc, stdout) })
}

func verify(ctx context.Context, svc *services.Set, stdout io.Writer) error {
	diffs, err := svc.Licensing.Verify(ctx)
	if err != nil {
		return err
	}
	for _, d := range diffs {
		fmt.Fprintln(stdout, d)
	}
	if len(diffs) > 0 {
		return fmt.Errorf("%d differences between the licenses and their documents", len(diffs))
	}
	n, err := svc.Licensing.Count(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%d licenses verified\n", n)
	return nil
}
