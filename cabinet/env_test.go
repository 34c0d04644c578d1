package cabinet_test

import (
	"net/http"
	"testing"

	"golang.org/x/crypto/bcrypt"

	"mypos/account"
	"mypos/backoffice"
	"mypos/cabinet"
	"mypos/changelog"
	"mypos/db/dbtest"
	"mypos/device"
)

const testMQTTURL = "mqtt://broker.test:1883"

// fullEnv is the cabinet wired as cmd/mypos wires it, over a real database.
type fullEnv struct {
	*apiEnv
	changes *changelog.Log
	devices *device.Service
	office  *backoffice.Service
}

func newFullEnv(t *testing.T) *fullEnv {
	t.Helper()
	db := dbtest.Open(t, account.Schema, changelog.Schema, device.Schema, backoffice.Schema)
	accounts := account.NewService(db, account.Options{HashCost: bcrypt.MinCost})
	changes := changelog.New(db)
	devices := device.NewService(db, changes, device.Options{})
	office := backoffice.NewService(db, changes, devices, backoffice.Options{HashCost: bcrypt.MinCost})
	srv, err := cabinet.New(cabinet.Config{
		Accounts: accounts, Devices: devices, Backoffice: office,
		InTx: db.InTx, PublicMQTTURL: testMQTTURL,
	})
	if err != nil {
		t.Fatal(err)
	}
	return &fullEnv{apiEnv: &apiEnv{t: t, db: db, accounts: accounts, srv: srv}, changes: changes, devices: devices, office: office}
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
