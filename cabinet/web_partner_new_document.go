package cabinet

import (
	"context"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"mypos"
	"mypos/db"
	"mypos/licensing"
)

// A new document of the partner: "transfer to a client" or "unseal to
// myself". The form asks for how many sealed licenses, not which: their
// keys are hidden from the partner (only the owner reads a sealed key), so
// one sealed license is as good as another to it, and the oldest go first.
// A document cannot be undone, so the form's post shows its summary — the
// very licenses it takes — and only the summary's "Post" issues it.

// docActions are the documents a partner issues here.
var docActions = []string{licensing.TypeTransfer, licensing.TypeUnseal}

// summaryShown bounds the licenses the summary lists one by one.
const summaryShown = 20

// docForm is what the form and its summary post.
type docForm struct {
	Action     string
	CompanyID  string
	Count      string
	Licensee   licensing.Licensee
	LicenseIDs []string
}

// docFormView is the form, or its summary once Licenses are chosen.
type docFormView struct {
	docForm
	Sealed  int            // the partner's sealed licenses
	Clients []clientOption // for a transfer
	// The summary: the company's name, the licenses taken.
	Company  string
	Licenses []licensing.License
	More     int // licenses taken beyond those listed
}

type clientOption struct{ ID, Name string }

func (s *Server) partnerNewDocument(c *fiber.Ctx) error {
	if _, err := mypos.RequireActor(c.UserContext(), mypos.KindPartner); err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "partner_document_new", page{})
}

// partnerDocumentForm is an empty form; ?company= picks the client (the
// client's page links here).
func (s *Server) partnerDocumentForm(c *fiber.Ctx) error {
	f := docForm{Action: c.Params("action"), CompanyID: c.Query("company"), Count: "1"}
	return s.renderDocForm(c, f, nil)
}

// partnerDocumentSubmit is the form's post: "edit" shows the form again,
// "post" issues the document the summary showed, anything else checks the
// form and shows the summary.
func (s *Server) partnerDocumentSubmit(c *fiber.Ctx) error {
	f := readDocForm(c)
	switch {
	case c.FormValue("edit") != "":
		return s.renderDocForm(c, f, nil)
	case c.FormValue("post") != "":
		return s.issueDoc(c, f)
	}
	return s.reviewDoc(c, f)
}

func readDocForm(c *fiber.Ctx) docForm {
	f := docForm{Action: c.Params("action"), CompanyID: c.FormValue("company_id"), Count: strings.TrimSpace(c.FormValue("count")),
		Licensee: licensing.Licensee{Name: c.FormValue("licensee.name"), INN: c.FormValue("licensee.inn"), Email: c.FormValue("licensee.email")}}
	args := c.Request().PostArgs()
	for _, id := range args.PeekMulti("license_ids") {
		f.LicenseIDs = append(f.LicenseIDs, string(id))
	}
	return f
}

// renderDocForm shows the form with what was typed and the error, if any.
func (s *Server) renderDocForm(c *fiber.Ctx, f docForm, err error) error {
	if !slices.Contains(docActions, f.Action) {
		return mypos.Errorf(mypos.ENOTFOUND, "No such page: %s %s.", c.Method(), c.Path())
	}
	v, verr := s.docFormData(c.UserContext(), f)
	if verr != nil {
		return verr
	}
	return s.render(c, http.StatusOK, "partner_document_form", page{Err: err, Data: v})
}

// docFormData is the form's choices: the clients, the sealed licenses left.
func (s *Server) docFormData(ctx context.Context, f docForm) (docFormView, error) {
	v := docFormView{docForm: f}
	if _, err := mypos.RequireActor(ctx, mypos.KindPartner); err != nil {
		return v, err
	}
	sum, err := s.cfg.Licensing.Summary(ctx)
	if err != nil {
		return v, err
	}
	v.Sealed = int(sum.Sealed)
	if f.Action != licensing.TypeTransfer {
		return v, nil
	}
	names, err := s.clientNames(ctx)
	if err != nil {
		return v, err
	}
	for id, name := range names {
		v.Clients = append(v.Clients, clientOption{ID: id, Name: name})
	}
	slices.SortFunc(v.Clients, func(a, b clientOption) int { return strings.Compare(a.Name, b.Name) })
	return v, nil
}

