package cabinet

import (
	"net/http"
	"strings"

	"github.com/gofiber/fiber/v2"

	"mypos"
	"mypos/backoffice"
	"mypos/protocol"
)

// goodsFormView is the goods form as typed (or as stored, to edit), with
// the tree to choose a group from. ID is "" for a new goods.
type goodsFormView struct {
	ID                                              string
	Code, Name, Barcodes, Price, Unit, VAT, GroupID string
	Groups                                          []*groupNode
	Units, VATs                                     []string
}

// barcodeCheckView is what the barcodes field says as one types: how many
// barcodes are right, or the first wrong one.
type barcodeCheckView struct {
	Count int
	Err   error
}

func goodsFormOf(c *fiber.Ctx) goodsFormView {
	return goodsFormView{Code: c.FormValue("code"), Name: c.FormValue("name"), Barcodes: c.FormValue("barcodes"),
		Price: c.FormValue("price"), Unit: c.FormValue("unit"), VAT: c.FormValue("vat"), GroupID: c.FormValue("group_id")}
}

// withChoices adds what the selects offer.
func (s *Server) withChoices(c *fiber.Ctx, f goodsFormView) (goodsFormView, error) {
	tree, err := s.loadGroups(c.UserContext())
	if err != nil {
		return f, err
	}
	f.Groups, f.Units, f.VATs = tree.Flat, []string{protocol.UnitPiece, protocol.UnitWeight}, protocol.VATRates()
	return f, nil
}

// renderGoodsForm shows the form, with the error next to its field.
func (s *Server) renderGoodsForm(c *fiber.Ctx, f goodsFormView, err error) error {
	status, ok := formStatus(err, f.ID != "")
	if !ok {
		return err
	}
	f, lerr := s.withChoices(c, f)
	if lerr != nil {
		return lerr
	}
	return s.render(c, status, "goods_form", page{Err: err, Data: f})
}

// sale reads the price and barcodes typed: what the service takes as
// numbers and lists.
func (f goodsFormView) sale() (int64, []string, error) {
	price, err := backoffice.ParseRubles("price", f.Price)
	if err != nil {
		return 0, nil, err
	}
	barcodes, err := backoffice.Barcodes("barcodes", f.Barcodes)
	return price, barcodes, err
}

func optional(id string) *string {
	if id == "" {
		return nil
	}
	return &id
}

// goodsNew is the form of a new goods, in the group the list showed.
func (s *Server) goodsNew(c *fiber.Ctx) error {
	return s.renderGoodsForm(c, goodsFormView{Unit: protocol.UnitPiece, VAT: protocol.VAT22, GroupID: c.Query("group")}, nil)
}

func (s *Server) goodsCreate(c *fiber.Ctx) error {
	f := goodsFormOf(c)
	price, barcodes, err := f.sale()
	var g *backoffice.Goods
	if err == nil {
		g, err = s.cfg.Backoffice.CreateGoods(c.UserContext(), backoffice.GoodsInput{Code: f.Code, Name: f.Name,
			Barcodes: barcodes, Price: &price, Unit: f.Unit, VAT: f.VAT, GroupID: optional(f.GroupID)})
	}
	if err != nil {
		return s.renderGoodsForm(c, f, err)
	}
	s.setFlash(c, "goods.created", "Name", g.Name)
	return c.Redirect(goodsURL("", deref(g.GroupID), ""), http.StatusSeeOther)
}

// goodsEdit is the form of a goods as stored.
func (s *Server) goodsEdit(c *fiber.Ctx) error {
	g, err := s.cfg.Backoffice.GetGoods(c.UserContext(), c.Params("id"))
	if err != nil {
		return err
	}
	return s.renderGoodsForm(c, goodsFormView{ID: g.ID, Code: g.Code, Name: g.Name, Barcodes: strings.Join(g.Barcodes, " "),
		Price: typedRubles(c, g.Price), Unit: g.Unit, VAT: g.VAT, GroupID: deref(g.GroupID)}, nil)
}

func (s *Server) goodsUpdate(c *fiber.Ctx) error {
	// Another company's goods is not there, whatever the form says.
	if _, err := s.cfg.Backoffice.GetGoods(c.UserContext(), c.Params("id")); err != nil {
		return err
	}
	f := goodsFormOf(c)
	f.ID = c.Params("id")
	price, barcodes, err := f.sale()
	var g *backoffice.Goods
	if err == nil {
		group := backoffice.Clear[string]()
		if f.GroupID != "" {
			group = backoffice.SetTo(f.GroupID)
		}
		g, err = s.cfg.Backoffice.UpdateGoods(c.UserContext(), f.ID, backoffice.GoodsPatch{Code: &f.Code, Name: &f.Name,
			Barcodes: &barcodes, Price: &price, Unit: &f.Unit, VAT: &f.VAT, GroupID: group})
	}
	if err != nil {
		return s.renderGoodsForm(c, f, err)
	}
	s.setFlash(c, "goods.saved", "Name", g.Name)
	return c.Redirect(goodsURL("", deref(g.GroupID), ""), http.StatusSeeOther)
}

// goodsBarcodeCheck checks the barcodes field as one types (htmx swaps
// its note in): the check digits, as the service will check them on
// submit. A barcode another goods has is the service's to say on submit.
func (s *Server) goodsBarcodeCheck(c *fiber.Ctx) error {
	set, err := backoffice.Barcodes("barcodes", c.Query("barcodes"))
	return s.render(c, http.StatusOK, "goods_barcodes", page{Data: barcodeCheckView{Count: len(set), Err: err}})
}

// goodsDeleteConfirm asks first: a deleted goods leaves every till, its
// store prices go and discounts stop listing it.
func (s *Server) goodsDeleteConfirm(c *fiber.Ctx) error {
	g, err := s.cfg.Backoffice.GetGoods(c.UserContext(), c.Params("id"))
	if err != nil {
		return err
	}
	l := loc(c)
	return s.render(c, http.StatusOK, "confirm", page{Data: confirmView{
		Title: l.T("goods.delete.title"), Question: l.T("goods.delete.question", "Name", g.Name, "Code", g.Code),
		Note: l.T("goods.delete.note"), Button: l.T("goods.delete.button"), Danger: true,
		Action: "/goods/" + g.ID + "/delete", Back: goodsURL("", deref(g.GroupID), ""),
	}})
}

func (s *Server) goodsDelete(c *fiber.Ctx) error {
	ctx := c.UserContext()
	g, err := s.cfg.Backoffice.GetGoods(ctx, c.Params("id"))
	if err != nil {
		return err
	}
	if err := s.cfg.Backoffice.DeleteGoods(ctx, g.ID); err != nil {
		return err
	}
	s.setFlash(c, "goods.deleted", "Name", g.Name)
	return c.Redirect(goodsURL("", deref(g.GroupID), ""), http.StatusSeeOther)
}

// typedRubles writes a price for a form in the page's language.
func typedRubles(c *fiber.Ctx, k int64) string {
	return separated(pageLang(c), backoffice.FormatRubles(k))
}

// formStatus is the status of a form shown again with err: a refusal of
// what was typed shows the form (400, 409…); an internal error, or a row
// the form edits that is not there (editing), is the error page instead
// (ok false).
func formStatus(err error, editing bool) (int, bool) {
	if err == nil {
		return http.StatusOK, true
	}
	if code := mypos.ErrorCode(err); code == mypos.EINTERNAL || code == mypos.ENOTFOUND && editing {
		return 0, false
	}
	return statusForError(err), true
}
