package main

import (
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"mypos/db/dbtest"
)

// marker is the secret every secret setting holds in these tests.
const marker = "m4rker-of-a-secret"

// secretValues gives every secret setting a value with the marker where its
// secret is: a URL holds it as a password.
func secretValues(t *testing.T) map[string]string {
	t.Helper()
	values := map[string]string{
		"MYPOS_DATABASE_URL":   "postgres://mypos:" + marker + "@127.0.0.1:1/mypos",
		"MYPOS_OWNER_PASSWORD": marker,
		"MYPOS_BROKER_URL":     "tcp://cloud:" + marker + "@127.0.0.1:1883",
	}
	for _, o := range options {
		if o.secret && values[o.env] == "" {
			t.Fatalf("%s is secret: give it a marker value here", o.env)
		}
	}
	return values
}

// hidesMarker fails the test when text shows the marker.
func hidesMarker(t *testing.T, what, text string) {
	t.Helper()
	if strings.Contains(text, marker) {
		t.Fatalf("%s shows a secret:\n%s", what, text)
	}
}

// setEnv sets the environment of the test from KEY=VALUE pairs.
func setEnv(t *testing.T, env ...string) {
	for _, kv := range env {
		k, v, _ := strings.Cut(kv, "=")
		t.Setenv(k, v)
	}
}

// A secret setting's value is never printed: not in the help, the banner,
// the log, nor an error line — a config error that names a secret setting
// does not echo it.
func TestSecretsNeverPrinted(t *testing.T) {
	values := secretValues(t)
	t.Run("Help", func(t *testing.T) {
		for env, v := range values {
			t.Setenv(env, v)
		}
		code, stdout, stderr := runCLI(t, "help")
		if code != 0 || !strings.Contains(stdout, "MYPOS_OWNER_PASSWORD") {
			t.Fatalf("help: exit %d, stdout %q", code, stdout)
		}
		hidesMarker(t, "the help", stdout+stderr)
	})
	t.Run("BannerAndLog", func(t *testing.T) {
		env := []string{"MYPOS_OWNER_PASSWORD=" + values["MYPOS_OWNER_PASSWORD"],
			"MYPOS_BROKER=external", "MYPOS_BROKER_URL=" + values["MYPOS_BROKER_URL"], "MYPOS_LOG_LEVEL=debug"}
		if u, ok := testDatabaseWithPassword(t, marker); ok {
			env = append(env, "MYPOS_DATABASE_URL="+u)
		}
		s := startServe(t, env...)
		if got := s.banner["mqtt-external"]; got != "tcp://cloud:xxxxx@127.0.0.1:1883" {
			t.Fatalf("banner mqtt-external=%q", got)
		}
		s.stop()
		hidesMarker(t, "the banner", s.out.String())
		hidesMarker(t, "the log", s.logs.String())
	})
	t.Run("ErrorLines", func(t *testing.T) {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		closed := ln.Addr().String()
		ln.Close() // nobody listens there now
		file := filepath.Join(t.TempDir(), "mypos.yaml")
		os.WriteFile(file, []byte("owner_password: "+marker+"\nowner_secret: "+marker+"\n"), 0o600)
		for _, tt := range []struct {
			name string
			args []string
			env  []string
			line string // what the error line says instead
		}{
			{"DatabaseURLNotPostgres", []string{"migrate"}, []string{"MYPOS_DATABASE_URL=" + marker}, "MYPOS_DATABASE_URL must be a postgres:// URL"},
			{"DatabaseRefusesURL", []string{"migrate"}, []string{"MYPOS_DATABASE_URL=postgres://mypos@127.0.0.1:1/mypos?password=" + marker + "&sslmode=bogus"}, "password=xxxxx"},
			{"DatabaseUnreachable", []string{"migrate"}, []string{"MYPOS_DATABASE_URL=" + values["MYPOS_DATABASE_URL"]}, "connect"},
			{"BrokerURLNotURL", []string{"serve"}, []string{"MYPOS_BROKER=external", "MYPOS_BROKER_URL=" + marker}, "MYPOS_BROKER_URL must be a URL"},
			{"BrokerUnreachable", []string{"serve"}, []string{"MYPOS_BROKER=external", "MYPOS_BROKER_URL=tcp://cloud:" + marker + "@" + closed + "/?password=" + marker}, "MYPOS_BROKER_URL=tcp://cloud:xxxxx@" + closed},
			{"FileUnknownSetting", []string{"migrate", "--config", file}, nil, `unknown setting "owner_secret"`},
		} {
			t.Run(tt.name, func(t *testing.T) {
				setEnv(t, "MYPOS_DATA_DIR="+t.TempDir(), "MYPOS_HTTP_ADDR=127.0.0.1:0", "MYPOS_MQTT_ADDR=127.0.0.1:0", "MYPOS_METRICS_ADDR=")
				setEnv(t, tt.env...)
				code, stdout, stderr := runCLI(t, tt.args...)
				if code != 1 || !strings.Contains(stderr, tt.line) {
					t.Fatalf("exit %d, stderr %q; want 1 and a line with %q", code, stderr, tt.line)
				}
				hidesMarker(t, "the error line", stdout+stderr)
			})
		}
	})
}

// testDatabaseWithPassword is the test's Postgres URL with password in it,
// or false on SQLite. The test server trusts local connections, so the
// password is accepted and ignored: enough to show where it is printed.
func testDatabaseWithPassword(t *testing.T, password string) (string, bool) {
	t.Helper()
	database := dbtest.Config(t)
	if database.URL == "" {
		return "", false
	}
	u, err := url.Parse(database.URL)
	if err != nil {
		t.Fatal(err)
	}
	u.User = url.UserPassword(u.User.Username(), password)
	return u.String(), true
}

// runCLI runs mypos with args and returns its status and output.
func runCLI(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr strings.Builder
	code := run(args, &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}
