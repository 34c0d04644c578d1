package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func runArgs(args ...string) (int, string, string) {
	var stdout, stderr strings.Builder
	code := run(args, &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

func TestRun(t *testing.T) {
	for _, tt := range []struct {
		name   string
		args   []string
		status int
		stderr string
	}{
		{"Help", []string{"help"}, 0, ""},
		{"ErrNoCommand", nil, 2, "name a command"},
		{"ErrUnknownCommand", []string{"dance"}, 2, `unknown command "dance"`},
		{"ErrEnrollWithoutCode", []string{"enroll", "--server", "http://127.0.0.1:1"}, 2, "--code CODE"},
		{"ErrUnknownFlag", []string{"run", "--colour"}, 2, "flag provided but not defined"},
		{"ErrReconnectMax", []string{"run", "--reconnect-max", "10ms"}, 2, "at least 1s"},
		{"ErrNotEnrolled", []string{"run", "--data", t.TempDir()}, 1, "not enrolled"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			status, stdout, stderr := runArgs(tt.args...)
			if status != tt.status || !strings.Contains(stderr, tt.stderr) {
				t.Fatalf("exit %d, stderr %q; want %d and %q", status, stderr, tt.status, tt.stderr)
			}
			if tt.stderr != "" && strings.Count(strings.TrimSpace(stderr), "\n") != 0 {
				t.Fatalf("stderr %q: want one line", stderr)
			}
			if tt.name == "Help" && !strings.Contains(stdout, "mypos-agent enroll --server URL --code CODE") {
				t.Fatalf("help: %q", stdout)
			}
		})
	}
}

func TestEnrollRefusesAnIdentity(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "device-id"), []byte("dev-1\n"), 0o600)
	status, _, stderr := runArgs("enroll", "--server", "http://127.0.0.1:1", "--code", "X", "--data", dir)
	if status != 1 || !strings.Contains(stderr, "already enrolled as device dev-1") || !strings.Contains(stderr, "--force") {
		t.Fatalf("exit %d, stderr %q; want a refusal that names --force", status, stderr)
	}
}

func TestDataDirFromEnvironment(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("MYPOS_AGENT_DATA", dir)
	if _, _, stderr := runArgs("run"); !strings.Contains(stderr, "no identity in "+dir) {
		t.Fatalf("stderr %q: want the directory from MYPOS_AGENT_DATA", stderr)
	}
}
