package cabinet

import (
	"net/http"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"mypos/account"
	"mypos/db"
	"mypos/licensing"
)

// saleView is the sale form: the active partners to choose from, and what
// was chosen and typed.
type saleView struct {
	Partners  []account.DirectoryEntry
	PartnerID string
	Count     string
	Max       int
}

// ownerSaleForm is the form of a sale, its partner preset by ?partner=ID
// (a partner's page links it so).
func (s *Server) ownerSaleForm(c *fiber.Ctx) error {
	return s.saleForm(c, http.StatusOK, saleView{PartnerID: c.Query("partner"), Count: c.Query("count")}, nil)
}

// saleForm renders the form with the active partners (as many as a select
// is usable with) and the error, if any, at its field.
func (s *Server) saleForm(c *fiber.Ctx, status int, v saleView, shown error) error {
	ctx := c.UserContext()
	if err := requireOwner(c); err != nil {
		return err
	}
	partners, _, err := s.cfg.Accounts.Directory(ctx, db.ListParams{Limit: db.MaxLimit})
	if err != nil {
		return err
	}
	v.Partners, v.Max = partners, licensing.MaxSale
	return s.render(c, status, "owner_sale", page{Err: shown, Data: v})
}

// saleInput reads the form: the partner and the count, a count that is
// not a number being 0, which the service refuses at its field.
func saleInput(c *fiber.Ctx) (saleView, int) {
	v := saleView{PartnerID: c.FormValue("partner_id"), Count: c.FormValue("count")}
	n, _ := strconv.Atoi(v.Count)
	return v, n
}

// ownerSaleConfirm checks the sale as the service would and asks before
// it: a sale cannot be undone.
func (s *Server) ownerSaleConfirm(c *fiber.Ctx) error {
	v, n := saleInput(c)
	p, err := s.cfg.Licensing.CheckSale(c.UserContext(), v.PartnerID, n)
	if formMistake(err) {
		return s.saleForm(c, statusForError(err), v, err)
	} else if err != nil {
		return err
	}
	l := loc(c)
	return s.render(c, http.StatusOK, "confirm", page{Data: confirmView{
		Title:    l.T("owner.sale.heading"),
		Question: l.N("owner.sale.question", n, "Name", p.Name, "INN", p.INN),
		Note:     l.T("owner.sale.note"),
		Button:   l.T("owner.sale.sell"),
		Action:   "/owner/sales",
		Back:     listURL("/owner/sales/new", db.ListParams{}, "partner", p.ID, "count", v.Count),
		Hidden:   []hiddenField{{"partner_id", p.ID}, {"count", v.Count}},
	}})
}

// ownerSell makes the sale and opens its document, saying what was sold.
func (s *Server) ownerSell(c *fiber.Ctx) error {
	v, n := saleInput(c)
	ctx := c.UserContext()
	doc, err := s.cfg.Licensing.Sell(ctx, v.PartnerID, n)
	if formMistake(err) {
		return s.saleForm(c, statusForError(err), v, err)
	} else if err != nil {
		return err
	}
	p, err := s.cfg.Accounts.Partner(ctx, v.PartnerID)
	if err != nil {
		return err
	}
	s.setFlashN(c, "owner.sale.sold", n, "Name", p.Name, "Number", strconv.FormatInt(doc.Number, 10))
	return c.Redirect("/owner/documents/"+doc.ID, http.StatusSeeOther)
}
