package agent

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// maxAnswer bounds what is read of any answer: an enrollment answer is a
// few hundred bytes.
const maxAnswer = 64 << 10

type enrollRequest struct {
	Code  string `json:"code"`
	Nonce string `json:"nonce"`
}

type enrollAnswer struct {
	DeviceID string `json:"device_id"`
	Secret   string `json:"secret"`
	MQTTURL  string `json:"mqtt_url"`
}

// ServerError is a refusal or failure the server answered with.
type ServerError struct {
	Status     int
	Code       string        // the problem's stable code, e.g. "unauthorized"
	Detail     string        // the problem's detail, for people
	RetryAfter time.Duration // from Retry-After, 0 when absent
}

func (e *ServerError) Error() string {
	msg := fmt.Sprintf("the server answered %d %s", e.Status, http.StatusText(e.Status))
	if e.Detail != "" {
		msg += ": " + e.Detail
	}
	if e.RetryAfter > 0 {
		msg += fmt.Sprintf(" (retry in %s)", e.RetryAfter.Round(time.Second))
	}
	return msg
}

// errBadAnswer is a success status with a body that is not an identity:
// most likely not our server at all, so not worth retrying.
var errBadAnswer = errors.New("the server's answer is not an enrollment")

// postEnroll makes one attempt, bounded by the retry deadline.
func postEnroll(ctx context.Context, client *http.Client, endpoint, code, nonce string, deadline time.Time) (*Identity, error) {
	ctx, cancel := context.WithDeadline(ctx, deadline)
	defer cancel()
	body, err := json.Marshal(enrollRequest{Code: code, Nonce: nonce})
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswer))
	if err != nil {
		return nil, fmt.Errorf("read the answer: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		return nil, serverError(resp, raw)
	}
	return parseAnswer(raw)
}

func parseAnswer(raw []byte) (*Identity, error) {
	var a enrollAnswer
	if err := json.Unmarshal(raw, &a); err != nil {
		return nil, fmt.Errorf("%w: %v", errBadAnswer, err)
	}
	id := &Identity{DeviceID: a.DeviceID, Secret: a.Secret, MQTTURL: a.MQTTURL}
	if err := id.validCredentials(); err != nil {
		return nil, fmt.Errorf("%w: %v", errBadAnswer, err)
	}
	return id, nil
}

// serverError reads a problem+json answer, or makes do with the status.
func serverError(resp *http.Response, raw []byte) *ServerError {
	e := &ServerError{Status: resp.StatusCode, RetryAfter: retryAfter(resp.Header.Get("Retry-After"))}
	mt, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	if mt == "application/problem+json" || mt == "application/json" {
		var p struct{ Code, Detail string }
		if json.Unmarshal(raw, &p) == nil {
			e.Code, e.Detail = p.Code, oneLine(p.Detail)
		}
	}
	return e
}

// retryAfter reads Retry-After in seconds or as an HTTP date.
func retryAfter(v string) time.Duration {
	if v == "" {
		return 0
	}
	if s, err := strconv.Atoi(v); err == nil && s >= 0 {
		return time.Duration(s) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(time.Until(t), 0)
	}
	return 0
}

// oneLine keeps the server's words to one short printable line: they end up
// in the terminal's single error line.
func oneLine(s string) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, s)
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > 300 {
		s = string(r[:300]) + "…"
	}
	return s
}
