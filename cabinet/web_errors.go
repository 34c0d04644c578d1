package cabinet

import (
	"net/http"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"mypos"
)

// webErrors renders a page's error as an HTML page in the page's language
// instead of problem+json. Anonymous visitors of a page that needs a login
// are sent to log in.
func (s *Server) webErrors(c *fiber.Ctx) error {
	err := c.Next()
	if err == nil {
		return nil
	}
	err = fromFiber(err)
	if mypos.ErrorCode(err) == mypos.EUNAUTHORIZED {
		return c.Redirect("/login", http.StatusSeeOther)
	}
	return s.renderError(c, err)
}

// errorView is the error page: its status picks the heading and the advice
// (error.404.title, error.404.hint; error.default.* for the rest).
type errorView struct{ Status string }

// errorPages are the statuses with a page of their own words.
var errorPages = map[int]bool{
	http.StatusBadRequest: true, http.StatusForbidden: true, http.StatusNotFound: true,
	http.StatusConflict: true, http.StatusTooManyRequests: true, http.StatusInternalServerError: true,
}

func (s *Server) renderError(c *fiber.Ctx, err error) error {
	status := statusForError(err)
	if mypos.ErrorCode(err) == mypos.EINTERNAL {
		s.log.Error("internal error", "method", c.Method(), "path", c.Path(), "error", err)
	}
	setRetryAfter(c, err)
	v := errorView{Status: "default"}
	if errorPages[status] {
		v.Status = strconv.Itoa(status)
	}
	return s.render(c, status, "error", page{Err: err, Data: v})
}

// setRetryAfter tells a rate-limited client, in whole seconds rounded up,
// when to try again.
func setRetryAfter(c *fiber.Ctx, err error) {
	if wait := mypos.ErrorRetryAfter(err); wait > 0 {
		c.Set(fiber.HeaderRetryAfter, strconv.FormatInt(int64((wait+999_999_999)/1_000_000_000), 10))
	}
}
