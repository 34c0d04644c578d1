package cabinet

import (
	"context"
	"net/http"

	"github.com/gofiber/fiber/v2"

	"mypos/backoffice"
	"mypos/db"
)

// Store prices: a goods' price in one store, overriding its own there.
// PUT and POST both set {goods_id, price} and answer 200 with the price:
// setting is idempotent, there is no new resource ID.

func (s *Server) listPrices(c *fiber.Ctx) error {
	storeID := c.Params("id")
	return sendPage(c, func(ctx context.Context, p db.ListParams) ([]backoffice.StorePrice, string, error) {
		return s.cfg.Backoffice.ListStorePrices(ctx, storeID, p)
	})
}

func (s *Server) setPrice(c *fiber.Ctx) error {
	var req backoffice.StorePriceInput
	if err := decode(c, &req); err != nil {
		return err
	}
	sp, err := s.cfg.Backoffice.SetStorePrice(c.UserContext(), c.Params("id"), req)
	if err != nil {
		return err
	}
	return c.JSON(sp)
}

func (s *Server) deletePrice(c *fiber.Ctx) error {
	if err := s.cfg.Backoffice.DeleteStorePrice(c.UserContext(), c.Params("id"), c.Params("goods_id")); err != nil {
		return err
	}
	return c.SendStatus(http.StatusNoContent)
}
