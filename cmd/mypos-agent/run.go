package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"time"

	"mypos/agent"
)

// runAgent keeps the till connected until SIGINT or SIGTERM.
func runAgent(ctx context.Context, args []string, stderr io.Writer) error {
	f := newFlags("run")
	reconnectMax := f.Duration("reconnect-max", time.Minute, "longest wait between reconnect attempts")
	listen := f.String("listen", listenDefault(), "the local API's loopback address (port 0: any)")
	if err := f.parse(args); err != nil {
		return err
	}
	if *reconnectMax < time.Second {
		return fmt.Errorf("%w: --reconnect-max is at least 1s", errUsage)
	}
	err := agent.Run(ctx, agent.RunConfig{
		DataDir: f.data, CAFile: f.ca, Logger: newLogger(stderr), Version: version, MaxReconnect: *reconnectMax,
		Listen: *listen,
	})
	if errors.Is(err, agent.ErrNotEnrolled) {
		return fmt.Errorf("%w; enroll it first: mypos-agent enroll --server URL --code CODE --data %s", err, f.data)
	}
	return err
}

// newLogger logs in logfmt to stderr: a till's service manager keeps it.
func newLogger(w io.Writer) *slog.Logger {
	return slog.New(slog.NewTextHandler(w, nil))
}
