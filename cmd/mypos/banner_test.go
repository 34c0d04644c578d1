package main

import (
	"strings"
	"testing"
)

// A URL's password is never printed: not in the banner, not in a log line,
// and the broker's is not handed to terminals at enrollment either.
func TestServeHidesURLPasswords(t *testing.T) {
	const password = "s3cret-of-the-cluster"
	env := []string{
		"MYPOS_BROKER=external", "MYPOS_BROKER_URL=tcp://cloud:" + password + "@127.0.0.1:1883",
		"MYPOS_LOG_LEVEL=debug",
	}
	if u, ok := testDatabaseWithPassword(t, password); ok {
		env = append(env, "MYPOS_DATABASE_URL="+u)
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
