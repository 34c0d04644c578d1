package main

import (
	"net/url"
	"strings"
	"testing"

	"mypos/db/dbtest"
)

// A URL's password is never printed: not in the banner, not in a log line,
// and the broker's is not handed to terminals at enrollment either.
func TestServeHidesURLPasswords(t *testing.T) {
	const password = "s3cret-of-the-cluster"
	env := []string{
		"MYPOS_BROKER=external", "MYPOS_BROKER_URL=tcp://cloud:" + password + "@127.0.0.1:1883",
		"MYPOS_LOG_LEVEL=debug",
	}
	if db := dbtest.Config(t); db.URL != "" {
		// The test server trusts local connections, so a password in the
		// database URL is accepted and ignored: enough to show it is hidden.
		u, err := url.Parse(db.URL)
		if err != nil {
			t.Fatal(err)
		}
		u.User = url.UserPassword(u.User.Username(), password)
		env = append(env, "MYPOS_DATABASE_URL="+u.String())
	}
	s := startServe(t, env...)
	if got, want := s.banner["mqtt-external"], "tcp://cloud:xxxxx@127.0.0.1:1883"; got != want {
		t.Fatalf("banner mqtt-external=%q, want %q", got, want)
	}
	if got, want := s.enroll()["mqtt_url"], "mqtt://127.0.0.1:1883"; got != want {
		t.Fatalf("enrollment hands out %q, want %q", got, want)
	}
	s.stop()
	for name, text := range map[string]string{"banner": s.out.String(), "log": s.logs.String()} {
		if strings.Contains(text, password) {
			t.Fatalf("the %s prints the password:\n%s", name, text)
		}
	}
}
