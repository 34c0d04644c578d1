package cabinet

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"mypos"
	"mypos/sales"
)

// listReceipts answers GET /receipts?from=&to=&store_id=&device_id=
// &cashier_id=&cursor=&limit=: a page of the company's receipts, newest
// punched first. from and to are the tills' local days, YYYY-MM-DD.
func (s *Server) listReceipts(c *fiber.Ctx) error {
	f, err := receiptFilter(c)
	if err != nil {
		return err
	}
	items, next, err := s.cfg.Sales.List(c.UserContext(), f)
	if err != nil {
		return err
	}
	return sendList(c, items, next)
}

// receiptFilter reads the list's query. Its cursor is not an ID, as
// listParams wants, but a place in the order (time, device, receipt):
// sales validates it.
func receiptFilter(c *fiber.Ctx) (sales.Filter, error) {
	// The cashier is what the till said, not always an ID: it is text, by
	// the text rule, so that a NUL cannot reach the database.
	cashier, err := mypos.Text("cashier_id", c.Query("cashier_id"), 0, 64)
	if err != nil {
		return sales.Filter{}, err
	}
	f := sales.Filter{From: c.Query("from"), To: c.Query("to"), StoreID: c.Query("store_id"),
		DeviceID: c.Query("device_id"), CashierID: cashier, Cursor: c.Query("cursor")}
	if raw := c.Query("limit"); raw != "" {
		n, err := strconv.Atoi(raw)
		if err != nil {
			return f, mypos.Invalid("limit", "The limit must be a number.")
		}
		f.Limit = n
	}
	return f, nil
}

// getReceipt answers GET /receipts/{id}: one receipt with its sale and
// arithmetic.
func (s *Server) getReceipt(c *fiber.Ctx) error {
	d, err := s.cfg.Sales.Get(c.UserContext(), c.Params("id"))
	if err != nil {
		return err
	}
	return c.JSON(d)
}

// salesSummary answers GET /sales/summary?from=&to=: the company's sums
// per day, store and cashier, over at most 366 days.
func (s *Server) salesSummary(c *fiber.Ctx) error {
	sum, err := s.cfg.Sales.Summary(c.UserContext(), c.Query("from"), c.Query("to"))
	if err != nil {
		return err
	}
	return c.JSON(sum)
}
