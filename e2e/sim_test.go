package e2e

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
)

// simReport is the part of `mypos-agent sim --json` the test reads.
type simReport struct {
	Tills, Receipts, Lines int
	Sell, Upload           struct {
		Seconds   float64 `json:"seconds"`
		PerSecond float64 `json:"per_second"`
	}
	Cloud  int `json:"cloud_receipts"`
	Errors []string
}

// `mypos-agent sim` sets up a company's tills through the cabinet's API,
// runs them as real agents, has them sell and reports: the cloud lists
// exactly the receipts the report counts. A second run with the same
// --data reuses the tills, their licenses and the cashier, and sells
// offline before the tills come back to upload; a company short
// of licenses is refused before anything is written.
func TestSim(t *testing.T) {
	s := startServer(t)
	shop := s.company(t, "sim@shop.test")
	sealedLicenses(t, s, shop, "sim-dealer@shop.test", 3)
	data := filepath.Join(t.TempDir(), "sim")
	sim := func(args ...string) (int, string, string) {
		return myposAgent(t, append([]string{"sim", "--server", s.URL, "--token", shop, "--data", data}, args...)...)
	}

	code, stdout, stderr := sim("--tills", "3", "--receipts", "20", "--json")
	var rep simReport
	if err := json.Unmarshal([]byte(stdout), &rep); code != 0 || err != nil {
		t.Fatalf("sim: exit %d, %v\nstdout %s\nstderr %s", code, err, stdout, stderr)
	}
	if rep.Tills != 3 || rep.Receipts != 60 || rep.Lines != 3 || rep.Cloud != 60 || len(rep.Errors) != 0 {
		t.Fatalf("report %+v, want 3 tills, 60 receipts of 3 lines, 60 in the cloud, no errors", rep)
	}
	if rep.Sell.PerSecond <= 0 || rep.Upload.PerSecond <= 0 || rep.Upload.Seconds < rep.Sell.Seconds {
		t.Fatalf("rates %+v %+v: want both positive, the upload ending after the last sale", rep.Sell, rep.Upload)
	}
	if got := len(cloudReceipts(t, s, shop)); got != 60 {
		t.Fatalf("the cloud lists %d receipts, want 60", got)
	}

	// Again, the tills selling offline and coming back at once.
	code, stdout, stderr = sim("--tills", "3", "--receipts", "5", "--offline")
	if code != 0 || !strings.Contains(stdout, "cloud     lists 15 of 15\nerrors    none\n") {
		t.Fatalf("sim again: exit %d\nstdout %s\nstderr %s", code, stdout, stderr)
	}
	if got := len(cloudReceipts(t, s, shop)); got != 75 {
		t.Fatalf("the cloud lists %d receipts after both runs, want 75", got)
	}
	devices, cashiers := listAll(t, s, shop, "/api/v1/devices"), listAll(t, s, shop, "/api/v1/cashiers")
	if len(devices) != 3 || len(cashiers) != 1 {
		t.Fatalf("%d devices and %d cashiers, want the first run's 3 and 1", len(devices), len(cashiers))
	}

	code, _, stderr = sim("--tills", "4")
	if code != 1 || !strings.Contains(stderr, "short of licenses: tills without one 1, free licenses 0") {
		t.Fatalf("a fourth till without a license: exit %d, stderr %q", code, stderr)
	}
	if got := len(listAll(t, s, shop, "/api/v1/devices")); got != 3 {
		t.Fatalf("%d devices after the refusal, want 3", got)
	}
}
