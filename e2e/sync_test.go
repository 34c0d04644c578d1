package e2e

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"
)

// till is a real `mypos-agent run`, enrolled, with its local API.
type till struct {
	*agentProc
	id, dir, api, token string
}

var apiLine = regexp.MustCompile(`local api listening.*addr=(\S+)`)

// startTill adds a device to the company, enrolls `mypos-agent` with its
// code and runs it until its first sync.
func startTill(t *testing.T, s *server, token, name, storeID string) *till {
	t.Helper()
	body := map[string]any{"name": name}
	if storeID != "" {
		body["store_id"] = storeID
	}
	d := s.do("POST", "/api/v1/devices", token, body).must(t, http.StatusCreated)
	tl := &till{id: d.str("id"), dir: filepath.Join(t.TempDir(), "agent")}
	if code, _, stderr := myposAgent(t, "enroll", "--server", s.URL, "--code", d.str("enrollment_code"), "--data", tl.dir); code != 0 {
		t.Fatalf("enroll %s: exit %d: %s", name, code, stderr)
	}
	tl.run(t)
	return tl
}

// run starts the agent process and waits for its first sync.
func (tl *till) run(t *testing.T) {
	t.Helper()
	tl.agentProc = startAgent(t, tl.dir, "--listen", "127.0.0.1:0")
	tl.waitLog(t, "msg=synced", 1)
	tl.openAPI(t)
}

// openAPI reads where the running agent's local API listens, and its token.
func (tl *till) openAPI(t *testing.T) {
	t.Helper()
	m := apiLine.FindStringSubmatch(tl.logs.String())
	if m == nil {
		t.Fatalf("the agent did not log its local API address:\n%s", tl.logs)
	}
	tl.api = m[1]
	b, err := os.ReadFile(filepath.Join(tl.dir, "api-token"))
	if err != nil {
		t.Fatal(err)
	}
	tl.token = strings.TrimSpace(string(b))
}

// entities reads every entity of a kind the till holds, by ID.
func (tl *till) entities(t *testing.T, kind string) map[string]map[string]any {
	t.Helper()
	list := tl.list(t, kind)
	out := make(map[string]map[string]any, len(list))
	for _, it := range list {
		out[it["id"].(string)] = it
	}
	return out
}

// list reads every entity of a kind the till holds.
func (tl *till) list(t *testing.T, kind string) []map[string]any {
	t.Helper()
	req, _ := http.NewRequest("GET", "http://"+tl.api+"/v1/entities/"+kind, nil)
	req.Header.Set("Authorization", "Bearer "+tl.token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("till API: %v", err)
	}
	defer resp.Body.Close()
	var list struct {
		Items []map[string]any `json:"items"`
	}
	if resp.StatusCode != http.StatusOK || json.NewDecoder(resp.Body).Decode(&list) != nil {
		t.Fatalf("till API /v1/entities/%s: %d", kind, resp.StatusCode)
	}
	return list.Items
}

