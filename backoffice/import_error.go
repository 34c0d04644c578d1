package backoffice

import (
	"fmt"

	"mypos"
)

// RowError is one problem of an import file: the row (as a spreadsheet
// numbers it: the header is row 1), the column, and what is wrong.
type RowError struct {
	Row     int    `json:"row"`
	Field   string `json:"field"`
	Message string `json:"message"`
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

// add records a problem, keeping the first maxRowErrors.
func (e *ImportError) add(row int, field, format string, args ...any) {
	e.Total++
	if len(e.Rows) < maxRowErrors {
		e.Rows = append(e.Rows, RowError{Row: row, Field: field, Message: fmt.Sprintf(format, args...)})
	}
}

// addErr records a validation error of a field under the column's name.
func (e *ImportError) addErr(row int, column string, err error) {
	e.add(row, column, "%s", mypos.ErrorMessage(err))
}

func (e *ImportError) Error() string { return e.coded().Error() }

// Unwrap makes the error read as EINVALID, with a message naming the first
// problem, wherever codes are read.
func (e *ImportError) Unwrap() error { return e.coded() }

func (e *ImportError) coded() *mypos.Error {
	first := RowError{}
	if len(e.Rows) > 0 {
		first = e.Rows[0]
	}
	msg := fmt.Sprintf("The file has %d problem(s); nothing was imported. Row %d, %s: %s", e.Total, first.Row, first.Field, first.Message)
	return &mypos.Error{Code: mypos.EINVALID, Field: first.Field, Message: msg}
}

// orNil returns e when it holds a problem, nil otherwise.
func (e *ImportError) orNil() error {
	if e.Total == 0 {
		return nil
	}
	return e
}

func errInvalid(format string, args ...any) error {
	return mypos.Errorf(mypos.EINVALID, format, args...)
}
