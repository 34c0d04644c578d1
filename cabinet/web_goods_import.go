package cabinet

import (
	"bufio"
	"context"
	"encoding/csv"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"mypos/backoffice"
	"mypos/db"
)

// importView is the import page: the upload form and, for a refused file,
// each bad row (the first hundred) said in the page's language, and how
// many there are in all.
type importView struct {
	Rows    []backoffice.RowError
	Total   int
	Columns []string
}

// catalogColumns are the columns of the import's file, in the order the
// export writes them (backoffice's importColumns says what each holds).
var catalogColumns = []string{"code", "name", "barcode", "price", "unit", "vat", "group"}

func (s *Server) goodsImportPage(c *fiber.Ctx) error {
	return s.render(c, http.StatusOK, "goods_import", page{Data: importView{Columns: catalogColumns}})
}

// goodsImport loads an uploaded CSV catalog through the service the API's
// import uses: all of it, or — with a bad row — nothing, and the page
// lists every problem.
func (s *Server) goodsImport(c *fiber.Ctx) error {
	file, err := importFile(c)
	if err != nil {
		return s.render(c, statusForError(err), "goods_import", page{Err: err, Data: importView{Columns: catalogColumns}})
	}
	if f, ok := file.(io.Closer); ok {
		defer f.Close()
	}
	res, err := s.cfg.Backoffice.ImportGoods(c.UserContext(), file)
	var bad *backoffice.ImportError
	if errors.As(err, &bad) {
		v := importView{Rows: saidRows(loc(c), bad.Rows), Total: bad.Total, Columns: catalogColumns}
		return s.render(c, statusForError(err), "goods_import", page{Data: v})
	}
	if err != nil {
		return err
	}
	s.setFlash(c, "import.done", "Created", strconv.Itoa(res.Created), "Updated", strconv.Itoa(res.Updated),
		"Unchanged", strconv.Itoa(res.Unchanged))
	return c.Redirect("/goods", http.StatusSeeOther)
}

// goodsExport streams the catalog as CSV in the import's format, a page
// of goods at a time, so 100,000 goods never sit in memory at once and an
// export imported back changes nothing.
func (s *Server) goodsExport(c *fiber.Ctx) error {
	ctx := c.UserContext()
	tree, err := s.loadGroups(ctx)
	if err != nil {
		return err
	}
	// The first page is read before the answer starts, so a refusal
	// (not a company) is still an error page.
	first, next, err := s.cfg.Backoffice.ListGoods(ctx, db.ListParams{Limit: db.MaxLimit})
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "text/csv; charset=utf-8")
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="goods.csv"`)
	c.Set(fiber.HeaderCacheControl, "no-store")
	c.Context().SetBodyStreamWriter(func(w *bufio.Writer) {
		if err := s.writeCatalog(ctx, w, tree, first, next); err != nil {
			s.log.Error("goods export", "error", err)
		}
	})
	return nil
}

// writeCatalog writes the header and every goods, page by page.
func (s *Server) writeCatalog(ctx context.Context, w *bufio.Writer, tree *groupTree, page []backoffice.Goods, next string) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(catalogColumns); err != nil {
		return err
	}
	for {
		for _, g := range page {
			rec := []string{g.Code, g.Name, strings.Join(g.Barcodes, " "), backoffice.FormatRubles(g.Price), g.Unit, g.VAT, tree.path(g.GroupID)}
			if err := cw.Write(rec); err != nil {
				return err
			}
		}
		cw.Flush()
		if err := cw.Error(); err != nil || next == "" {
			return err
		}
		var err error
		if page, next, err = s.cfg.Backoffice.ListGoods(ctx, db.ListParams{Cursor: next, Limit: db.MaxLimit}); err != nil {
			return err
		}
	}
}
