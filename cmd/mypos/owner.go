package main

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"os"
	"path/filepath"

	"mypos"
	"mypos/account"
)

// firstOwnerEmail is the owner made on a first start that names none, so the
// quick start has someone to log in as.
const firstOwnerEmail = "owner@mypos.local"

// ownerLogin says how to log in as the owner, for the start banner.
type ownerLogin struct {
	email        string
	passwordFile string // where a generated password was written, if one was
}

// ensureOwner creates the owner on first start: the configured one, or, when
// no owner exists and none is configured, firstOwnerEmail with a random
// password written to a 0600 file in the data dir (never to the log).
func ensureOwner(ctx context.Context, cfg Config, accounts *account.Service) (ownerLogin, error) {
	if cfg.OwnerEmail != "" {
		if cfg.OwnerPassword == "" {
			return ownerLogin{}, fmt.Errorf("MYPOS_OWNER_EMAIL needs MYPOS_OWNER_PASSWORD")
		}
		_, err := accounts.CreateOwner(ctx, cfg.OwnerEmail, cfg.OwnerPassword)
		if err != nil && mypos.ErrorCode(err) != mypos.ECONFLICT {
			return ownerLogin{}, fmt.Errorf("MYPOS_OWNER_EMAIL/MYPOS_OWNER_PASSWORD: %v", errorLine(err))
		}
		return ownerLogin{email: cfg.OwnerEmail}, nil
	}
	path := filepath.Join(cfg.DataDir, "initial-owner-password")
	exists, err := accounts.HasOwner(ctx)
	if err != nil {
		return ownerLogin{}, err
	}
	if exists {
		if _, err := os.Stat(path); err == nil {
			return ownerLogin{email: firstOwnerEmail, passwordFile: path}, nil
		}
		return ownerLogin{}, nil
	}
	password := randomPassword()
	if err := os.MkdirAll(cfg.DataDir, 0o750); err != nil {
		return ownerLogin{}, err
	}
	if err := os.WriteFile(path, []byte(password+"\n"), 0o600); err != nil {
		return ownerLogin{}, fmt.Errorf("write the first owner's password: %w", err)
	}
	if _, err := accounts.CreateOwner(ctx, firstOwnerEmail, password); err != nil {
		return ownerLogin{}, err
	}
	return ownerLogin{email: firstOwnerEmail, passwordFile: path}, nil
}

func randomPassword() string {
	var b [12]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err)
	}
	return base64.RawURLEncoding.EncodeToString(b[:])
}
