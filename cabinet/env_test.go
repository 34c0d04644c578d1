package cabinet_test

import (
	"net/http"
	"testing"

	"mypos/backoffice"
	"mypos/changelog"
	"mypos/device"
)

const testMQTTURL = "mqtt://broker.test:1883"

// fullEnv is the API env with the services it uses most at hand.
type fullEnv struct {
	*apiEnv
	changes *changelog.Log
	devices *device.Service
	office  *backoffice.Service
}

func newFullEnv(t *testing.T) *fullEnv {
	t.Helper()
	e := newAPIEnv(t)
	return &fullEnv{apiEnv: e, changes: e.svc.Changes, devices: e.svc.Devices, office: e.svc.Backoffice}
}

// createStore makes a store through the API and returns its ID.
func (e *fullEnv) createStore(token, name string) string {
	e.t.Helper()
	r := e.call("POST", "/api/v1/stores", token, `{"name":"`+name+`","address":"ул. Ленина, 1"}`)
	if r.status != http.StatusCreated {
		e.t.Fatalf("create store: %d %s", r.status, r.raw)
	}
	return r.body["id"].(string)
}
