package agent

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"
)

// testPINHash is the hash of testPIN, as the cloud sends it (a cheap cost:
// tests need not burn CPU).
const testPIN = "4821"

var testPINHash = func() string {
	h, err := bcrypt.GenerateFromPassword([]byte(testPIN), bcrypt.MinCost)
	if err != nil {
		panic(err)
	}
	return string(h)
}()

func (ta *testAPI) checkPIN(cashier, body string) (int, map[string]any, http.Header) {
	ta.t.Helper()
	return ta.send(http.MethodPost, "/v1/cashiers/"+cashier+"/check-pin", body)
}

func TestCheckPIN(t *testing.T) {
	ta := startAPI(t, shop(upsert("cashier", "nohash", `"name":"Без PIN","active":true`))...)
	for _, tt := range []struct {
		name, cashier, body string
		status              int
		want                string // allowed, or the error code
	}{
		{"OK", "anna", `{"pin":"` + testPIN + `"}`, 200, "true"},
		{"Wrong", "anna", `{"pin":"0000"}`, 200, "false"},
		{"SwitchedOff", "boris", `{"pin":"` + testPIN + `"}`, 200, "false"},
		{"NoHash", "nohash", `{"pin":""}`, 400, "bad_request"},
		{"NoHashAnyPIN", "nohash", `{"pin":"1"}`, 200, "false"},
		{"ErrUnknownCashier", "zoe", `{"pin":"` + testPIN + `"}`, 404, "unknown_cashier"},
		{"ErrNotJSON", "anna", `4821`, 400, "bad_request"},
		{"ErrExtraField", "anna", `{"pin":"1","hash":"x"}`, 400, "bad_request"},
		{"ErrLongPIN", "anna", `{"pin":"` + strings.Repeat("1", 73) + `"}`, 400, "bad_request"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			status, body, _ := ta.checkPIN(tt.cashier, tt.body)
			got, _ := body["code"].(string)
			if status == http.StatusOK {
				if len(body) != 1 {
					t.Fatalf("answer %v, want {allowed} alone", body)
				}
				got = map[bool]string{true: "true", false: "false"}[body["allowed"].(bool)]
			}
			if status != tt.status || got != tt.want {
				t.Fatalf("%d %v, want %d %s", status, body, tt.status, tt.want)
			}
		})
	}
	if status, _, _ := ta.send(http.MethodGet, "/v1/cashiers/anna/check-pin", ""); status != http.StatusMethodNotAllowed {
		t.Fatalf("GET check-pin: %d, want 405", status)
	}
}

// Wrong PINs are throttled per cashier: the sixth in a minute is refused
// unchecked — the right PIN too — with Retry-After; other cashiers are
// not held up; the window passing, or the right PIN, starts over.
func TestCheckPINThrottled(t *testing.T) {
	ta := startAPI(t, shop(upsert("cashier", "vera", `"name":"Вера","active":true,"pin_hash":"`+testPINHash+`"`))...)
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	setClock := func(t time.Time) {
		ta.api.pins.mu.Lock()
		ta.api.pins.now = func() time.Time { return t }
		ta.api.pins.mu.Unlock()
	}
	setClock(now)
	for i := range pinTries {
		if status, body, _ := ta.checkPIN("anna", `{"pin":"000`+string(rune('0'+i))+`"}`); status != http.StatusOK || body["allowed"] != false {
			t.Fatalf("wrong PIN %d: %d %v, want allowed false", i+1, status, body)
		}
	}
	setClock(now.Add(20 * time.Second))
	status, body, header := ta.checkPIN("anna", `{"pin":"`+testPIN+`"}`)
	if status != http.StatusTooManyRequests || body["code"] != "rate_limited" || header.Get("Retry-After") != "40" {
		t.Fatalf("%d %v Retry-After %q, want 429 rate_limited, retry in 40 s", status, body, header.Get("Retry-After"))
	}
	if status, body, _ := ta.checkPIN("vera", `{"pin":"`+testPIN+`"}`); status != http.StatusOK || body["allowed"] != true {
		t.Fatalf("another cashier: %d %v, want allowed", status, body)
	}
	setClock(now.Add(pinWindow))
	if status, body, _ := ta.checkPIN("anna", `{"pin":"`+testPIN+`"}`); status != http.StatusOK || body["allowed"] != true {
		t.Fatalf("a minute on: %d %v, want allowed", status, body)
	}
	// The right PIN forgave: five more wrong ones are checked.
	for range pinTries {
		if status, _, _ := ta.checkPIN("anna", `{"pin":"0000"}`); status != http.StatusOK {
			t.Fatalf("after the right PIN: %d, want the wrong ones checked again", status)
		}
	}
	client, _ := NewAPIClient(ta.dir, ta.addr)
	_, err := client.CheckPIN(context.Background(), "anna", testPIN)
	var ae *APIError
	if !errors.As(err, &ae) || ae.Code != "rate_limited" {
		t.Fatalf("the client: %v, want rate_limited", err)
	}
}

// No answer of the API carries a PIN hash: not the cashiers, not
// check-pin, not a receipt.
func TestNoPINHashAnywhere(t *testing.T) {
	ta := startAPI(t, shop()...)
	ta.sell(`{"cashier_id":"anna","payment":"cash","lines":[{"goods_id":"bread","quantity":1000}]}`)
	for _, call := range []struct{ method, path, body string }{
		{http.MethodGet, "/v1/cashiers", ""},
		{http.MethodGet, "/v1/entities/cashier", ""},
		{http.MethodGet, "/v1/receipts", ""},
		{http.MethodGet, "/v1/status", ""},
		{http.MethodPost, "/v1/cashiers/anna/check-pin", `{"pin":"` + testPIN + `"}`},
		{http.MethodPost, "/v1/cashiers/anna/check-pin", `{"pin":"1"}`},
		{http.MethodPost, "/v1/receipts", `{"cashier_id":"anna","payment":"cash","lines":[{"goods_id":"bread","quantity":1000}]}`},
	} {
		req, _ := http.NewRequest(call.method, "http://"+ta.addr+call.path, strings.NewReader(call.body))
		req.Header.Set("Authorization", "Bearer "+ta.api.token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		answer, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil || strings.Contains(string(answer), "$2a$") || strings.Contains(string(answer), "pin_hash") {
			t.Fatalf("%s %s answered a hash: %s %v", call.method, call.path, answer, err)
		}
	}
}
