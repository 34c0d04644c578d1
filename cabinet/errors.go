package cabinet

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"

	"github.com/gofiber/fiber/v2"

	"mypos"
	"mypos/i18n"
	"mypos/protocol"
)

// apiLang is the language of the API's error details: English, unless the
// client asks for Russian (Accept-Language: ru). Only the detail changes;
// code and field stay as they are.
func apiLang(c *fiber.Ctx) string {
	return i18n.Match(c.Get(fiber.HeaderAcceptLanguage), i18n.English)
}

// Codes of HTTP itself, which no domain package produces: a request head
// over the limits of limitHead, a body over maxBody (protocol's word for
// a message over its bound), and /readyz's answer while not ready.
const (
	codeURITooLong      = "uri_too_long"
	codeHeadersTooLarge = "headers_too_large"
	codeTooLarge        = protocol.CodeTooLarge
	codeNotReady        = "not_ready"
)

// statusOf maps an error code to its HTTP status: the one table of it.
var statusOf = map[string]int{
	codeURITooLong:      http.StatusRequestURITooLong,
	codeHeadersTooLarge: http.StatusRequestHeaderFieldsTooLarge,
	codeTooLarge:        http.StatusRequestEntityTooLarge,
	codeNotReady:        http.StatusServiceUnavailable,
	mypos.ECONFLICT:     http.StatusConflict,
	mypos.EFORBIDDEN:    http.StatusForbidden,
	mypos.EINTERNAL:     http.StatusInternalServerError,
	mypos.EINVALID:      http.StatusBadRequest,
	mypos.ENOTFOUND:     http.StatusNotFound,
	mypos.ERATELIMIT:    http.StatusTooManyRequests,
	mypos.EUNAUTHORIZED: http.StatusUnauthorized,
}

// codeOfStatus maps Fiber's own errors (no route, body too large, a head
// larger than the read buffer) to codes.
var codeOfStatus = map[int]string{
	http.StatusRequestHeaderFieldsTooLarge: codeHeadersTooLarge,
	http.StatusNotFound:                    mypos.ENOTFOUND,
	http.StatusMethodNotAllowed:            mypos.ENOTFOUND,
	http.StatusRequestEntityTooLarge:       codeTooLarge,
	http.StatusBadRequest:                  mypos.EINVALID,
	http.StatusRequestTimeout:              mypos.EINVALID,
}

// problem is an RFC 9457 problem detail with our stable code.
type problem struct {
	Type   string `json:"type"`
	Title  string `json:"title"`
	Status int    `json:"status"`
	Detail string `json:"detail"`
	Code   string `json:"code"`
	Field  string `json:"field,omitempty"`
}

func newProblem(status int, code, detail string) problem {
	return problem{Type: "about:blank", Title: http.StatusText(status), Status: status, Detail: detail, Code: code}
}

// handleError is Fiber's one ErrorHandler: every error of every route ends here.
func (s *Server) handleError(c *fiber.Ctx, err error) error {
	err = fromFiber(err)
	code := mypos.ErrorCode(err)
	status := statusForError(err)
	if code == mypos.EINTERNAL {
		s.log.Error("internal error", "method", c.Method(), "path", c.Path(), "error", err)
	}
	setRetryAfter(c, err)
	if status == http.StatusUnauthorized {
		c.Set(fiber.HeaderWWWAuthenticate, `Bearer realm="mypos"`)
	}
	p := newProblem(status, code, i18n.For(apiLang(c)).Error(err))
	p.Field = mypos.ErrorField(err)
	return sendProblem(c, p)
}

// fromFiber turns Fiber's own errors into coded errors.
func fromFiber(err error) error {
	var fe *fiber.Error
	if !errors.As(err, &fe) {
		return err
	}
	code, ok := codeOfStatus[fe.Code]
	switch {
	case !ok:
		code = mypos.EINTERNAL
	case code == codeTooLarge:
		return mypos.Errorf(code, "The request's body is larger than %d MB.", maxBody>>20)
	}
	return mypos.Errorf(code, "%s", fe.Message)
}

// statusForError is the HTTP status an error answers with.
func statusForError(err error) int {
	if status, ok := statusOf[mypos.ErrorCode(fromFiber(err))]; ok {
		return status
	}
	return http.StatusInternalServerError
}

func sendProblem(c *fiber.Ctx, p any) error {
	status := http.StatusInternalServerError
	if pr, ok := p.(problem); ok {
		status = pr.Status
	}
	return sendJSONAs(c, status, "application/problem+json", p)
}

func sendJSONAs(c *fiber.Ctx, status int, contentType string, v any) error {
	c.Status(status)
	if err := c.JSON(v); err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, contentType)
	return nil
}

// notFound answers a path no route takes: an HTML page for a browser
// outside the API, problem+json for everyone else.
func (s *Server) notFound(c *fiber.Ctx) error {
	c.Locals(localRoute, unmatchedRoute)
	err := mypos.Errorf(mypos.ENOTFOUND, "No such page: %s %s.", c.Method(), c.Path())
	if !strings.HasPrefix(c.Path(), "/api/") && c.Accepts(fiber.MIMETextHTML) == fiber.MIMETextHTML {
		return s.renderError(c, err)
	}
	return err
}

// recover turns a panic in a handler into an internal error, not a dead process.
func (s *Server) recover(c *fiber.Ctx) (err error) {
	defer func() {
		if r := recover(); r != nil {
			s.log.Error("panic in handler", "path", c.Path(), "panic", r, slog.String("kind", fmt.Sprintf("%T", r)))
			err = fmt.Errorf("panic: %v", r)
		}
	}()
	return c.Next()
}
