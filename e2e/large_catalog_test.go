package e2e

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// envLargeCatalog sizes TestLargeCatalogReachesAFreshTill (at least
// 15,000 goods, over a hundred pages): the README's figures for 15,000 and
// 200,000 goods come from it.
const envLargeCatalog = "MYPOS_E2E_GOODS"

// A company imports 100,000 goods by CSV through the API, and a fresh
// `mypos-agent` enrolled into it converges: its revision reaches the head,
// it holds every goods, and the cabinet shows it behind by nothing. The
// sync is hundreds of pages, far over the uplink's burst: the cloud paces
// it. Then the till is moved to a store, which has it load the catalog
// again from scratch; that sync is cut by a SIGKILL at its hundredth page,
// and the agent started again resumes it from the last page it staged.
func TestLargeCatalogReachesAFreshTill(t *testing.T) {
	goods := 100_000
	if v := os.Getenv(envLargeCatalog); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 15_000 {
			t.Fatalf("%s=%q: want a number of goods, at least 15000", envLargeCatalog, v)
		}
		goods = n
	}
	const converge = 5 * time.Minute
	s := startServer(t)
	shop := s.company(t, "large@shop.test")
	start := time.Now()
	if r := s.post(t, "/api/v1/goods/import", shop, "text/csv", catalogCSV(goods)); r.Status != http.StatusOK || r.Body["created"] != float64(goods) {
		t.Fatalf("import: %d %s", r.Status, r.Raw)
	}
	t.Logf("imported %d goods in %v", goods, time.Since(start).Round(time.Millisecond))

	d := s.do("POST", "/api/v1/devices", shop, map[string]any{"name": "Касса"}).must(t, http.StatusCreated)
	tl := &till{id: d.str("id"), dir: filepath.Join(t.TempDir(), "agent")}
	if code, _, stderr := myposAgent(t, "enroll", "--server", s.URL, "--code", d.str("enrollment_code"), "--data", tl.dir); code != 0 {
		t.Fatalf("enroll: exit %d: %s", code, stderr)
	}
	start = time.Now()
	tl.agentProc = startAgent(t, tl.dir, "--listen", "127.0.0.1:0")
	tl.waitLogWithin(t, "msg=synced", 1, converge)
	t.Logf("a fresh till converged from %d goods in %v", goods, time.Since(start).Round(time.Millisecond))
	tl.openAPI(t)
	tl.holdsAtTheHead(t, s, shop, goods)

	store := s.do("POST", "/api/v1/stores", shop, map[string]string{"name": "Магазин"}).must(t, http.StatusCreated).str("id")
	progress := strings.Count(tl.logs.String(), `msg="sync progress"`)
	s.do("PATCH", "/api/v1/devices/"+tl.id, shop, map[string]any{"store_id": store}).must(t, http.StatusOK)
	tl.waitLogWithin(t, `msg="sync progress"`, progress+1, converge) // the reload's hundredth page
	tl.cmd.Process.Kill()
	<-tl.done
	tl.agentProc = startAgent(t, tl.dir, "--listen", "127.0.0.1:0")
	tl.waitLogWithin(t, "msg=synced", 1, converge)
	if !strings.Contains(tl.logs.String(), `msg="sync resumed" id=`) || !strings.Contains(tl.logs.String(), "reset=true") {
		t.Fatalf("the agent killed mid-reload did not resume it:\n%s", tl.logs)
	}
	tl.openAPI(t)
	tl.holdsAtTheHead(t, s, shop, goods)
}

// holdsAtTheHead checks the till holds n goods, and the cabinet shows it at
// the revision it holds, behind by nothing.
func (tl *till) holdsAtTheHead(t *testing.T, s *server, token string, n int) {
	t.Helper()
	if got := len(tl.list(t, "goods")); got != n {
		t.Fatalf("the till holds %d goods, want %d", got, n)
	}
	within(t, 30*time.Second, "the cabinet shows the till at the head", func() bool {
		v := s.do("GET", "/api/v1/devices/"+tl.id, token, nil).must(t, http.StatusOK)
		_, status := tl.call(t, "GET", "/v1/status", "")
		return v.Body["behind"] == 0.0 && v.Body["revision"] == status["revision"]
	})
}

// catalogCSV is an import file of n goods with distinct codes and barcodes.
func catalogCSV(n int) []byte {
	var b bytes.Buffer
	b.WriteString("code,name,barcode,price,unit,vat,group\n")
	for i := range n {
		fmt.Fprintf(&b, "G%d,Товар %d,%s,%d.%02d,piece,22,Бакалея/Крупы\n", i, i, ean13(fmt.Sprintf("46%010d", i)), 10+i%900, i%100)
	}
	return b.Bytes()
}

// ean13 completes 12 digits with their EAN-13 check digit.
func ean13(first12 string) string {
	sum := 0
	for i, c := range first12 {
		d := int(c - '0')
		if i%2 == 1 {
			d *= 3
		}
		sum += d
	}
	return first12 + strconv.Itoa((10-sum%10)%10)
}

// post sends a raw body to the cabinet.
func (s *server) post(t *testing.T, path, token, contentType string, body []byte) response {
	t.Helper()
	req, _ := http.NewRequest("POST", s.URL+path, bytes.NewReader(body))
	req.Header.Set("Content-Type", contentType)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("POST %s: %v", path, err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	r := response{Status: resp.StatusCode, Header: resp.Header, Raw: string(raw)}
	json.Unmarshal(raw, &r.Body)
	return r
}