// within waits for cond and fails when it takes longer than limit.
func within(t *testing.T, limit time.Duration, what string, cond func() bool) {
	t.Helper()
	start := time.Now()
	for !cond() {
		if time.Since(start) > limit {
			t.Fatalf("not within %v: %s", limit, what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestSyncReachesExactlyTheTillsThatMaySee(t *testing.T) {
	s := startServer(t)
	shop := s.company(t, "sync@shop.test")
	s1 := s.do("POST", "/api/v1/stores", shop, map[string]string{"name": "Магазин 1"}).must(t, http.StatusCreated).str("id")
	s2 := s.do("POST", "/api/v1/stores", shop, map[string]string{"name": "Магазин 2"}).must(t, http.StatusCreated).str("id")
	a := startTill(t, s, shop, "Касса A", s1)
	b := startTill(t, s, shop, "Касса B", s2)

	has := func(tl *till, id string) bool { _, ok := tl.entities(t, "cashier")[id]; return ok }
	olga := s.do("POST", "/api/v1/cashiers", shop, map[string]any{"name": "Ольга", "pin": "1234", "role": "cashier", "device_ids": []string{a.id}}).must(t, http.StatusCreated).str("id")
	within(t, time.Second, "the cashier allowed on A appears on A", func() bool { return has(a, olga) })
	if has(b, olga) {
		t.Fatal("the cashier allowed on A reached B")
	}
	s.do("PATCH", "/api/v1/cashiers/"+olga, shop, map[string]any{"device_ids": []string{a.id, b.id}}).must(t, http.StatusOK)
	within(t, time.Second, "allowing the cashier on B adds it there", func() bool { return has(b, olga) })
	s.do("PATCH", "/api/v1/cashiers/"+olga, shop, map[string]any{"device_ids": []string{b.id}}).must(t, http.StatusOK)
	within(t, time.Second, "disallowing the cashier on A deletes it there", func() bool { return !has(a, olga) })
	if !has(b, olga) {
		t.Fatal("B lost the cashier it is still allowed")
	}
	if a.entities(t, "cashier")[olga] != nil || b.entities(t, "cashier")[olga]["pin_hash"] != nil {
		t.Fatal("the till API serves a PIN hash")
	}
	s.do("PATCH", "/api/v1/stores/"+s1, shop, map[string]string{"name": "Магазин на Советской"}).must(t, http.StatusOK)
	for _, tl := range []*till{a, b} {
		within(t, time.Second, "a store's new name reaches every till", func() bool {
			return tl.entities(t, "store")[s1]["name"] == "Магазин на Советской"
		})
	}
	if strings.Count(b.logs.String(), "msg=synced") != 1 {
		t.Fatalf("B synced again instead of applying pushes:\n%s", b.logs)
	}
}

// The cloud's view of one till, read through the cabinet's API.
func cloudView(t *testing.T, s *server, token, deviceID string) map[string]map[string]map[string]any {
	t.Helper()
	view := map[string]map[string]map[string]any{"cashier": {}, "store": {}, "device": {}}
	for _, c := range listAll(t, s, token, "/api/v1/cashiers") {
		for _, d := range c["device_ids"].([]any) {
			if d == deviceID {
				view["cashier"][c["id"].(string)] = pick(c, "id", "name", "role", "active", "device_ids")
			}
		}
	}
	for _, st := range listAll(t, s, token, "/api/v1/stores") {
		view["store"][st["id"].(string)] = pick(st, "id", "name", "address")
	}
	d := s.do("GET", "/api/v1/devices/"+deviceID, token, nil).must(t, http.StatusOK)
	view["device"][deviceID] = pick(d.Body, "id", "name", "serial", "store_id")
	view["goods"] = map[string]map[string]any{}
	for _, g := range listAll(t, s, token, "/api/v1/goods") {
		view["goods"][g["id"].(string)] = pick(g, tillFields["goods"]...)
	}
	view["price"] = map[string]map[string]any{}
	if store, _ := d.Body["store_id"].(string); store != "" {
		for _, p := range listAll(t, s, token, "/api/v1/stores/"+store+"/prices") {
			view["price"][p["goods_id"].(string)] = pick(p, tillFields["price"]...)
		}
	}
	view["license"] = map[string]map[string]any{}
	for _, l := range listAll(t, s, token, "/api/v1/licenses?state=active") {
		if l["device_id"] == deviceID {
			view["license"][l["id"].(string)] = pick(l, tillFields["license"]...)
		}
	}
	return view
}

// tillFields are the fields of each kind a till's view is compared by.
var tillFields = map[string][]string{
	"cashier": {"id", "name", "role", "active", "device_ids"},
	"store":   {"id", "name", "address"},
	"device":  {"id", "name", "serial", "store_id"},
	"goods":   {"id", "code", "name", "price", "unit", "vat", "active", "barcodes"},
	"price":   {"goods_id", "store_id", "price"},
	"license": {"id"},
}

func (tl *till) view(t *testing.T) map[string]map[string]map[string]any {
	t.Helper()
	view := map[string]map[string]map[string]any{}
	for kind, keep := range tillFields {
		view[kind] = map[string]map[string]any{}
		for _, body := range tl.list(t, kind) {
			view[kind][fmt.Sprint(body[keep[0]])] = pick(body, keep...)
		}
	}
	return view
}

func pick(m map[string]any, keys ...string) map[string]any {
	out := make(map[string]any, len(keys))
	for _, k := range keys {
		v := m[k]
		if list, ok := v.([]any); ok {
			s := make([]string, len(list))
			for i, x := range list {
				s[i] = fmt.Sprint(x)
			}
			sort.Strings(s)
			v = s
		}
		out[k] = v
	}
	return out
}

func listAll(t *testing.T, s *server, token, path string) []map[string]any {
	t.Helper()
	var out []map[string]any
	cursor := ""
	for {
		sep := "?"
		if strings.Contains(path, "?") {
			sep = "&"
		}
		r := s.do("GET", path+sep+"limit=500&cursor="+cursor, token, nil).must(t, http.StatusOK)
		for _, it := range r.Body["items"].([]any) {
			out = append(out, it.(map[string]any))
		}
		next, _ := r.Body["next"].(string)
		if next == "" {
			return out
		}
		cursor = next
	}
}

// A till offline through 1,000 mixed changes — cashiers allowed and
// disallowed, store moves, goods, store prices, license moves, deletes —
// and a server restart in the middle of them holds exactly the cloud's
// view once it is back: every entity of every kind compared, not counts.
func TestSyncCatchUpAfterAWeekOffline(t *testing.T) {
	s := startServer(t)
	shop := s.company(t, "offline@shop.test")
	stores := []string{
		s.do("POST", "/api/v1/stores", shop, map[string]string{"name": "Магазин 1"}).must(t, http.StatusCreated).str("id"),
		s.do("POST", "/api/v1/stores", shop, map[string]string{"name": "Магазин 2"}).must(t, http.StatusCreated).str("id"),
	}
	a := startTill(t, s, shop, "Касса A", stores[0])
	b := startTill(t, s, shop, "Касса B", stores[0])
	var cashiers, goods []string
	for i := 0; i < 20; i++ {
		cashiers = append(cashiers, s.do("POST", "/api/v1/cashiers", shop, map[string]any{
			"name": fmt.Sprintf("Кассир %d", i), "pin": "1234", "role": "cashier", "device_ids": []string{a.id, b.id},
		}).must(t, http.StatusCreated).str("id"))
	}
	newGoods := func(i int) string {
		return s.do("POST", "/api/v1/goods", shop, map[string]any{
			"code": fmt.Sprintf("G%d", i), "name": fmt.Sprintf("Товар %d", i), "price": 1000 + i, "unit": "piece", "vat": "22",
		}).must(t, http.StatusCreated).str("id")
	}
	for i := 0; i < 12; i++ {
		goods = append(goods, newGoods(-i))
	}
	licenses := sealedLicenses(t, s, shop, "offline-dealer@shop.test", 2)
	s.do("POST", "/api/v1/devices/"+a.id+"/license", shop, map[string]string{"license_id": licenses[0]}).must(t, http.StatusCreated)
	b.stop(t)

	// Each worker of run below takes the i of one residue mod 4, and both
	// lists' lengths are multiples of 4: no two workers touch one element.
	sets := [][]string{{a.id}, {b.id}, {a.id, b.id}, {}}
	change := func(i int) {
		c, g := cashiers[i%len(cashiers)], goods[i%len(goods)]
		switch i % 16 {
		case 0, 1, 2, 3, 4, 5:
			s.do("PATCH", "/api/v1/cashiers/"+c, shop, map[string]any{"device_ids": sets[(i/7)%len(sets)]}).must(t, http.StatusOK)
		case 6:
			s.do("PATCH", "/api/v1/devices/"+b.id, shop, map[string]any{"store_id": stores[(i/16)%2]}).must(t, http.StatusOK)
		case 7:
			s.do("PATCH", "/api/v1/stores/"+stores[i%2], shop, map[string]any{"name": fmt.Sprintf("Магазин %d", i)}).must(t, http.StatusOK)
		case 8:
			s.do("PATCH", "/api/v1/cashiers/"+c, shop, map[string]any{"name": fmt.Sprintf("Кассир %d", i), "active": i%3 != 0}).must(t, http.StatusOK)
		case 9:
			if s.do("DELETE", "/api/v1/cashiers/"+c, shop, nil).Status == http.StatusNoContent {
				cashiers[i%len(cashiers)] = s.do("POST", "/api/v1/cashiers", shop, map[string]any{
					"name": fmt.Sprintf("Новый %d", i), "pin": "4321", "role": "senior_cashier", "device_ids": sets[i%len(sets)],
				}).must(t, http.StatusCreated).str("id")
			}
		case 10, 11:
			s.do("PATCH", "/api/v1/goods/"+g, shop, map[string]any{"price": 2000 + i}).must(t, http.StatusOK)
		case 12:
			s.do("PUT", "/api/v1/stores/"+stores[i%2]+"/prices", shop, map[string]any{"goods_id": g, "price": 3000 + i}).must(t, http.StatusOK)
		case 13:
			s.do("DELETE", "/api/v1/stores/"+stores[(i/16)%2]+"/prices/"+g, shop, nil) // 404 when it has none
		case 14:
			on := []*till{a, b}[(i/32)%2]
			if r := s.do("POST", "/api/v1/devices/"+on.id+"/license", shop, map[string]string{"license_id": licenses[(i/16)%2]}); r.Status != http.StatusCreated && r.Status != http.StatusConflict {
				t.Errorf("license move: %d %s", r.Status, r.Raw)
			}
		case 15:
			s.do("DELETE", "/api/v1/goods/"+g, shop, nil).must(t, http.StatusNoContent)
			goods[i%len(goods)] = newGoods(i)
		}
	}
	run := func(from, to int) {
		var wg sync.WaitGroup
		for w := 0; w < 4; w++ {
			wg.Add(1)
			go func(w int) {
				defer wg.Done()
				for i := from + w; i < to; i += 4 {
					change(i)
				}
			}(w)
		}
		wg.Wait()
	}
	run(0, 500)
	s = restartServer(t, s)
	run(500, 1000)

	b.run(t)
	converged(t, s, shop, b, 5*time.Second)
	// A stayed online through it all, the restart included.
	converged(t, s, shop, a, 10*time.Second)
	va, vb := a.view(t), b.view(t)
	if len(vb["goods"]) != len(goods) || len(va["license"])+len(vb["license"]) == 0 || len(va["price"])+len(vb["price"]) == 0 {
		t.Fatalf("the views compared are not the whole story: B holds %d goods, A and B %d licenses and %d store prices",
			len(vb["goods"]), len(va["license"])+len(vb["license"]), len(va["price"])+len(vb["price"]))
	}
}

// converged waits until a till holds exactly the cloud's view of it, and
// says where they differ when it does not.
func converged(t *testing.T, s *server, token string, tl *till, limit time.Duration) {
	t.Helper()
	want := cloudView(t, s, token, tl.id)
	start := time.Now()
	for !reflect.DeepEqual(tl.view(t), want) {
		if time.Since(start) > limit {
			got := tl.view(t)
			for kind := range want {
				for id, w := range want[kind] {
					if !reflect.DeepEqual(got[kind][id], w) {
						t.Errorf("%s %s: till has %v, cloud %v", kind, id, got[kind][id], w)
					}
				}
				for id, g := range got[kind] {
					if want[kind][id] == nil {
						t.Errorf("%s %s: till has %v, cloud has nothing", kind, id, g)
					}
				}
			}
			t.Fatalf("the till did not converge within %v:\n%s", limit, tl.logs)
		}
		time.Sleep(20 * time.Millisecond)
		want = cloudView(t, s, token, tl.id)
	}
}
