package agent

import (
	"encoding/json"
	"errors"
	"net/http"
	"time"
	"unicode"
	"unicode/utf8"

	"mypos/protocol"
)

// licenseWait bounds how long POST /v1/license waits for the cloud's answer
// and, after an activation, for the sync that brings the license here.
const licenseWait = 10 * time.Second

// maxLicenseBody bounds the request: a key and a little JSON.
const maxLicenseBody = 4 << 10

// LicenseResult is the answer of POST /v1/license when the key activated
// a license on this till.
type LicenseResult struct {
	Result    string `json:"result"` // protocol.LicenseActivated or LicenseMovedHere
	LicenseID string `json:"license_id"`
}

// refusalStatus maps the cloud's refusal codes (the cloud's error codes) to
// the statuses the local API answers; any other code is a 502.
var refusalStatus = map[string]int{
	protocol.CodeInvalid:     http.StatusBadRequest,
	protocol.CodeNotFound:    http.StatusNotFound,
	protocol.CodeConflict:    http.StatusConflict,
	protocol.CodeRateLimited: http.StatusTooManyRequests,
}

// license is a key typed on the till. A typo is refused here, at once and
// with nothing sent (the check character, protocol.NormalizeLicenseKey);
// offline the till says so at once; otherwise the key goes to the cloud
// and the answer — activated, or refused with the cloud's code — comes
// back within licenseWait. An activation is answered once the local database holds
// the license (or the wait is over), so GET /v1/status shows it next.
func (a *api) license(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Key string `json:"key"`
	}
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxLicenseBody))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		writeError(w, http.StatusBadRequest, codeBadRequest, `send {"key": "XXXXX-XXXXX-XXXXX-XXXXX-XXXXX"}`)
		return
	}
	key, err := protocol.NormalizeLicenseKey(req.Key)
	if err != nil {
		writeError(w, http.StatusBadRequest, codeInvalidKey, sentence(err.Error()))
		return
	}
	reply := make(chan keyResult, 1)
	if !a.worker.do(func() { a.worker.enterKey(key, reply) }) {
		writeError(w, http.StatusServiceUnavailable, codeStopping, "the agent is stopping")
		return
	}
	deadline := time.NewTimer(a.licenseWait)
	defer deadline.Stop()
	select {
	case res := <-reply:
		a.keyAnswer(w, r, res, deadline.C)
	case <-deadline.C:
		writeError(w, http.StatusGatewayTimeout, codeTimeout, "the cloud did not answer within "+a.licenseWait.String()+": check the till's status before typing the key again")
	case <-r.Context().Done():
	}
}

// keyAnswer answers the cloud's reply to a key entry.
func (a *api) keyAnswer(w http.ResponseWriter, r *http.Request, res keyResult, deadline <-chan time.Time) {
	switch {
	case errors.Is(res.err, errOffline):
		writeError(w, http.StatusServiceUnavailable, codeOffline, "the till is offline: type the key again when the link returns")
	case errors.Is(res.err, errLinkLost):
		writeError(w, http.StatusServiceUnavailable, codeOffline, "the link to the cloud dropped before it answered: check the till's status once it is back, or type the key again")
	case res.err != nil:
		a.internal(w, res.err)
	case res.reply.Result == protocol.LicenseRefused:
		status, ok := refusalStatus[res.reply.Code]
		if !ok {
			status = http.StatusBadGateway
		}
		writeError(w, status, res.reply.Code, res.reply.Message)
	default:
		select { // a failed sync changes nothing: the license is activated, the push brings it
		case <-res.synced:
		case <-deadline:
		case <-r.Context().Done():
			return
		}
		writeJSON(w, http.StatusOK, LicenseResult{Result: res.reply.Result, LicenseID: res.reply.LicenseID})
	}
}

// sentence makes protocol's error text (Go style: lower case, no full
// stop) read as the cloud's messages do.
func sentence(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + s[n:] + "."
}
