package db_test

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"mypos/db"
)

// Open's errors never carry a password the database URL holds: pgx masks
// the one in the user info of the URL it quotes, not a password parameter.
func TestOpenHidesPasswords(t *testing.T) {
	const password = "s3cret/of the+cluster"
	for _, raw := range []string{
		"postgres://u@127.0.0.1:1/db?password=" + url.QueryEscape(password) + "&sslmode=bogus",
		"postgres://u@127.0.0.1:1/db?sslpassword=" + url.QueryEscape(password) + "&sslmode=bogus",
		"postgres://u:" + url.PathEscape(password) + "@127.0.0.1:1/db?sslmode=bogus",
		"postgres://u@127.0.0.1:notaport/db?password=" + url.QueryEscape(password),
		"postgres://u@127.0.0.1:1/db?password=" + url.QueryEscape(password), // nobody listens there
	} {
		_, err := db.Open(context.Background(), db.Config{URL: raw})
		if err == nil {
			t.Fatalf("%s opened", raw)
		}
		for _, form := range []string{password, url.QueryEscape(password), url.PathEscape(password), "s3cret"} {
			if strings.Contains(err.Error(), form) {
				t.Fatalf("the error of %s quotes its password: %v", raw, err)
			}
		}
	}
}
