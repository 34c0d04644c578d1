package agent

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// EnrollConfig says where and how to enroll.
type EnrollConfig struct {
	Server     string       // the cabinet's URL, e.g. https://cloud.example.com
	Code       string       // the enrollment code from the cabinet
	DataDir    string       // where the identity is kept
	HTTPClient *http.Client // nil: a client with a 30 s timeout and the system roots
	Force      bool         // replace an identity the data directory already holds
	Logger     *slog.Logger // retries are logged here; nil: not logged

	// Budget bounds how long unanswered or failing requests are retried
	// (0: one minute) — well inside the ten minutes in which the server
	// answers a same-nonce retry with the same identity.
	Budget time.Duration
	// MinRetry and MaxRetry bound the wait between attempts (0: 500 ms, 10 s).
	MinRetry, MaxRetry time.Duration
}

// ErrEnrolled refuses to replace an identity without Force.
var ErrEnrolled = errors.New("this terminal is already enrolled")

func (c EnrollConfig) withDefaults() EnrollConfig {
	if c.HTTPClient == nil {
		c.HTTPClient = &http.Client{Timeout: 30 * time.Second}
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	c.Budget = orDefault(c.Budget, time.Minute)
	c.MinRetry = orDefault(c.MinRetry, 500*time.Millisecond)
	c.MaxRetry = orDefault(c.MaxRetry, 10*time.Second)
	c.Code = strings.TrimSpace(c.Code)
	return c
}

func orDefault(d, def time.Duration) time.Duration {
	if d <= 0 {
		return def
	}
	return d
}

// Enroll exchanges an enrollment code for this terminal's identity and
// stores it in the data directory. The nonce is stored before the first
// request, so running Enroll again after a crash or a lost answer gets the
// same identity. Network failures and 5xx answers are retried with jittered
// backoff within the budget; a refusal (a bad code, a rate limit beyond the
// budget) is returned at once as a *ServerError. Returns an error wrapping
// ErrEnrolled when the directory holds an identity and Force is not set.
func Enroll(ctx context.Context, cfg EnrollConfig) (*Identity, error) {
	cfg = cfg.withDefaults()
	endpoint, err := enrollEndpoint(cfg.Server)
	if err != nil {
		return nil, err
	}
	if cfg.Code == "" {
		return nil, errors.New("no enrollment code given")
	}
	warnPlainHTTP(cfg.Logger, endpoint)
	if err := makeDataDir(cfg.DataDir); err != nil {
		return nil, fmt.Errorf("data directory: %w", err)
	}
	if err := refuseOverwrite(cfg); err != nil {
		return nil, err
	}
	nonce, err := enrollNonce(cfg.DataDir)
	if err != nil {
		return nil, fmt.Errorf("keep the enrollment nonce: %w", err)
	}
	id, err := exchange(ctx, cfg, endpoint, nonce)
	if err != nil {
		return nil, err
	}
	if err := saveIdentity(cfg.DataDir, id); err != nil {
		return nil, err
	}
	if _, _, err := brokerAddress(id.MQTTURL); err != nil {
		cfg.Logger.Warn("enrolled, but run cannot use the broker the cloud named: the cloud's public MQTT URL needs fixing", "error", err)
	}
	return id, nil
}

// refuseOverwrite keeps a working till from losing its identity to a
// mistyped command: the old secret would be gone for good.
func refuseOverwrite(cfg EnrollConfig) error {
	id, err := enrolledAs(cfg.DataDir)
	if err != nil || id == "" || cfg.Force {
		return err
	}
	return fmt.Errorf("%w as device %s (in %s)", ErrEnrolled, id, cfg.DataDir)
}

// enrollEndpoint is the enroll URL under the cabinet's URL, which may carry
// a path prefix (a cloud behind a reverse proxy).
func enrollEndpoint(server string) (string, error) {
	u, err := url.Parse(strings.TrimSpace(server))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", fmt.Errorf("server %q: give the cabinet's http:// or https:// URL", server)
	}
	return strings.TrimSuffix(u.String(), "/") + "/api/v1/enroll", nil
}

// warnPlainHTTP says when the secret is about to cross a network in clear;
// plain HTTP to this machine is a developer's setup.
func warnPlainHTTP(log *slog.Logger, endpoint string) {
	u, _ := url.Parse(endpoint) // enrollEndpoint made it
	if u.Scheme != "http" {
		return
	}
	if ip := net.ParseIP(u.Hostname()); u.Hostname() == "localhost" || (ip != nil && ip.IsLoopback()) {
		return
	}
	log.Warn("enrolling over plain HTTP: the device secret crosses the network unencrypted; use https://")
}

// exchange posts the code until the server answers, the budget ends or the
// server refuses.
func exchange(ctx context.Context, cfg EnrollConfig, endpoint, nonce string) (*Identity, error) {
	deadline := time.Now().Add(cfg.Budget)
	bo := newBackoff(cfg.MinRetry, cfg.MaxRetry)
	var last error
	for attempt := 1; ; attempt++ {
		id, err := postEnroll(ctx, cfg.HTTPClient, endpoint, cfg.Code, nonce, deadline)
		if err == nil {
			return id, nil
		}
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		if last != nil && !time.Now().Before(deadline) {
			err = last // the budget cut this attempt short: the one before says more
		}
		last = err
		wait, again := retryWait(err, bo)
		if !again {
			return nil, err
		}
		if time.Now().Add(wait).After(deadline) {
			return nil, gaveUp(err, attempt)
		}
		cfg.Logger.Warn("enrollment failed, retrying", "attempt", attempt, "in", wait.Round(time.Millisecond), "error", err)
		if !sleep(ctx, wait) {
			return nil, ctx.Err()
		}
	}
}

// retryWait says whether an attempt's error is worth another attempt, and
// after how long: network failures and server errors are, refusals are not,
// and a rate limit is when the server says how long to wait.
func retryWait(err error, bo *backoff) (time.Duration, bool) {
	var se *ServerError
	switch {
	case errors.As(err, &se) && se.Status == http.StatusTooManyRequests && se.RetryAfter > 0:
		return se.RetryAfter, true
	case errors.As(err, &se) && se.Status == http.StatusTooManyRequests:
		return bo.next(), true
	case errors.As(err, &se):
		return bo.next(), se.Status >= 500
	case errors.Is(err, errBadAnswer), errors.As(err, new(*tls.CertificateVerificationError)):
		return 0, false // not our server, or not trusted: waiting will not change it
	}
	return bo.next(), true
}

// gaveUp is the last attempt's error, saying that it was not the first.
func gaveUp(err error, attempts int) error {
	if attempts == 1 {
		return err
	}
	return fmt.Errorf("%w (gave up after %d attempts)", err, attempts)
}

// sleep waits d or until ctx ends, and reports whether it waited d.
func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}
