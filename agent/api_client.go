package agent

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
)

// APIClient calls a running agent's local API, as the CLI does.
type APIClient struct {
	Addr  string // host:port of the API, e.g. DefaultListen
	Token string // from ReadAPIToken
	HTTP  *http.Client
}

// NewAPIClient is a client of the agent at addr serving dataDir. Returns an
// error wrapping ErrNoAPIToken when run has never started on dataDir.
func NewAPIClient(dataDir, addr string) (*APIClient, error) {
	tok, err := ReadAPIToken(dataDir)
	if err != nil {
		return nil, err
	}
	// Longer than the agent's own waits (POST /v1/sync, /v1/license), so
	// the agent's answer — not this timeout — says what happened.
	return &APIClient{Addr: addr, Token: tok, HTTP: &http.Client{Timeout: max(syncWait, licenseWait) + 5*time.Second}}, nil
}

// APIError is an error the local API answered with.
type APIError struct {
	Status  int
	Code    string // e.g. "offline", "timeout", "unauthorized", "invalid_key", "conflict"
	Message string
}

func (e *APIError) Error() string { return e.Message + " (" + e.Code + ")" }

// Status returns the till's status.
func (c *APIClient) Status(ctx context.Context) (*Status, error) {
	var st Status
	return &st, c.do(ctx, http.MethodGet, "/v1/status", nil, &st)
}

// Sync loads the cloud's changes now and returns the revision reached.
// Returns an *APIError with code "offline" when the till is offline.
func (c *APIClient) Sync(ctx context.Context) (int64, error) {
	var out struct {
		Revision int64 `json:"revision"`
	}
	err := c.do(ctx, http.MethodPost, "/v1/sync", nil, &out)
	return out.Revision, err
}

// EnterLicense types a key on the till. Returns an *APIError with code
// "invalid_key" for a typo (nothing was sent), "offline", or the cloud's
// refusal: "conflict", "not_found", "invalid", "rate_limited".
func (c *APIClient) EnterLicense(ctx context.Context, key string) (*LicenseResult, error) {
	var out LicenseResult
	return &out, c.do(ctx, http.MethodPost, "/v1/license", map[string]string{"key": key}, &out)
}

// do sends in as JSON (nil: no body) and decodes a success's body into out.
func (c *APIClient) do(ctx context.Context, method, path string, in, out any) error {
	_, err := c.call(ctx, method, path, in, out)
	return err
}

// call is do, which also returns the success's status (200 or 201).
func (c *APIClient) call(ctx context.Context, method, path string, in, out any) (int, error) {
	var payload io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return 0, err
		}
		payload = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, "http://"+c.Addr+path, payload)
	if err != nil {
		return 0, err
	}
	req.Header.Set("Authorization", "Bearer "+c.Token)
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.HTTP.Do(req)
	if err != nil {
		return 0, fmt.Errorf("cannot reach the agent's local API at %s (is `mypos-agent run` running, with this --listen?): %w", c.Addr, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return 0, fmt.Errorf("read the agent's answer: %w", err)
	}
	if resp.StatusCode != http.StatusOK && resp.StatusCode != http.StatusCreated {
		return 0, apiErrorOf(resp.StatusCode, body)
	}
	return resp.StatusCode, json.Unmarshal(body, out)
}

func apiErrorOf(status int, body []byte) error {
	var e apiError
	if json.Unmarshal(body, &e) != nil || e.Code == "" {
		return &APIError{Status: status, Code: codeUnknown, Message: fmt.Sprintf("the agent answered %d: %s", status, strings.TrimSpace(string(body)))}
	}
	return &APIError{Status: status, Code: e.Code, Message: e.Message}
}
