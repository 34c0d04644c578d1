package e2e

import (
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// The catalog and licenses reach exactly the tills that may see them: a
// goods and its price reach every till, a store price only the tills of
// that store, a license only the till it is on — each within a second. A
// till that cannot see a burst of changes never syncs because of them.
func TestSyncCatalogAndLicenses(t *testing.T) {
	s := startServer(t)
	shop := s.company(t, "catalog@shop.test")
	licenses := sealedLicenses(t, s, shop, "catalog-dealer@shop.test", 1)
	s1 := s.do("POST", "/api/v1/stores", shop, map[string]string{"name": "Магазин 1"}).must(t, http.StatusCreated).str("id")
	s2 := s.do("POST", "/api/v1/stores", shop, map[string]string{"name": "Магазин 2"}).must(t, http.StatusCreated).str("id")
	a := startTill(t, s, shop, "Касса A", s1)
	b := startTill(t, s, shop, "Касса B", s2)
	both := []*till{a, b}

	milk := s.do("POST", "/api/v1/goods", shop, map[string]any{
		"code": "1001", "name": "Молоко 1 л", "price": 8990, "unit": "piece", "vat": "10", "barcodes": []string{"4600000000015"},
	}).must(t, http.StatusCreated).str("id")
	field := func(tl *till, kind, id, name string) any { return tl.entities(t, kind)[id][name] }
	for _, tl := range both {
		within(t, time.Second, "a new goods reaches every till", func() bool { return field(tl, "goods", milk, "price") == 8990.0 })
	}
	s.do("PATCH", "/api/v1/goods/"+milk, shop, map[string]any{"price": 9490}).must(t, http.StatusOK)
	for _, tl := range both {
		within(t, time.Second, "a price change reaches every till", func() bool { return field(tl, "goods", milk, "price") == 9490.0 })
	}

	// A store price: only the tills of that store.
	s.do("PUT", "/api/v1/stores/"+s1+"/prices", shop, map[string]any{"goods_id": milk, "price": 8500}).must(t, http.StatusOK)
	priceOf := func(tl *till) any {
		for _, p := range tl.list(t, "price") {
			if p["goods_id"] == milk {
				return p["price"]
			}
		}
		return nil
	}
	within(t, time.Second, "store 1's price reaches A", func() bool { return priceOf(a) == 8500.0 })

	// No thrash: 100 changes B cannot see and 1 it can — B applies the one
	// and never syncs.
	syncs := strings.Count(b.logs.String(), "msg=synced")
	for i := range 100 {
		s.do("PUT", "/api/v1/stores/"+s1+"/prices", shop, map[string]any{"goods_id": milk, "price": 8000 + i}).must(t, http.StatusOK)
	}
	s.do("PATCH", "/api/v1/goods/"+milk, shop, map[string]any{"name": "Молоко 1 л, 3,2 %"}).must(t, http.StatusOK)
	within(t, time.Second, "the one change B may see reaches it", func() bool { return field(b, "goods", milk, "name") == "Молоко 1 л, 3,2 %" })
	within(t, time.Second, "A holds store 1's last price", func() bool { return priceOf(a) == 8099.0 })
	if priceOf(b) != nil {
		t.Fatal("store 1's price reached B, a till of store 2")
	}
	if got := strings.Count(b.logs.String(), "msg=synced"); got != syncs {
		t.Fatalf("B synced %d times over 100 changes it cannot see, want 0:\n%s", got-syncs, b.logs)
	}

	// A license: on the till it is assigned to, and gone from it when it
	// moves to the other.
	s.do("POST", "/api/v1/devices/"+a.id+"/license", shop, map[string]string{"license_id": licenses[0]}).must(t, http.StatusCreated)
	within(t, time.Second, "the license shows on A", func() bool { return a.license(t) == licenses[0] })
	if b.license(t) != "" {
		t.Fatal("A's license shows on B")
	}
	s.do("POST", "/api/v1/devices/"+b.id+"/license", shop, map[string]string{"license_id": licenses[0]}).must(t, http.StatusCreated)
	within(t, time.Second, "the moved license shows on B", func() bool { return b.license(t) == licenses[0] })
	within(t, time.Second, "A shows no license", func() bool { return a.license(t) == "" })
}

// sealedLicenses gives a company n sealed licenses the way a partner
// does: the owner registers a partner (its e-mail dealer) and sells it n,
// the company links to it, and the partner transfers them.
func sealedLicenses(t *testing.T, s *server, company, dealer string, n int) []string {
	t.Helper()
	owner := s.login(t, ownerEmail, ownerPassword)
	partner := s.do("POST", "/api/v1/partners", owner, map[string]string{
		"name": "Партнёр " + dealer, "inn": "7736207543", "city": "Тверь", "email": dealer, "password": "partner-password",
	}).must(t, http.StatusCreated)
	sale := s.do("POST", "/api/v1/documents", owner, map[string]any{"type": "sale", "partner_id": partner.str("id"), "count": n}).must(t, http.StatusCreated)
	ids := make([]string, 0, n)
	for _, id := range sale.Body["license_ids"].([]any) {
		ids = append(ids, fmt.Sprint(id))
	}
	token := s.login(t, dealer, "partner-password")
	request := s.do("POST", "/api/v1/link-requests", company, map[string]string{"partner_code": partner.str("code")}).must(t, http.StatusCreated)
	s.do("POST", "/api/v1/link-requests/"+request.str("id")+"/accept", token, nil).must(t, http.StatusOK)
	companyID := s.do("GET", "/api/v1/me", company, nil).must(t, http.StatusOK).str("id")
	s.do("POST", "/api/v1/documents", token, map[string]any{"type": "transfer", "company_id": companyID, "license_ids": ids}).must(t, http.StatusCreated)
	return ids
}

// A till whose cursor is behind the pruning horizon starts over from a
// full snapshot and holds exactly the cloud's view.
func TestSyncBehindTheHorizon(t *testing.T) {
	s := startServer(t, "MYPOS_SYNC_HORIZON=2s")
	shop := s.company(t, "horizon@shop.test")
	store := s.do("POST", "/api/v1/stores", shop, map[string]string{"name": "Магазин"}).must(t, http.StatusCreated).str("id")
	b := startTill(t, s, shop, "Касса B", store)
	b.stop(t)
	var goods []string
	for i := range 30 {
		goods = append(goods, s.do("POST", "/api/v1/goods", shop, map[string]any{
			"code": fmt.Sprint(i), "name": fmt.Sprintf("Товар %d", i), "price": 100 + i, "unit": "piece", "vat": "none",
		}).must(t, http.StatusCreated).str("id"))
	}
	for _, g := range goods[:10] {
		s.do("DELETE", "/api/v1/goods/"+g, shop, nil).must(t, http.StatusNoContent)
	}
	// Revisions are gapless, one change each, and this server has one
	// company: once the prunes have deleted as many changes as its head
	// revision, every change B missed is gone. (Any prune at all is not
	// enough: under load one may have taken only what B had already seen.)
	within(t, 30*time.Second, "the server prunes every change B missed", func() bool {
		d := s.do("GET", "/api/v1/devices/"+b.id, shop, nil).must(t, http.StatusOK)
		acked, _ := d.Body["revision"].(float64)
		behind, _ := d.Body["behind"].(float64)
		return behind > 0 && prunedChanges(t, s) >= int64(acked+behind)
	})
	b.run(t)
	if !strings.Contains(b.logs.String(), "reset=true") {
		t.Fatalf("B behind the horizon did not start over from a snapshot:\n%s", b.logs)
	}
	converged(t, s, shop, b, 5*time.Second)
}

var prunedLine = regexp.MustCompile(`msg="pruned the changelog".* changes=(\d+)`)

// prunedChanges sums the changes the server's prunes deleted, by its log.
func prunedChanges(t *testing.T, s *server) int64 {
	t.Helper()
	var n int64
	for _, m := range prunedLine.FindAllStringSubmatch(s.logs.String(), -1) {
		k, err := strconv.ParseInt(m[1], 10, 64)
		if err != nil {
			t.Fatal(err)
		}
		n += k
	}
	return n
}
