package e2e

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"mypos/db/dbtest"
)

// binDir holds the binaries TestMain builds once for every test.
var binDir string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "mypos-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binDir = dir
	for _, name := range []string{"mypos", "mypos-agent"} {
		args := append([]string{"build", "-o", filepath.Join(dir, name)}, buildFlags...)
		cmd := exec.Command("go", append(args, "mypos/cmd/"+name)...)
		cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
		if err := cmd.Run(); err != nil {
			fmt.Fprintln(os.Stderr, "build "+name+":", err)
			os.Exit(1)
		}
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

const (
	ownerEmail    = "owner@mypos.test"
	ownerPassword = "owner-password"
)

// server is a running mypos process.
type server struct {
	t       *testing.T
	cmd     *exec.Cmd
	URL     string // the cabinet, e.g. http://127.0.0.1:41234
	MQTT    string // host:port of the broker
	Metrics string
	banner  map[string]string // every address the banner printed, by name
	logs    *lockedBuffer
	done    chan error
}

// startServer runs `mypos serve` on port 0 over a fresh database (SQLite in
// a temporary directory, or a fresh Postgres schema under
// MYPOS_TEST_DATABASE_URL) and waits until it prints where it listens.
func startServer(t *testing.T, env ...string) *server {
	t.Helper()
	db := dbtest.Config(t)
	dir := t.TempDir()
	cmd := exec.Command(filepath.Join(binDir, "mypos"), "serve")
	cmd.Dir = dir // no configs/mypos.yaml here: the environment is the whole config
	cmd.Env = append(os.Environ(),
		"MYPOS_HTTP_ADDR=127.0.0.1:0", "MYPOS_MQTT_ADDR=127.0.0.1:0", "MYPOS_METRICS_ADDR=127.0.0.1:0",
		"MYPOS_DATA_DIR="+filepath.Join(dir, "data"), "MYPOS_DATABASE_URL="+db.URL,
		"MYPOS_OWNER_EMAIL="+ownerEmail, "MYPOS_OWNER_PASSWORD="+ownerPassword)
	cmd.Env = append(cmd.Env, env...)
	s := &server{t: t, cmd: cmd, logs: &lockedBuffer{}, done: make(chan error, 1)}
	cmd.Stderr = s.logs
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.stop)
	s.banner = s.readBanner(stdout)
	go func() { s.done <- cmd.Wait() }()
	s.URL, s.MQTT, s.Metrics = s.banner["cabinet"], strings.TrimPrefix(s.banner["mqtt"], "mqtt://"), s.banner["metrics"]
	if ext := s.banner["mqtt-external"]; ext != "" {
		s.MQTT = strings.TrimPrefix(ext, "tcp://")
	}
	s.URL = strings.TrimSuffix(s.URL, "/")
	if s.URL == "" || s.MQTT == "" {
		t.Fatalf("banner without addresses: %v\nlogs:\n%s", s.banner, s.logs)
	}
	return s
}

var bannerLine = regexp.MustCompile(`^\s+(\S+)\s+(\S+://\S+)$`)

// readBanner reads stdout until the banner's last line and returns its
// addresses by name; the rest of stdout is drained in the background.
func (s *server) readBanner(stdout io.Reader) map[string]string {
	lines := make(chan string)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	found := map[string]string{}
	timeout := time.After(60 * time.Second)
	for {
		select {
		case line, ok := <-lines:
			if !ok {
				s.t.Fatalf("mypos exited before it was ready:\n%s", s.logs)
			}
			if m := bannerLine.FindStringSubmatch(line); m != nil {
				found[m[1]] = m[2]
			}
			if strings.HasPrefix(line, "Partners and companies register") {
				go func() {
					for range lines {
					}
				}()
				return found
			}
		case <-timeout:
			s.t.Fatalf("mypos did not print its banner in time:\n%s", s.logs)
		}
	}
}

// stop sends SIGTERM and expects a clean exit.
func (s *server) stop() {
	if s.cmd.ProcessState != nil {
		return
	}
	s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-s.done:
		if err != nil {
			s.t.Errorf("mypos exited with %v after SIGTERM; logs:\n%s", err, s.logs)
		}
	case <-time.After(20 * time.Second):
		s.cmd.Process.Kill()
		s.t.Errorf("mypos did not stop within 20 s of SIGTERM")
	}
}

// response is a decoded JSON answer.
type response struct {
	Status int
	Header http.Header
	Body   map[string]any
	Raw    string
}

// do sends a JSON request to the cabinet; token may be "".
func (s *server) do(method, path, token string, body any) response {
	s.t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, s.URL+path, rd)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		s.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	r := response{Status: resp.StatusCode, Header: resp.Header, Raw: string(raw)}
	json.Unmarshal(raw, &r.Body)
	return r
}

// must asserts the status of a response and returns it.
func (r response) must(t *testing.T, status int) response {
	t.Helper()
	if r.Status != status {
		t.Fatalf("status=%d, want %d: %s", r.Status, status, r.Raw)
	}
	return r
}

func (r response) str(key string) string {
	s, _ := r.Body[key].(string)
	return s
}

type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
