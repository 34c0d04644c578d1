package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"

	"mypos/db"
	"mypos/services"
)

// hashCost is bcrypt's cost for passwords and PINs; 0 is the services'
// default. Tests that run serve in their own process lower it, as every
// other package's tests do.
var hashCost int

// openServices opens the database, migrates it and builds the domain
// services over it; closeServices undoes it.
func openServices(ctx context.Context, cfg Config, log *slog.Logger) (*services.Set, error) {
	database, err := db.Open(ctx, db.Config{URL: cfg.DatabaseURL, DataDir: cfg.DataDir, Logger: log})
	if err != nil {
		return nil, err
	}
	if err := database.Migrate(ctx, services.Schemas...); err != nil {
		database.Close()
		return nil, err
	}
	return services.New(database, services.Config{HashCost: hashCost, Logger: log}), nil
}

// closeServices stops the services, then closes their database.
func closeServices(svc *services.Set) {
	svc.Close()
	svc.DB.Close()
}

func newLogger(w io.Writer, level string) *slog.Logger {
	var l slog.Level
	if err := l.UnmarshalText([]byte(level)); err != nil {
		l = slog.LevelInfo
	}
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: l}))
}

func migrate(ctx context.Context, args []string, stdout io.Writer) error {
	cfg, err := newFlags("migrate").parse(args)
	if err != nil {
		return err
	}
	return withServices(ctx, cfg, func(svc *services.Set) error {
		for _, s := range services.Schemas {
			v, err := svc.DB.SchemaVersion(ctx, s.Component)
			if err != nil {
				return err
			}
			fmt.Fprintf(stdout, "%s: version %d\n", s.Component, v)
		}
		return nil
	})
}

// withServices runs an admin command's work over the migrated database,
// quietly: a command's output is its answer, not a log.
func withServices(ctx context.Context, cfg Config, fn func(*services.Set) error) error {
	svc, err := openServices(ctx, cfg, newLogger(io.Discard, "error"))
	if err != nil {
		return err
	}
	defer closeServices(svc)
	return fn(svc)
}

func ownerCreate(ctx context.Context, args []string, stdin io.Reader, stdout io.Writer) error {
	f := newFlags("owner create")
	email := f.String("email", "", "the owner's e-mail")
	cfg, err := f.parse(args)
	if err != nil {
		return err
	}
	if *email == "" {
		return fmt.Errorf("%w: --email is required", errUsage)
	}
	password := cfg.OwnerPassword
	if password == "" {
		password, err = readLine(stdin)
		if err != nil {
			return fmt.Errorf("read the password from stdin: %w", err)
		}
	}
	return withServices(ctx, cfg, func(svc *services.Set) error {
		a, err := svc.Accounts.CreateOwner(ctx, *email, password)
		if err != nil {
			return errorLine(err)
		}
		fmt.Fprintf(stdout, "owner %s created (id %s)\n", a.Email, a.ID)
		return nil
	})
}

// readLine reads the first line of r, without its line ending.
func readLine(r io.Reader) (string, error) {
	line, err := bufio.NewReader(io.LimitReader(r, 4096)).ReadString('\n')
	if err != nil && err != io.EOF {
		return "", err
	}
	return strings.TrimRight(line, "\r\n"), nil
}
