package main

import (
	"context"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"mypos/agent"
	"mypos/protocol"
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
		{"ErrStatusArgument", []string{"status", "now"}, 2, `unexpected argument "now"`},
		{"ErrSyncFlag", []string{"sync", "--force"}, 2, "flag provided but not defined"},
		{"ErrLicenseVerb", []string{"license", "KEY"}, 2, "license enter KEY"},
		{"ErrLicenseNoKey", []string{"license", "enter", "--data", t.TempDir()}, 2, "name the key"},
		{"ErrLicenseFlag", []string{"license", "enter", "KEY", "--force"}, 2, "flag provided but not defined"},
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
			if tt.name == "Help" && (!strings.Contains(stdout, "mypos-agent enroll --server URL --code CODE") || !strings.Contains(stdout, "mypos-agent sync") || !strings.Contains(stdout, "mypos-agent license enter KEY")) {
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

// status and sync call the running agent's local API with the token of its
// data directory; offline, status answers and sync says why it cannot.
func TestStatusAndSync(t *testing.T) {
	dir := t.TempDir()
	dead, _ := net.Listen("tcp", "127.0.0.1:0")
	broker := dead.Addr().String()
	dead.Close() // an unreachable cloud: the till is offline
	for name, value := range map[string]string{"device-id": "0190c0de-0000-7000-8000-00000000000b", "secret": "s", "mqtt-url": "mqtt://" + broker} {
		os.WriteFile(filepath.Join(dir, name), []byte(value+"\n"), 0o600)
	}
	if status, _, stderr := runArgs("status", "--data", dir); status != 1 || !strings.Contains(stderr, "start `mypos-agent run` there first") {
		t.Fatalf("before run: exit %d, stderr %q; want a pointer to run", status, stderr)
	}

	var logs lockedBuffer
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- agent.Run(ctx, agent.RunConfig{DataDir: dir, Listen: "127.0.0.1:0", Logger: newLogger(&logs), MinReconnect: time.Second})
	}()
	defer func() { cancel(); <-done }()
	addr := apiAddr(t, &logs)

	status, stdout, stderr := runArgs("status", "--data", dir, "--api", addr)
	if status != 0 || !strings.Contains(stdout, "device    0190c0de-0000-7000-8000-00000000000b\nonline    no\nrevision  0\nlicense   none\n") {
		t.Fatalf("status: exit %d, stdout %q, stderr %q", status, stdout, stderr)
	}
	t.Setenv("MYPOS_AGENT_LISTEN", addr)
	if status, stdout, _ := runArgs("status", "--data", dir, "--json"); status != 0 || !strings.Contains(stdout, `"online":false`) {
		t.Fatalf("status --json with the address from MYPOS_AGENT_LISTEN: exit %d, %q", status, stdout)
	}
	status, _, stderr = runArgs("sync", "--data", dir)
	if status != 1 || !strings.Contains(stderr, "the till is offline") || strings.Count(strings.TrimSpace(stderr), "\n") != 0 {
		t.Fatalf("sync offline: exit %d, stderr %q; want one line saying it is offline", status, stderr)
	}
	if status, _, stderr := runArgs("status", "--data", dir, "--api", broker); status != 1 || !strings.Contains(stderr, "is `mypos-agent run` running") {
		t.Fatalf("nothing at --api: exit %d, stderr %q", status, stderr)
	}

	// license enter: flags may follow the key, which may be typed in its
	// groups; a typo is refused by the agent, a good key offline too.
	payload := strings.Repeat("7", 24)
	key := payload + string(protocol.LicenseKeyCheck(payload))
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"license", "enter", key[:24] + "2", "--data", dir}, "license refused: This key has a typo"},
		{[]string{"license", "enter", "--data", dir, key[:5], key[5:]}, "the till is offline"},
	} {
		status, stdout, stderr := runArgs(tt.args...)
		if status != 1 || stdout != "" || !strings.Contains(stderr, tt.want) || strings.Count(strings.TrimSpace(stderr), "\n") != 0 {
			t.Fatalf("%v: exit %d, stdout %q, stderr %q; want one line with %q", tt.args, status, stdout, stderr, tt.want)
		}
	}
}

// apiAddr reads the local API's address from run's log.
func apiAddr(t *testing.T, logs *lockedBuffer) string {
	t.Helper()
	re := regexp.MustCompile(`msg="local api listening" addr=(\S+)`)
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if m := re.FindStringSubmatch(logs.String()); m != nil {
			return m[1]
		}
	}
	t.Fatalf("the agent did not log its API address:\n%s", logs.String())
	return ""
}

// lockedBuffer is a log sink goroutines may share.
type lockedBuffer struct {
	mu sync.Mutex
	sb strings.Builder
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.sb.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.sb.String()
}
