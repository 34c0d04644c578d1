package e2e

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"mypos/account"
	"mypos/db/dbtest"
)

// mypos runs the binary to completion in a fresh directory and returns its
// exit status, stdout and stderr.
func mypos(t *testing.T, stdin string, env []string, args ...string) (int, string, string) {
	t.Helper()
	cmd := exec.Command(filepath.Join(binDir, "mypos"), args...)
	cmd.Dir = t.TempDir()
	cmd.Env = append(os.Environ(), env...)
	cmd.Stdin = strings.NewReader(stdin)
	var stdout, stderr strings.Builder
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	code := 0
	if exit, ok := err.(*exec.ExitError); ok {
		code = exit.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return code, stdout.String(), stderr.String()
}

// oneLine asserts a failure: a non-zero status and one plain line on stderr.
func oneLine(t *testing.T, code int, stderr, want string) {
	t.Helper()
	if code == 0 {
		t.Fatalf("exit 0, want a failure (%s)", want)
	}
	if lines := strings.Count(strings.TrimSpace(stderr), "\n") + 1; lines != 1 || !strings.Contains(stderr, want) {
		t.Fatalf("stderr=%q, want one line containing %q", stderr, want)
	}
}

func TestCLI(t *testing.T) {
	dbEnv := func(t *testing.T) []string {
		cfg := dbtest.Config(t)
		return []string{"MYPOS_DATABASE_URL=" + cfg.URL, "MYPOS_DATA_DIR=" + t.TempDir()}
	}

	t.Run("PortInUseNamesTheVariable", func(t *testing.T) {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer ln.Close()
		env := append(dbEnv(t), "MYPOS_HTTP_ADDR=127.0.0.1:0", "MYPOS_METRICS_ADDR=", "MYPOS_MQTT_ADDR="+ln.Addr().String())
		code, _, stderr := mypos(t, "", env, "serve")
		oneLine(t, code, stderr, "MYPOS_MQTT_ADDR="+ln.Addr().String()+": the address is already in use")
	})
	t.Run("UnknownCommand", func(t *testing.T) {
		code, _, stderr := mypos(t, "", nil, "sel")
		oneLine(t, code, stderr, `unknown command "sel"`)
	})
	t.Run("BadFlag", func(t *testing.T) {
		code, _, stderr := mypos(t, "", nil, "serve", "--port", "1")
		oneLine(t, code, stderr, "flag provided but not defined")
	})
	t.Run("BadConfig", func(t *testing.T) {
		code, _, stderr := mypos(t, "", []string{"MYPOS_BROKER=carrier-pigeon"}, "migrate")
		oneLine(t, code, stderr, "MYPOS_BROKER must be embedded or external")
	})
	t.Run("Help", func(t *testing.T) {
		code, stdout, _ := mypos(t, "", nil, "--help")
		if code != 0 || !strings.Contains(stdout, "MYPOS_DATABASE_URL") || !strings.Contains(stdout, "owner create") {
			t.Fatalf("help: exit %d\n%s", code, stdout)
		}
	})
	t.Run("MigrateAndOwnerCreate", func(t *testing.T) {
		env := dbEnv(t)
		code, stdout, stderr := mypos(t, "", env, "migrate")
		if code != 0 || !strings.Contains(stdout, fmt.Sprintf("account: version %d\n", len(account.Schema.Migrations))) {
			t.Fatalf("migrate: exit %d, stdout %q, stderr %q", code, stdout, stderr)
		}
		code, stdout, stderr = mypos(t, "a-strong-password\n", env, "owner", "create", "--email", "boss@mypos.test")
		if code != 0 || !strings.Contains(stdout, "owner boss@mypos.test created") {
			t.Fatalf("owner create: exit %d, stdout %q, stderr %q", code, stdout, stderr)
		}
		code, _, stderr = mypos(t, "a-strong-password\n", env, "owner", "create", "--email", "boss@mypos.test")
		oneLine(t, code, stderr, "already has an account of this kind (owner)")
		code, _, stderr = mypos(t, "short\n", env, "owner", "create", "--email", "other@mypos.test")
		oneLine(t, code, stderr, "at least 8 characters")
		code, _, stderr = mypos(t, "", env, "owner", "create")
		oneLine(t, code, stderr, "--email is required")
	})
}
