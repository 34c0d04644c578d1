package e2e

import (
	"bytes"
	"crypto/tls"
	"encoding/json"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The real mypos-agent against the real cloud: enroll with the code from
// the cabinet, connect and say hello, ride out a restart of the cloud, be
// refused once deleted, and stop cleanly on SIGTERM.
func TestAgent(t *testing.T) {
	s := startServer(t)
	shop := s.company(t, "agent@shop.test")
	till := s.do("POST", "/api/v1/devices", shop, map[string]string{"name": "Касса у окна"}).must(t, http.StatusCreated)
	code, data := till.str("enrollment_code"), filepath.Join(t.TempDir(), "agent-data")

	status, stdout, stderr := myposAgent(t, "enroll", "--server", s.URL, "--code", code, "--data", data)
	if status != 0 || !strings.Contains(stdout, till.str("id")) {
		t.Fatalf("enroll: exit %d, stdout %q, stderr %q", status, stdout, stderr)
	}
	secret := identityFiles(t, data, till.str("id"), "mqtt://"+s.MQTT)
	if strings.Contains(stdout+stderr, secret) {
		t.Fatal("enroll printed the secret")
	}

	// The same data directory again: refused before the server is asked.
	status, _, stderr = myposAgent(t, "enroll", "--server", s.URL, "--code", code, "--data", data)
	oneLine(t, status, stderr, "already enrolled as device "+till.str("id"))
	// The same code on another till (another nonce): the server refuses it.
	status, _, stderr = myposAgent(t, "enroll", "--server", s.URL, "--code", code, "--data", t.TempDir())
	oneLine(t, status, stderr, "This enrollment code does not work")
	// A usage mistake exits 2.
	if status, _, stderr = myposAgent(t, "enroll", "--server", s.URL); status != 2 {
		t.Fatalf("enroll without --code: exit %d, want 2 (%s)", status, stderr)
	}

	// It connects as itself, within its ACL, and says hello.
	a := startAgent(t, data)
	a.waitLog(t, "msg=connected", 1)
	waitFor(t, "the broker counts the agent and the cloud its hello", func() bool {
		return s.metric(t, "mypos_broker_connected_clients") == "1" && s.metric(t, `mypos_fleet_uplink_total{type="hello"}`) == "1"
	})
	for _, action := range []string{"publish", "subscribe"} {
		if got := s.metric(t, `mypos_broker_acl_denials_total{action="`+action+`"}`); got != "0" {
			t.Fatalf("the agent was denied %s %s times", action, got)
		}
	}

	// The cloud restarts: the agent notices and comes back by itself.
	s = restartServer(t, s)
	a.waitLog(t, `msg="connection lost"`, 1)
	a.waitLog(t, "msg=connected", 2)
	waitFor(t, "the restarted cloud has the agent back", func() bool {
		return s.metric(t, "mypos_broker_connected_clients") == "1" && s.metric(t, `mypos_fleet_uplink_total{type="hello"}`) == "1"
	})

	// SIGTERM while connected: it says goodbye and exits 0 at once.
	a.stop(t)
	a.waitLog(t, "msg=disconnected", 1)
	waitFor(t, "the broker saw the agent go", func() bool { return s.metric(t, "mypos_broker_connected_clients") == "0" })

	// The company deletes the till: from then on the broker refuses it. The
	// cloud restarts once more, so the agent reconnects whether or not the
	// deletion already cut its live connection.
	a = startAgent(t, data)
	a.waitLog(t, "msg=connected", 1)
	shop = s.do("POST", "/api/v1/auth/login", "", map[string]string{"email": "agent@shop.test", "password": "company-password"}).must(t, http.StatusOK).str("token")
	s.do("DELETE", "/api/v1/devices/"+till.str("id"), shop, nil).must(t, http.StatusNoContent)
	s = restartServer(t, s)
	a.waitLog(t, `msg="connect refused"`, 1)
	if got := s.metric(t, `mypos_broker_auth_refusals_total{reason="credentials"}`); got == "0" || got == "" {
		t.Fatalf("the broker counted %q credential refusals, want the agent's", got)
	}

	// SIGTERM while it waits to retry: exits 0 at once too.
	a.stop(t)
	if strings.Contains(a.logs.String(), secret) {
		t.Fatal("the agent logged its secret")
	}
}

// myposAgent runs the agent binary to completion and returns its exit
// status, stdout and stderr.
func myposAgent(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	cmd := exec.Command(filepath.Join(binDir, "mypos-agent"), args...)
	cmd.Dir = t.TempDir()
	var stdout, stderr strings.Builder
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	if exit, ok := err.(*exec.ExitError); ok {
		return exit.ExitCode(), stdout.String(), stderr.String()
	} else if err != nil {
		t.Fatal(err)
	}
	return 0, stdout.String(), stderr.String()
}

// identityFiles checks what enrollment stored, and returns the secret.
func identityFiles(t *testing.T, dir, deviceID, mqttURL string) string {
	t.Helper()
	if fi, err := os.Stat(dir); err != nil || fi.Mode().Perm() != 0o700 {
		t.Fatalf("data directory: %v %v, want mode 0700", fi, err)
	}
	values := map[string]string{}
	for _, name := range []string{"device-id", "secret", "mqtt-url"} {
		path := filepath.Join(dir, name)
		fi, err := os.Stat(path)
		if err != nil || fi.Mode().Perm() != 0o600 {
			t.Fatalf("%s: %v %v, want mode 0600", name, fi, err)
		}
		b, _ := os.ReadFile(path)
		values[name] = strings.TrimSpace(string(b))
	}
	if values["device-id"] != deviceID || values["mqtt-url"] != mqttURL || len(values["secret"]) < 32 {
		t.Fatalf("identity %q, want device %s at %s with a secret", values["device-id"]+" "+values["mqtt-url"], deviceID, mqttURL)
	}
	return values["secret"]
}

// agentProc is a running `mypos-agent run`.
type agentProc struct {
	cmd  *exec.Cmd
	logs *lockedBuffer
	done chan error
}

// startAgent runs the agent on dir, with short reconnect waits so the test
// does not wait out a minute of backoff.
func startAgent(t *testing.T, dir string, args ...string) *agentProc {
	t.Helper()
	a := &agentProc{logs: &lockedBuffer{}, done: make(chan error, 1)}
	args = append([]string{"run", "--data", dir, "--reconnect-max", "2s"}, args...)
	a.cmd = exec.Command(filepath.Join(binDir, "mypos-agent"), args...)
	a.cmd.Stdout, a.cmd.Stderr = a.logs, a.logs
	if err := a.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { a.done <- a.cmd.Wait() }()
	t.Cleanup(func() { a.cmd.Process.Kill() }) // a no-op once it stopped
	return a
}

// waitLog waits until the agent has logged want at least n times.
func (a *agentProc) waitLog(t *testing.T, want string, n int) {
	t.Helper()
	a.waitLogWithin(t, want, n, 30*time.Second)
}

// waitLogWithin waits up to limit until the agent has logged want at least
// n times.
func (a *agentProc) waitLogWithin(t *testing.T, want string, n int, limit time.Duration) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for strings.Count(a.logs.String(), want) < n {
		if time.Now().After(deadline) {
			t.Fatalf("the agent did not log %s %d times within %v:\n%s", want, n, limit, a.logs)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// stop sends SIGTERM and expects exit 0 within 5 s.
func (a *agentProc) stop(t *testing.T) {
	t.Helper()
	a.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-a.done:
		if err != nil {
			t.Fatalf("the agent exited with %v after SIGTERM:\n%s", err, a.logs)
		}
	case <-time.After(5 * time.Second):
		t.Fatalf("the agent did not stop within 5 s of SIGTERM:\n%s", a.logs)
	}
}

// restartServer stops s and starts the cloud again on the same database
// and the same MQTT address, as an operator's restart would.
func restartServer(t *testing.T, s *server) *server {
	t.Helper()
	s.stop()
	return startAgain(t, s)
}

// startAgain starts a stopped cloud again on its database and its MQTT
// address.
func startAgain(t *testing.T, s *server) *server {
	t.Helper()
	keep := []string{"MYPOS_MQTT_ADDR=" + s.MQTT}
	for _, kv := range s.cmd.Env {
		if strings.HasPrefix(kv, "MYPOS_DATABASE_URL=") || strings.HasPrefix(kv, "MYPOS_DATA_DIR=") {
			keep = append(keep, kv) // the last one wins, as in the process
		}
	}
	return startServer(t, keep...)
}

// The agent enrolls over HTTPS and connects over MQTT on TLS, trusting the
// cloud's self-signed certificate with --ca; and connects over WebSocket.
func TestAgentTLSAndWebSocket(t *testing.T) {
	certFile, keyFile, pool := selfSigned(t)
	tlsAddr := freeAddr(t)
	s := startServer(t, "MYPOS_MQTT_TLS_ADDR="+tlsAddr, "MYPOS_MQTT_WS_ADDR=127.0.0.1:0",
		"MYPOS_TLS_CERT="+certFile, "MYPOS_TLS_KEY="+keyFile, "MYPOS_PUBLIC_MQTT_URL=mqtts://"+tlsAddr)
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}, Timeout: 10 * time.Second}
	postJSON(t, client, s.URL+"/api/v1/auth/register", "", map[string]string{"kind": "company", "name": "TLS", "inn": "7707083893", "email": "tls@shop.test", "password": "company-password"})
	token := postJSON(t, client, s.URL+"/api/v1/auth/login", "", map[string]string{"email": "tls@shop.test", "password": "company-password"})["token"].(string)
	till := postJSON(t, client, s.URL+"/api/v1/devices", token, map[string]string{"name": "Касса TLS"})
	code, data := till["enrollment_code"].(string), filepath.Join(t.TempDir(), "agent-data")

	// Without the CA the cloud is a stranger: refused at once, not retried.
	status, _, stderr := myposAgent(t, "enroll", "--server", s.URL, "--code", code, "--data", data)
	oneLine(t, status, stderr, "certificate signed by unknown authority; --ca FILE")
	status, stdout, stderr := myposAgent(t, "enroll", "--server", s.URL, "--code", code, "--data", data, "--ca", certFile)
	if status != 0 {
		t.Fatalf("enroll with --ca: exit %d, stdout %q, stderr %q", status, stdout, stderr)
	}
	identityFiles(t, data, till["id"].(string), "mqtts://"+tlsAddr)

	a := startAgent(t, data, "--ca", certFile)
	a.waitLog(t, "msg=connected", 1)
	a.stop(t)
	if !strings.Contains(a.logs.String(), "broker=ssl://"+tlsAddr) {
		t.Fatalf("not connected over TLS:\n%s", a.logs)
	}

	// The same identity over the WebSocket listener, as an operator would
	// point a till behind a proxy that passes only HTTP.
	ws := s.banner["mqtt-ws"]
	if err := os.WriteFile(filepath.Join(data, "mqtt-url"), []byte(ws+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	a = startAgent(t, data)
	a.waitLog(t, "msg=connected", 1)
	a.stop(t)
	if !strings.Contains(a.logs.String(), "broker="+ws) {
		t.Fatalf("not connected over WebSocket:\n%s", a.logs)
	}
}

// freeAddr returns a loopback address with a port nobody listens on now,
// for a listener whose address must be known before the server starts.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// postJSON posts through client and expects a 2xx JSON answer.
func postJSON(t *testing.T, client *http.Client, url, token string, body any) map[string]any {
	t.Helper()
	b, _ := json.Marshal(body)
	req, _ := http.NewRequest(http.MethodPost, url, bytes.NewReader(b))
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || resp.StatusCode/100 != 2 {
		t.Fatalf("POST %s: %d %v %v", url, resp.StatusCode, out, err)
	}
	return out
}
