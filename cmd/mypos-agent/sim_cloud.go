package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
)

// cloud calls the cabinet's REST API (/api/v1) as a company, with its
// bearer token: what sim needs to set up tills and to count what arrived.
type cloud struct {
	api, server string // the API's base URL; the cabinet's, for enrollment
	token       string
	http        *http.Client
}

func newCloud(server, token string, client *http.Client) (*cloud, error) {
	u, err := url.Parse(strings.TrimSpace(server))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("%w: --server is the cabinet's http:// or https:// URL", errUsage)
	}
	base := strings.TrimSuffix(u.String(), "/")
	return &cloud{api: base + "/api/v1", server: base, token: token, http: client}, nil
}

// cloudError is a refusal the cabinet answered with.
type cloudError struct {
	Status int
	Code   string // the problem's stable code, e.g. "conflict"
	Detail string
}

func (e *cloudError) Error() string { return fmt.Sprintf("%s (%s)", e.Detail, e.Code) }

// do sends in as JSON (nil: no body) and decodes a success's body into
// out (nil: dropped). A refusal is a *cloudError.
func (c *cloud) do(ctx context.Context, method, path string, in, out any) error {
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return err
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.api+path, body)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 16<<20))
	switch {
	case err != nil:
		return fmt.Errorf("%s %s: %w", method, path, err)
	case resp.StatusCode < 200 || resp.StatusCode > 299:
		return fmt.Errorf("%s %s: %w", method, path, problemOf(resp.StatusCode, raw))
	case out == nil:
		return nil
	}
	return json.Unmarshal(raw, out)
}

// problemOf reads a problem+json body, or says what came instead.
func problemOf(status int, raw []byte) *cloudError {
	e := &cloudError{Status: status}
	if json.Unmarshal(raw, e) != nil || e.Code == "" {
		e.Code, e.Detail = "unknown", fmt.Sprintf("the cabinet answered %d: %.200s", status, strings.TrimSpace(string(raw)))
	}
	return e
}

// each calls fn with the items of a list, page by page, until fn returns
// false or the list ends.
func each[T any](ctx context.Context, c *cloud, path string, fn func(T) bool) error {
	sep := "?"
	if strings.Contains(path, "?") {
		sep = "&"
	}
	for cursor := ""; ; {
		var page struct {
			Items []T     `json:"items"`
			Next  *string `json:"next"`
		}
		if err := c.do(ctx, http.MethodGet, path+sep+"limit=500&cursor="+url.QueryEscape(cursor), nil, &page); err != nil {
			return err
		}
		for _, it := range page.Items {
			if !fn(it) {
				return nil
			}
		}
		if page.Next == nil || *page.Next == "" {
			return nil
		}
		cursor = *page.Next
	}
}

// checkCompany makes sure the token is a company's: sim sets up the
// company's own stores, devices and cashiers.
func (c *cloud) checkCompany(ctx context.Context) error {
	var me struct{ Kind string }
	err := c.do(ctx, http.MethodGet, "/me", nil, &me)
	var refusal *cloudError
	switch {
	case errors.As(err, &refusal) && refusal.Status == http.StatusUnauthorized:
		return errors.New("the cloud refused --token: pass the token a company's login (POST /api/v1/auth/login) answers")
	case err != nil:
		return err
	case me.Kind != "company":
		return fmt.Errorf("--token is a %s's: sim needs a company's", me.Kind)
	}
	return nil
}