// reviewDoc checks the form and shows its summary with the oldest sealed
// licenses it takes; a mistake shows the form again, at its field.
func (s *Server) reviewDoc(c *fiber.Ctx, f docForm) error {
	if !slices.Contains(docActions, f.Action) {
		return mypos.Errorf(mypos.ENOTFOUND, "No such page: %s %s.", c.Method(), c.Path())
	}
	ctx := c.UserContext()
	v, err := s.docFormData(ctx, f)
	if err != nil {
		return err
	}
	if err := v.check(); err != nil {
		return s.render(c, http.StatusOK, "partner_document_form", page{Err: err, Data: v})
	}
	n, _ := strconv.Atoi(f.Count)
	if v.Licenses, err = s.oldestSealed(ctx, n); err != nil {
		return err
	}
	for _, l := range v.Licenses {
		v.LicenseIDs = append(v.LicenseIDs, l.ID)
	}
	if len(v.Licenses) > summaryShown {
		v.More, v.Licenses = len(v.Licenses)-summaryShown, v.Licenses[:summaryShown]
	}
	return s.render(c, http.StatusOK, "partner_document_confirm", page{Data: v})
}

// check says what is wrong with the form before it is summed up: the
// client, the licensee, the count. The services check all again on "post".
func (v *docFormView) check() error {
	if v.Action == licensing.TypeTransfer {
		i := slices.IndexFunc(v.Clients, func(o clientOption) bool { return o.ID == v.CompanyID })
		if i < 0 {
			return mypos.Invalid("company_id", "No such client company.")
		}
		v.Company = v.Clients[i].Name
	} else {
		clean, err := licensing.CheckLicensee(v.Licensee)
		if err != nil {
			return err
		}
		v.Licensee = clean
	}
	most := min(v.Sealed, licensing.MaxSale)
	if n, err := strconv.Atoi(v.Count); err != nil || n < 1 || n > most {
		return mypos.Invalid("count", "Name 1 to %d licenses.", max(most, 1))
	}
	return nil
}

// oldestSealed takes the partner's n oldest sealed licenses (IDs are
// UUIDv7, so ID order is the order they came in).
func (s *Server) oldestSealed(ctx context.Context, n int) ([]licensing.License, error) {
	var out []licensing.License
	f := licensing.LicenseFilter{State: licensing.StateSealed}
	for len(out) < n {
		f.Limit = min(n-len(out), db.MaxLimit)
		page, next, err := s.cfg.Licensing.Licenses(ctx, f)
		if err != nil {
			return nil, err
		}
		out = append(out, page...)
		if next == "" {
			break
		}
		f.Cursor = next
	}
	return out, nil
}

// issueDoc issues the document the summary showed and opens its page; a
// refusal — a license gone meanwhile, a client no more, a bad licensee —
// shows the form again with the error at its field.
func (s *Server) issueDoc(c *fiber.Ctx, f docForm) error {
	ctx := c.UserContext()
	var doc *licensing.Document
	var err error
	switch f.Action {
	case licensing.TypeTransfer:
		doc, err = s.cfg.Licensing.Transfer(ctx, f.CompanyID, f.LicenseIDs)
	case licensing.TypeUnseal:
		doc, err = s.cfg.Licensing.Unseal(ctx, f.LicenseIDs, f.Licensee)
	default:
		return mypos.Errorf(mypos.ENOTFOUND, "No such page: %s %s.", c.Method(), c.Path())
	}
	if mypos.ErrorCode(err) == mypos.EINTERNAL {
		return err
	}
	if err != nil {
		return s.renderDocForm(c, f, err)
	}
	s.setFlash(c, "documents.created", "Number", strconv.FormatInt(doc.Number, 10))
	return c.Redirect("/partner/documents/"+doc.ID, http.StatusSeeOther)
}

// clientNames names every client company of the caller by ID, for the
// transfer form's choice of client.
func (s *Server) clientNames(ctx context.Context) (map[string]string, error) {
	names := map[string]string{}
	p := db.ListParams{Limit: db.MaxLimit}
	for {
		page, next, err := s.cfg.Accounts.LinkedCompanies(ctx, p)
		if err != nil {
			return nil, err
		}
		for _, a := range page {
			names[a.ID] = a.Name
		}
		if next == "" {
			return names, nil
		}
		p.Cursor = next
	}
}
