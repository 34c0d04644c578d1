package cabinet

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"

	"mypos"
	"mypos/db"
)

// decode reads a JSON request body into v strictly: see decodeJSON.
func decode(c *fiber.Ctx, v any) error { return decodeJSON(c.Body(), v) }

// decodeJSON reads a JSON body into v strictly: a body that is not UTF-8,
// an unknown field, a wrong type or trailing data is refused with EINVALID
// naming the problem, before anything is written. (encoding/json would
// read an invalid byte as U+FFFD: a text is refused, never replaced.)
func decodeJSON(body []byte, v any) error {
	if len(bytes.TrimSpace(body)) == 0 {
		return mypos.Invalid("", "The request needs a JSON body.")
	}
	if !utf8.Valid(body) {
		return mypos.Invalid("", "The body is not UTF-8, as JSON must be.")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return jsonError(err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return mypos.Invalid("", "The body has data after its JSON value.")
	}
	return nil
}

func jsonError(err error) error {
	var typeErr *json.UnmarshalTypeError
	var syntaxErr *json.SyntaxError
	var timeErr *time.ParseError
	switch {
	case errors.As(err, &timeErr): // encoding/json names no field for it
		return mypos.Invalid("", "A time is written as in RFC 3339, like 2026-03-01T00:00:00+03:00.")
	case errors.As(err, &typeErr):
		return mypos.Invalid(typeErr.Field, "The field %q must be a %s.", typeErr.Field, typeErr.Type.Kind())
	case errors.As(err, &syntaxErr):
		return mypos.Invalid("", "The body is not valid JSON (at byte %d).", syntaxErr.Offset)
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		field := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return mypos.Invalid(field, "Unknown field %q.", field)
	default:
		return mypos.Invalid("", "The body is not valid JSON.")
	}
}

// list is the shape of every list response.
type list[T any] struct {
	Items []T     `json:"items"`
	Next  *string `json:"next"`
}

func sendList[T any](c *fiber.Ctx, items []T, next string) error {
	l := list[T]{Items: items}
	if l.Items == nil {
		l.Items = []T{}
	}
	if next != "" {
		l.Next = &next
	}
	return c.JSON(l)
}

// lister is a service method listing one page of a company's (or the
// owner's) rows.
type lister[T any] func(context.Context, db.ListParams) ([]T, string, error)

// sendPage answers one page of the list the query asks for.
func sendPage[T any](c *fiber.Ctx, list lister[T]) error {
	p, err := listParams(c)
	if err != nil {
		return err
	}
	items, next, err := list(c.UserContext(), p)
	if err != nil {
		return err
	}
	return sendList(c, items, next)
}

// maxQuery bounds a search text, in characters: the longest name, with room.
const maxQuery = 256

// listParams reads ?cursor=&limit=&q= from the query; the search text
// follows the text rule, as the names it looks for do.
func listParams(c *fiber.Ctx) (db.ListParams, error) {
	q, err := mypos.Text("q", c.Query("q"), 0, maxQuery)
	if err != nil {
		return db.ListParams{}, err
	}
	p := db.ListParams{Cursor: c.Query("cursor"), Query: q}
	if raw := c.Query("limit"); raw != "" {
		n, err := strconv.Atoi(raw)
		if err != nil {
			return p, mypos.Invalid("limit", "The limit must be a number.")
		}
		p.Limit = n
	}
	return p, p.Validate()
}

func created(c *fiber.Ctx, v any) error {
	return c.Status(http.StatusCreated).JSON(v)
}
