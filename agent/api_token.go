package agent

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
)

// fileAPIToken holds the local API's bearer token. Whoever can read it can
// sell on this till, so it is the agent user's alone (0600), like the secret.
const fileAPIToken = "api-token"

// minTokenLen refuses a damaged token file: a token is 256 bits in hex.
const minTokenLen = 64

// ErrNoAPIToken says the data directory has no API token: run has not
// started there yet.
var ErrNoAPIToken = errors.New("no local API token")

// ReadAPIToken returns the local API's token from the data directory, for
// the CLI and other local clients. Returns an error wrapping ErrNoAPIToken
// when there is none yet.
func ReadAPIToken(dir string) (string, error) {
	tok, err := readValue(dir, fileAPIToken)
	if errors.Is(err, fs.ErrNotExist) || (err == nil && len(tok) < minTokenLen) {
		return "", fmt.Errorf("%w in %s: start `mypos-agent run` there first", ErrNoAPIToken, dir)
	}
	return tok, err
}

// apiToken returns the token run serves with, creating it on first use (or
// replacing a damaged one). A file others could read is made private again.
func apiToken(dir string, log *slog.Logger) (string, error) {
	tok, err := ReadAPIToken(dir)
	if errors.Is(err, ErrNoAPIToken) {
		tok = newToken()
		return tok, writeValue(dir, fileAPIToken, tok)
	}
	if err != nil {
		return "", err
	}
	path := filepath.Join(dir, fileAPIToken)
	if fi, err := os.Stat(path); err == nil && fi.Mode().Perm()&0o077 != 0 {
		log.Warn("the API token file was readable by others: made private", "file", path, "mode", fi.Mode().Perm().String())
		if err := os.Chmod(path, privateFile); err != nil {
			return "", err
		}
	}
	return tok, nil
}

// newToken returns 256 random bits in hex.
func newToken() string {
	var b [32]byte
	rand.Read(b[:]) // never fails: crypto/rand panics instead
	return hex.EncodeToString(b[:])
}
