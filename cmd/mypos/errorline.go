package main

import (
	"errors"

	"mypos"
)

// errorLine turns a domain error into the plain line a person reads.
func errorLine(err error) error {
	var e *mypos.Error
	if errors.As(err, &e) {
		return errors.New(e.Message)
	}
	return err
}
