package main

import (
	"net/http"
	"strings"
	"testing"
)

// An expected conflict — an e-mail that already has an account, a goods
// code already in use — answers 409 and is logged by nobody as an error:
// neither by the cabinet nor by gorm as a failed SQL statement.
func TestConflictsAreNotErrors(t *testing.T) {
	s := startServe(t)
	company := map[string]string{"kind": "company", "name": "Магазин", "inn": "7707083893", "email": "shop@mypos.test", "password": "company-password"}
	if status, body := s.call("POST", "/api/v1/auth/register", "", company); status != http.StatusCreated {
		t.Fatalf("register: %d %v", status, body)
	}
	if status, body := s.call("POST", "/api/v1/auth/register", "", company); status != http.StatusConflict || body["code"] != "conflict" {
		t.Fatalf("register again: %d %v, want 409 conflict", status, body)
	}
	_, login := s.call("POST", "/api/v1/auth/login", "", map[string]string{"email": company["email"], "password": company["password"]})
	token, _ := login["token"].(string)
	goods := map[string]any{"code": "K-1", "name": "Кефир", "price": 7000, "unit": "piece", "vat": "10"}
	if status, body := s.call("POST", "/api/v1/goods", token, goods); status != http.StatusCreated {
		t.Fatalf("create goods: %d %v", status, body)
	}
	if status, body := s.call("POST", "/api/v1/goods", token, goods); status != http.StatusConflict {
		t.Fatalf("the same code again: %d %v, want 409", status, body)
	}
	s.stop()
	for _, line := range strings.Split(s.logs.String(), "\n") {
		if strings.Contains(line, "level=ERROR") {
			t.Errorf("logged as an error: %s", line)
		}
	}
}
