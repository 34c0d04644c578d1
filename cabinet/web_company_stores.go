package cabinet

import (
	"net/http"

	"github.com/gofiber/fiber/v2"

	"mypos/backoffice"
)

// The company's stores (торговые объекты): a list, a form to add or edit
// one, and a confirmed delete, which the service refuses while devices
// stand in the store.

// storeForm is the store form: the store edited (ID "" for a new one)
// and what was typed.
type storeForm struct {
	ID, Name, Address string
}

func (s *Server) companyStores(c *fiber.Ctx) error {
	v, err := listOffice(c, "/stores", s.cfg.Backoffice.ListStores)
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "company_stores", page{Data: v})
}

func (s *Server) companyStoreNew(c *fiber.Ctx) error {
	return s.render(c, http.StatusOK, "company_store", page{Data: storeForm{}})
}

func (s *Server) companyStoreCreate(c *fiber.Ctx) error {
	f := storeForm{Name: c.FormValue("name"), Address: c.FormValue("address")}
	st, err := s.cfg.Backoffice.CreateStore(c.UserContext(), backoffice.StoreInput{Name: f.Name, Address: f.Address})
	return s.storeSaved(c, f, st, err, "stores.created")
}

func (s *Server) companyStoreEdit(c *fiber.Ctx) error {
	st, err := s.cfg.Backoffice.GetStore(c.UserContext(), c.Params("id"))
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "company_store", page{Data: storeForm{ID: st.ID, Name: st.Name, Address: st.Address}})
}

func (s *Server) companyStoreUpdate(c *fiber.Ctx) error {
	f := storeForm{ID: c.Params("id"), Name: c.FormValue("name"), Address: c.FormValue("address")}
	st, err := s.cfg.Backoffice.UpdateStore(c.UserContext(), f.ID, backoffice.StorePatch{Name: &f.Name, Address: &f.Address})
	return s.storeSaved(c, f, st, err, "stores.saved")
}

// storeSaved answers a store form: the list with a flash, or the form again
// with the error at its field.
func (s *Server) storeSaved(c *fiber.Ctx, f storeForm, st *backoffice.Store, err error, flash string) error {
	if err != nil {
		if !onForm(err) {
			return err
		}
		return s.render(c, statusForError(err), "company_store", page{Err: err, Data: f})
	}
	s.setFlash(c, flash, "Name", st.Name)
	return c.Redirect("/stores", http.StatusSeeOther)
}

// companyStoreDeleteConfirm asks before deleting: the store's prices go
// with it.
func (s *Server) companyStoreDeleteConfirm(c *fiber.Ctx) error {
	st, err := s.cfg.Backoffice.GetStore(c.UserContext(), c.Params("id"))
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "confirm", page{Data: storeDeleteConfirm(c, st)})
}

func storeDeleteConfirm(c *fiber.Ctx, st *backoffice.Store) confirmView {
	return askFirst(c, "stores.delete.", st.Name, "/stores/"+st.ID+"/delete", "/stores", true)
}

// askFirst is the confirmation of an action on a named row: its words are
// the messages under key (title, question, note, button), the question
// naming the row.
func askFirst(c *fiber.Ctx, key, name, action, back string, danger bool) confirmView {
	l := loc(c)
	return confirmView{
		Title: l.T(key + "title"), Question: l.T(key+"question", "Name", name), Note: l.T(key + "note"),
		Button: l.T(key + "button"), Danger: danger, Action: action, Back: back,
	}
}

// companyStoreDelete deletes the store; a refusal (devices stand in it)
// comes back on the confirmation, saying why.
func (s *Server) companyStoreDelete(c *fiber.Ctx) error {
	ctx := c.UserContext()
	st, err := s.cfg.Backoffice.GetStore(ctx, c.Params("id"))
	if err != nil {
		return err
	}
	if err := s.cfg.Backoffice.DeleteStore(ctx, st.ID); err != nil {
		if !onForm(err) {
			return err
		}
		return s.render(c, statusForError(err), "confirm", page{Err: err, Data: storeDeleteConfirm(c, st)})
	}
	s.setFlash(c, "stores.deleted", "Name", st.Name)
	return c.Redirect("/stores", http.StatusSeeOther)
}
