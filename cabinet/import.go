package cabinet

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"strings"

	"github.com/gofiber/fiber/v2"

	"mypos"
	"mypos/backoffice"
	"mypos/i18n"
)

// importProblem is a refused import: the problem+json of any error, plus
// every bad row (the first 100) and how many there are in all.
type importProblem struct {
	problem
	Errors []backoffice.RowError `json:"errors"`
	Total  int                   `json:"total"`
}

// importGoods takes a CSV catalog as the body (text/csv), or as the field
// "file" of a multipart form (a browser's upload), and answers with what
// was done, or 400 with every bad row and nothing written. The body limit
// (maxBody) bounds the file.
func (s *Server) importGoods(c *fiber.Ctx) error {
	file, err := importFile(c)
	if err != nil {
		return err
	}
	if f, ok := file.(io.Closer); ok {
		defer f.Close()
	}
	res, err := s.cfg.Backoffice.ImportGoods(c.UserContext(), file)
	var bad *backoffice.ImportError
	if errors.As(err, &bad) {
		l := i18n.For(apiLang(c))
		p := newProblem(http.StatusBadRequest, mypos.EINVALID, l.Error(err))
		p.Field = mypos.ErrorField(err)
		return sendJSONAs(c, http.StatusBadRequest, "application/problem+json", importProblem{problem: p, Errors: saidRows(l, bad.Rows), Total: bad.Total})
	}
	if err != nil {
		return err
	}
	return c.JSON(res)
}

// saidRows is an import report's rows with each message in l's language:
// the API's and the page's report alike.
func saidRows(l *i18n.Locale, rows []backoffice.RowError) []backoffice.RowError {
	out := make([]backoffice.RowError, len(rows))
	for i, r := range rows {
		if r.Err != nil {
			r.Message = l.Error(r.Err)
		}
		out[i] = r
	}
	return out
}

// importFile returns the uploaded file, from a form or the raw body.
func importFile(c *fiber.Ctx) (io.Reader, error) {
	if !strings.HasPrefix(c.Get(fiber.HeaderContentType), fiber.MIMEMultipartForm) {
		return bytes.NewReader(c.Body()), nil
	}
	fh, err := c.FormFile("file")
	if err != nil {
		return nil, mypos.Invalid("file", "Upload the catalog as the form field \"file\".")
	}
	f, err := fh.Open()
	if err != nil {
		return nil, err
	}
	return f, nil // a multipart.File over memory or a temp file Fiber removes
}
