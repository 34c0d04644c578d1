package agent

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"time"

	"mypos/protocol"
)

// hiddenFields never leave the agent, whatever the kind: a PIN's hash
// checked offline is guessable, so only check-pin may use it.
var hiddenFields = []string{"pin_hash"}

// Status is GET /v1/status.
type Status struct {
	DeviceID string          `json:"device_id"`
	Online   bool            `json:"online"`
	Revision int64           `json:"revision"`
	License  json.RawMessage `json:"license"` // the license entity's body; null when the till has none
	Receipts ReceiptCounts   `json:"receipts"`
	Firmware string          `json:"firmware"` // the agent's version, as it says in hello
}

// list is the shape of every list the API answers.
type list struct {
	Items []json.RawMessage `json:"items"`
}

func (a *api) status(w http.ResponseWriter, r *http.Request) {
	rev, err := a.local.Rev()
	if err != nil {
		a.internal(w, err)
		return
	}
	lic, err := a.local.List(protocol.KindLicense)
	if err != nil {
		a.internal(w, err)
		return
	}
	counts, err := a.local.ReceiptCounts()
	if err != nil {
		a.internal(w, err)
		return
	}
	st := Status{DeviceID: a.deviceID, Online: a.worker.online.Load(), Revision: rev, Receipts: counts, Firmware: a.worker.agent}
	if len(lic) > 0 {
		st.License = lic[0] // a device carries at most one license
	}
	writeJSON(w, http.StatusOK, st)
}

func (a *api) cashiers(w http.ResponseWriter, r *http.Request) {
	a.serveKind(w, protocol.KindCashier, nil, nil)
}

func (a *api) discounts(w http.ResponseWriter, r *http.Request) {
	a.serveKind(w, protocol.KindDiscount, nil, nil)
}

func (a *api) entities(w http.ResponseWriter, r *http.Request) {
	a.serveKind(w, r.PathValue("kind"), nil, nil)
}

// serveKind answers the bodies of a kind that every filter keeps, without
// their hidden fields.
func (a *api) serveKind(w http.ResponseWriter, kind string, keep []func(fields) bool, edit func(fields)) {
	bodies, err := a.local.List(kind)
	if err != nil {
		a.internal(w, err)
		return
	}
	a.serveBodies(w, bodies, keep, edit)
}

// serveBodies answers the bodies every filter keeps, each changed by edit
// (nil: as it is), without their hidden fields.
func (a *api) serveBodies(w http.ResponseWriter, bodies []json.RawMessage, keep []func(fields) bool, edit func(fields)) {
	out := list{Items: []json.RawMessage{}}
	for _, b := range bodies {
		f, err := decodeFields(b)
		if err != nil {
			a.internal(w, err)
			return
		}
		if !keepsAll(f, keep) {
			continue
		}
		if edit != nil {
			edit(f)
		}
		out.Items = append(out.Items, f.public())
	}
	writeJSON(w, http.StatusOK, out)
}

// sync is the till's Load: it asks the worker for a sync and answers with
// the revision reached, at once when the till is offline.
func (a *api) sync(w http.ResponseWriter, r *http.Request) {
	reply := make(chan synced, 1)
	if !a.worker.do(func() { a.worker.requestSync(reply) }) {
		writeError(w, http.StatusServiceUnavailable, codeStopping, "the agent is stopping")
		return
	}
	t := time.NewTimer(a.syncWait)
	defer t.Stop()
	select {
	case res := <-reply:
		a.syncResult(w, res)
	case <-t.C:
		writeError(w, http.StatusGatewayTimeout, codeTimeout, "the cloud did not finish the sync within "+a.syncWait.String()+"; it goes on in the background")
	case <-r.Context().Done():
	}
}

func (a *api) syncResult(w http.ResponseWriter, res synced) {
	switch {
	case res.err == nil:
		writeJSON(w, http.StatusOK, map[string]int64{"revision": res.rev})
	case errors.Is(res.err, errOffline):
		writeError(w, http.StatusServiceUnavailable, codeOffline, "the till is offline: it works from what it holds, and syncs when the link returns")
	default:
		writeError(w, http.StatusBadGateway, codeSyncFailed, res.err.Error())
	}
}

// internal answers a failure of the agent itself, which is logged.
func (a *api) internal(w http.ResponseWriter, err error) {
	a.log.Error("local api", "error", err)
	writeError(w, http.StatusInternalServerError, codeInternal, "internal error")
}

// fields is an entity body, field by field.
type fields map[string]json.RawMessage

func decodeFields(body []byte) (fields, error) {
	var f fields
	return f, json.Unmarshal(body, &f)
}

// public re-encodes the body without its hidden fields.
func (f fields) public() json.RawMessage {
	for _, k := range hiddenFields {
		delete(f, k)
	}
	b, _ := json.Marshal(f) // a map of raw JSON values always marshals
	return b
}

func keepsAll(f fields, keep []func(fields) bool) bool {
	for _, k := range keep {
		if !k(f) {
			return false
		}
	}
	return true
}

// scalarIs says whether a JSON string or number reads as want.
func scalarIs(v json.RawMessage, want string) bool {
	d := json.NewDecoder(bytes.NewReader(v))
	d.UseNumber()
	var x any
	if d.Decode(&x) != nil {
		return false
	}
	switch x := x.(type) {
	case string:
		return x == want
	case json.Number:
		return x.String() == want
	}
	return false
}

// listHas says whether a JSON array holds a scalar that reads as want.
func listHas(v json.RawMessage, want string) bool {
	var items []json.RawMessage
	if json.Unmarshal(v, &items) != nil {
		return false
	}
	for _, it := range items {
		if scalarIs(it, want) {
			return true
		}
	}
	return false
}
