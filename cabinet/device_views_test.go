package cabinet_test

import (
	"context"
	"net/http"
	"testing"
)

// A device shows the revision it last acknowledged and how far its
// company's head is ahead of it; one that never synced shows neither.
func TestAPIDeviceSyncState(t *testing.T) {
	e := newDeviceEnv(t)
	synced, _ := e.mustCreate(`{"name":"Касса 1"}`)
	never, _ := e.mustCreate(`{"name":"Касса 2"}`)
	acked := e.head(e.aID)
	err := e.db.Conn(context.Background()).Exec(`INSERT INTO device_sync (device_id, company_id, acked_rev, acked_at) VALUES (?, ?, ?, ?)`,
		synced, e.aID, acked, e.db.Now()).Error
	if err != nil {
		t.Fatal(err)
	}
	e.mustCreate(`{"name":"Касса 3"}`) // the company moves on

	r := e.call("GET", "/api/v1/devices/"+synced, e.a, "")
	d := r.body
	if r.status != http.StatusOK {
		t.Fatalf("get the device: %d %s", r.status, r.raw)
	}
	if d["revision"] != float64(acked) || d["behind"] != float64(e.head(e.aID)-acked) || e.head(e.aID) == acked {
		t.Fatalf("the synced device shows revision %v, behind %v; it acknowledged %d, the head is %d", d["revision"], d["behind"], acked, e.head(e.aID))
	}
	byID := map[string]map[string]any{}
	for _, d := range items(e.call("GET", "/api/v1/devices", e.a, "")) {
		byID[d["id"].(string)] = d
	}
	if byID[synced]["revision"] != float64(acked) || byID[never]["revision"] != nil || byID[never]["behind"] != nil {
		t.Fatalf("the list shows %v and %v", byID[synced], byID[never])
	}
}
