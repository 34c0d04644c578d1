package cabinet

// Adapters from service methods to API handlers. Most of the API is a
// service method behind a route: decode the body, call, answer. These say
// it once, and the route table (routes) names the request type a route
// decodes — createWith[backoffice.StoreInput](…) — so a reader, and the
// fuzz test that feeds every request type, see it there.

import (
	"context"
	"net/http"

	"github.com/gofiber/fiber/v2"
)

// listOf answers one page of a list: GET /things?cursor=&limit=&q=.
func listOf[T any](list lister[T]) fiber.Handler {
	return func(c *fiber.Ctx) error { return sendPage(c, list) }
}

// createWith decodes an In, has create make it, and answers 201 with what
// was made.
func createWith[In, Out any](create func(context.Context, In) (Out, error)) fiber.Handler {
	return func(c *fiber.Ctx) error {
		var req In
		if err := decode(c, &req); err != nil {
			return err
		}
		out, err := create(c.UserContext(), req)
		if err != nil {
			return err
		}
		return created(c, out)
	}
}

// byID answers what the service does with the row the path's :id names
// (get it, approve it, accept it …).
func byID[Out any](do func(context.Context, string) (Out, error)) fiber.Handler {
	return func(c *fiber.Ctx) error {
		out, err := do(c.UserContext(), c.Params("id"))
		if err != nil {
			return err
		}
		return c.JSON(out)
	}
}

// updateWith decodes an In (a patch) and has update apply it to the row
// the path's :id names.
func updateWith[In, Out any](update func(context.Context, string, In) (Out, error)) fiber.Handler {
	return func(c *fiber.Ctx) error {
		var req In
		if err := decode(c, &req); err != nil {
			return err
		}
		out, err := update(c.UserContext(), c.Params("id"), req)
		if err != nil {
			return err
		}
		return c.JSON(out)
	}
}

// deleteByID has del remove the row the path's :id names: 204.
func deleteByID(del func(context.Context, string) error) fiber.Handler {
	return func(c *fiber.Ctx) error {
		if err := del(c.UserContext(), c.Params("id")); err != nil {
			return err
		}
		return c.SendStatus(http.StatusNoContent)
	}
}
