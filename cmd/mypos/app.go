package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"

	"mypos/account"
	"mypos/backoffice"
	"mypos/changelog"
	"mypos/db"
	"mypos/device"
	"mypos/fleet"
	"mypos/licensing"
	"mypos/sales"
)

// schemas is every component's migrations, in dependency order.
var schemas = []db.Schema{account.Schema, changelog.Schema, device.Schema, backoffice.Schema, fleet.Schema, licensing.Schema, sales.Schema}

// hashCost is bcrypt's cost for passwords and PINs; 0 is the services'
// default. Tests that run serve in their own process lower it, as every
// other package's tests do.
var hashCost int

// services is the domain layer over one open, migrated database.
type services struct {
	db       *db.DB
	accounts *account.Service
	changes  *changelog.Log
	devices  *device.Service
	office   *backoffice.Service
	licenses *licensing.Service
	sales    *sales.Service
}

func openServices(ctx context.Context, cfg Config, log *slog.Logger) (*services, error) {
	database, err := db.Open(ctx, db.Config{URL: cfg.DatabaseURL, DataDir: cfg.DataDir, Logger: log})
	if err != nil {
		return nil, err
	}
	if err := database.Migrate(ctx, schemas...); err != nil {
		database.Close()
		return nil, err
	}
	changes := changelog.New(database)
	devices := device.NewService(database, changes, device.Options{Logger: log})
	accounts := account.NewService(database, account.Options{Logger: log, HashCost: hashCost})
	return &services{
		db:       database,
		accounts: accounts,
		changes:  changes,
		devices:  devices,
		office:   backoffice.NewService(database, changes, devices, backoffice.Options{HashCost: hashCost}),
		licenses: licensing.NewService(database, changes, accounts, devices, licensing.Options{Logger: log}),
		sales:    sales.NewService(database),
	}, nil
}

func (s *services) close() { s.db.Close() }

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
	return withServices(ctx, cfg, func(svc *services) error {
		for _, s := range schemas {
			v, err := svc.db.SchemaVersion(ctx, s.Component)
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
func withServices(ctx context.Context, cfg Config, fn func(*services) error) error {
	svc, err := openServices(ctx, cfg, newLogger(io.Discard, "error"))
	if err != nil {
		return err
	}
	defer svc.close()
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
	return withServices(ctx, cfg, func(svc *services) error {
		a, err := svc.accounts.CreateOwner(ctx, *email, password)
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
