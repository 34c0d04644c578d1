package cabinet

import (
	"net/http"
	"net/url"

	"github.com/gofiber/fiber/v2"

	"mypos"
	"mypos/backoffice"
	"mypos/db"
)

// pricePages are the stores' own prices.
func (s *Server) pricePages(r webRouter) {
	r.get("/prices", s.pricesPage)
	r.post("/prices", s.priceSet)
	r.post("/prices/remove", s.priceRemove)
}

// pricesView is one store's prices that differ from the goods' own, a
// page at a time, and the goods found to price there.
type pricesView struct {
	Stores            []backoffice.Store
	Store             *backoffice.Store // nil: the company has no store yet
	Query             string
	Items             []backoffice.StorePrice
	FirstURL, NextURL string
	Find              string             // the search for a goods to price
	Found             []backoffice.Goods // what it found, the first few
	ErrGoods          string             // the goods whose price the error is about
}

// foundLimit is how many goods a search for one to price shows.
const foundLimit = 10

// pricesPage shows a store's prices: ?store= (the first store by
// default), ?q= searches them, ?find= finds goods to price.
func (s *Server) pricesPage(c *fiber.Ctx) error {
	return s.renderPrices(c, c.Query("store"), c.Query("find"), "", nil)
}

// renderPrices shows the page of store, with err beside the price of
// errGoods when a post failed.
func (s *Server) renderPrices(c *fiber.Ctx, storeID, find, errGoods string, err error) error {
	ctx := c.UserContext()
	p, perr := listParams(c)
	if perr != nil {
		return perr
	}
	stores, lerr := collect(ctx, s.cfg.Backoffice.ListStores)
	if lerr != nil {
		return lerr
	}
	v := pricesView{Stores: stores, Query: p.Query, Find: find, ErrGoods: errGoods}
	if len(stores) == 0 {
		return s.render(c, http.StatusOK, "prices_list", page{Data: v})
	}
	if storeID == "" {
		storeID = stores[0].ID
	}
	if v.Store, lerr = s.cfg.Backoffice.GetStore(ctx, storeID); lerr != nil {
		return lerr
	}
	items, next, lerr := s.cfg.Backoffice.ListStorePrices(ctx, storeID, p)
	if lerr != nil {
		return lerr
	}
	v.Items = items
	if p.Cursor != "" {
		v.FirstURL = pricesURL(storeID, p.Query, "")
	}
	if next != "" {
		v.NextURL = pricesURL(storeID, p.Query, next)
	}
	if find != "" {
		if v.Found, _, lerr = s.cfg.Backoffice.ListGoods(ctx, db.ListParams{Query: find, Limit: foundLimit}); lerr != nil {
			return lerr
		}
	}
	status := http.StatusOK
	if err != nil {
		status = statusForError(err)
	}
	return s.render(c, status, "prices_list", page{Err: err, Data: v})
}

func pricesURL(storeID, q, cursor string) string {
	return listURL("/prices", db.ListParams{Query: q, Cursor: cursor}) + sepFor(q, cursor) + url.Values{"store": {storeID}}.Encode()
}

// sepFor joins another parameter to a listURL with q and cursor.
func sepFor(q, cursor string) string {
	if q == "" && cursor == "" {
		return "?"
	}
	return "&"
}

// priceSet sets a goods' price in a store; a bad price comes back next to
// the goods it was typed for.
func (s *Server) priceSet(c *fiber.Ctx) error {
	storeID, goodsID := c.FormValue("store"), c.FormValue("goods_id")
	price, err := backoffice.ParseRubles("price", c.FormValue("price"))
	var sp *backoffice.StorePrice
	if err == nil {
		sp, err = s.cfg.Backoffice.SetStorePrice(c.UserContext(), storeID, backoffice.StorePriceInput{GoodsID: goodsID, Price: &price})
	}
	if code := mypos.ErrorCode(err); code == mypos.EINTERNAL || code == mypos.ENOTFOUND {
		return err
	} else if err != nil {
		return s.renderPrices(c, storeID, c.FormValue("find"), goodsID, err)
	}
	s.setFlash(c, "prices.saved", "Name", sp.Name, "Price", loc(c).Money(sp.Price))
	return c.Redirect(pricesURL(storeID, "", ""), http.StatusSeeOther)
}

// priceRemove drops a store's price: the goods sells at its own price
// there again. Nothing is lost, so it asks nothing first.
func (s *Server) priceRemove(c *fiber.Ctx) error {
	storeID, goodsID := c.FormValue("store"), c.FormValue("goods_id")
	g, err := s.cfg.Backoffice.GetGoods(c.UserContext(), goodsID)
	if err != nil {
		return err
	}
	if err := s.cfg.Backoffice.DeleteStorePrice(c.UserContext(), storeID, goodsID); err != nil {
		return err
	}
	s.setFlash(c, "prices.removed", "Name", g.Name, "Price", loc(c).Money(g.Price))
	return c.Redirect(pricesURL(storeID, "", ""), http.StatusSeeOther)
}
