package cabinet

import (
	"net/http"
	"net/url"

	"github.com/gofiber/fiber/v2"

	"mypos/backoffice"
	"mypos/db"
)

// companyCatalogPages are the company's goods and groups, the catalog's
// import and export, store prices and discounts.
func (s *Server) companyCatalogPages(r webRouter) {
	r.get("/goods", s.goodsList)
	r.get("/goods/new", s.goodsNew)
	r.post("/goods/new", s.goodsCreate)
	r.get("/goods/barcodes", s.goodsBarcodeCheck)
	r.get("/goods/import", s.goodsImportPage)
	r.post("/goods/import", s.goodsImport)
	r.get("/goods/export.csv", s.goodsExport)
	r.get("/goods/groups/new", s.groupNew)
	r.post("/goods/groups/new", s.groupCreate)
	r.get("/goods/groups/:id", s.groupEdit)
	r.post("/goods/groups/:id", s.groupUpdate)
	r.get("/goods/groups/:id/delete", s.groupDeleteConfirm)
	r.post("/goods/groups/:id/delete", s.groupDelete)
	r.get("/goods/:id", s.goodsEdit)
	r.post("/goods/:id", s.goodsUpdate)
	r.get("/goods/:id/delete", s.goodsDeleteConfirm)
	r.post("/goods/:id/delete", s.goodsDelete)
	s.pricePages(r)
	s.discountPages(r)
}

// goodsPageSize is how many goods the list shows at a time.
const goodsPageSize = 50

// goodsListView is one page of the catalog: the group tree beside it, the
// group chosen (nil: every goods) and the search.
type goodsListView struct {
	Query             string
	Group             *groupNode
	GroupID           string // Group's, "" for none
	AllURL            string // the list without the search
	Tree              []*groupNode
	Items             []goodsLine
	FirstURL, NextURL string
}

// goodsLine is a goods as the list shows it, with its group's path.
type goodsLine struct {
	backoffice.Goods
	GroupPath string
}

// goodsList shows the catalog: ?q= searches names, codes and barcodes,
// ?group= narrows it to a group and its subgroups, ?cursor= pages.
func (s *Server) goodsList(c *fiber.Ctx) error {
	ctx := c.UserContext()
	p, err := listParams(c)
	if err != nil {
		return err
	}
	p.Limit = goodsPageSize
	tree, err := s.loadGroups(ctx)
	if err != nil {
		return err
	}
	v := goodsListView{Query: p.Query, Tree: tree.Roots}
	var groups []string
	if id := c.Query("group"); id != "" {
		if v.Group, err = tree.find(id); err != nil {
			return err
		}
		groups = v.Group.under()
	}
	items, next, err := s.cfg.Backoffice.ListGoodsIn(ctx, groups, p)
	if err != nil {
		return err
	}
	for _, g := range items {
		v.Items = append(v.Items, goodsLine{Goods: g, GroupPath: tree.path(g.GroupID)})
	}
	group := c.Query("group")
	v.GroupID, v.AllURL = group, goodsURL("", group, "")
	if p.Cursor != "" {
		v.FirstURL = goodsURL(p.Query, group, "")
	}
	if next != "" {
		v.NextURL = goodsURL(p.Query, group, next)
	}
	return s.render(c, http.StatusOK, "goods_list", page{Data: v})
}

// goodsURL is an address of the list, built here from its parts.
func goodsURL(q, group, cursor string) string {
	u := listURL("/goods", db.ListParams{Query: q, Cursor: cursor})
	if group == "" {
		return u
	}
	return u + sepFor(q, cursor) + url.Values{"group": {group}}.Encode()
}
