package backoffice

import (
	"errors"

	"mypos"
)

// RowError is one problem of an import file: the row (as a spreadsheet
// numbers it: the header is row 1), the column, and what is wrong —
// Message in English, Err the coded error it was made from, so an edge can
// say it in its caller's language (i18n's Locale.Error).
type RowError struct {
	Row     int          `json:"row"`
	Field   string       `json:"field"`
	Message string       `json:"message"`
	Err     *mypos.Error `json:"-"`
}

// maxRowErrors bounds the report: enough to fix a file in one go, not a
// megabyte of the same mistake.
const maxRowErrors = 100

// ImportError is a refused import: nothing was written. Its code is
// EINVALID; Rows lists the first problems, Total counts them all.
type ImportError struct {
	Rows  []RowError
	Total int
}

// add records a problem, keeping the first maxRowErrors. err is a coded
// error (errInvalid's, a field's validation error): made with a format,
// so the i18n catalog can say every problem of a report.
func (e *ImportError) add(row int, field string, err *mypos.Error) {
	e.Total++
	if len(e.Rows) < maxRowErrors {
		e.Rows = append(e.Rows, RowError{Row: row, Field: field, Message: err.Message, Err: err})
	}
}

// addErr records a validation error of a field under the column's name;
// an error that is not coded (a bug) reads as mypos.ErrorMessage says.
func (e *ImportError) addErr(row int, column string, err error) {
	var coded *mypos.Error
	if !errors.As(err, &coded) {
		coded = &mypos.Error{Code: mypos.EINTERNAL, Message: "Internal error."}
	}
	e.add(row, column, coded)
}

func (e *ImportError) Error() string { return e.coded().Error() }

// Unwrap makes the error read as EINVALID, with a message naming the first
// problem, wherever codes are read.
func (e *ImportError) Unwrap() error { return e.coded() }

func (e *ImportError) coded() *mypos.Error {
	first := RowError{Err: &mypos.Error{}}
	if len(e.Rows) > 0 {
		first = e.Rows[0]
	}
	return mypos.Invalid(first.Field, "The file has %d problem(s); nothing was imported. Row %d, %s: %s",
		e.Total, first.Row, first.Field, rowPhrase{first.Err})
}

// rowPhrase is a row's problem inside the report's own message: its
// English as text (%s), and its format and arguments for a translation.
// Not an error, so fmt prints the message, not Error()'s code and all.
type rowPhrase struct{ e *mypos.Error }

func (p rowPhrase) String() string          { return p.e.Message }
func (p rowPhrase) Phrase() (string, []any) { return p.e.Phrase() }

// orNil returns e when it holds a problem, nil otherwise.
func (e *ImportError) orNil() error {
	if e.Total == 0 {
		return nil
	}
	return e
}

func errInvalid(format string, args ...any) *mypos.Error {
	return mypos.Errorf(mypos.EINVALID, format, args...)
}
