package cabinet_test

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"mypos"
	"mypos/backoffice"
	"mypos/db"
)

// A month of a chain — 50 tills × 300 receipts a day × 30 days, 450 000
// receipts — and how fast the receipts page, a filtered one, the next
// page, the summary and the exports answer. Slow to fill, so it runs only
// when asked:
//
//	MYPOS_SIZE_TEST=1 go test -run TestWebSalesMonthSize -v ./cabinet/
//
// The pages must answer within a second each; the figures are logged.
func TestWebSalesMonthSize(t *testing.T) {
	if os.Getenv("MYPOS_SIZE_TEST") == "" {
		t.Skip("set MYPOS_SIZE_TEST=1 to fill a month of 50 tills")
	}
	const tills, perDay, days = 50, 300, 30
	e := newSalesEnv(t)
	token, ctx := e.company("chain@shop.test")
	a, _ := mypos.ActorFromContext(ctx)
	stores := make([]string, 5)
	for i := range stores {
		stores[i] = e.createStore(token, fmt.Sprintf("Магазин %d", i+1))
	}
	devices := make([]string, tills)
	for i := range devices {
		devices[i] = e.device(ctx, fmt.Sprintf("Касса %d", i+1), &stores[i%len(stores)])
	}
	cashiers := make([]string, 20)
	for i := range cashiers {
		c, err := e.office.CreateCashier(ctx, backoffice.CashierInput{Name: fmt.Sprintf("Кассир %d", i+1), PIN: "1234", Role: backoffice.RoleCashier})
		if err != nil {
			t.Fatal(err)
		}
		cashiers[i] = c.ID
	}
	start := time.Now()
	e.fillMonth(a.CompanyID, stores, devices, cashiers, perDay, days)
	t.Logf("filled %d receipts in %v", tills*perDay*days, time.Since(start).Round(time.Millisecond))

	from, to := daysAgo(days-1), daysAgo(0)
	period := "from=" + from + "&to=" + to
	timed := func(what, path string, want int) string {
		t.Helper()
		start := time.Now()
		r := e.call("GET", path, token, "")
		took := time.Since(start)
		t.Logf("%-32s %8v %9d bytes", what, took.Round(time.Millisecond), len(r.raw))
		if r.status != want {
			t.Fatalf("%s: %d %.300s", what, r.status, r.raw)
		}
		if took > time.Second && !strings.HasSuffix(path, ".csv") && !strings.Contains(path, ".csv?") {
			t.Errorf("%s took %v, want under a second", what, took)
		}
		return r.raw
	}
	first := timed("receipts, the month", "/receipts?"+period, http.StatusOK)
	if n := len(receiptLinks(first)); n != 50 {
		t.Fatalf("%d receipts on the first page", n)
	}
	next := nextPageRe.FindStringSubmatch(first)
	if next == nil {
		t.Fatal("no next page")
	}
	timed("receipts, the next page", strings.ReplaceAll(next[1], "&amp;", "&"), http.StatusOK)
	timed("receipts, one till", "/receipts?"+period+"&device_id="+devices[7], http.StatusOK)
	timed("receipts, one cashier, a day", "/receipts?from="+daysAgo(3)+"&to="+daysAgo(3)+"&cashier_id="+cashiers[3], http.StatusOK)
	sum := timed("summary, the month", "/receipts/summary?"+period, http.StatusOK)
	if !strings.Contains(sum, `<td data-label="Чеков" class="num">450000</td>`) && !strings.Contains(sum, ">450000<") {
		t.Errorf("the summary does not count 450000 receipts")
	}
	timed("summary CSV, the month", "/receipts/summary.csv?"+period, http.StatusOK)
	csv := timed("receipts CSV, one till", "/receipts.csv?"+period+"&device_id="+devices[7], http.StatusOK)
	if n := strings.Count(csv, "\r\n"); n != perDay*days+1 {
		t.Errorf("the till's export has %d lines, want %d", n, perDay*days+1)
	}
	timed("receipts CSV, the month", "/receipts.csv?"+period, http.StatusOK)
}

// nextPageRe finds the pager's link to the next page.
var nextPageRe = regexp.MustCompile(`<a href="([^"]+)" class="next"`)

// fillMonth writes perDay receipts a day of each device over the last
// days days straight into the table, many rows a statement: the ingester
// would take minutes for what the pages only read.
func (e *salesEnv) fillMonth(companyID string, stores, devices, cashiers []string, perDay, days int) {
	e.t.Helper()
	const batch = 500
	conn := e.db.Conn(context.Background())
	received := time.Now().UTC()
	var rows []string
	var args []any
	flush := func() {
		if len(rows) == 0 {
			return
		}
		err := conn.Exec(`INSERT INTO receipts (device_id, id, company_id, store_id, cashier_id, number, punched_at, utc_offset, day,
			payment, total, discount, vat, lines, body, received_at) VALUES `+strings.Join(rows, ","), args...).Error
		if err != nil {
			e.t.Fatal(err)
		}
		rows, args = rows[:0], args[:0]
	}
	for d := range days {
		day := daysAgo(d)
		opening := at(day, "08:00:00+03:00")
		for i, dev := range devices {
			for n := range perDay {
				punched := opening.Add(time.Duration(n) * 3 * time.Minute).Add(time.Duration(i) * time.Second)
				rows = append(rows, "(?, ?, ?, ?, ?, ?, ?, 10800, ?, 'card', ?, ?, ?, 3, '{}', ?)")
				args = append(args, dev, mypos.NewID(), companyID, stores[i%len(stores)], cashiers[(i+n/100)%len(cashiers)],
					d*perDay+n+1, punched.UTC(), day, int64(10000+n*7), int64(n%5*100), int64(1800+n), received)
				if len(rows) == batch {
					flush()
				}
			}
		}
	}
	flush()
	// Postgres plans by its statistics, which autovacuum keeps after a
	// load like this one; SQLite keeps none unless asked, and in
	// production nobody asks, so it plans without them here too.
	if e.db.Dialect() == db.Postgres {
		if err := conn.Exec("ANALYZE receipts").Error; err != nil {
			e.t.Fatal(err)
		}
	}
}
