package backoffice

import (
	"bytes"
	"encoding/json"
)

// Nullable is a patch field with three states: absent (the zero value, or
// the field left out of JSON) leaves the value alone; Set with a nil Value
// (JSON null) clears it; Set with a Value sets it. A plain pointer cannot
// tell "leave" from "clear".
type Nullable[T any] struct {
	Set   bool
	Value *T
}

// SetTo returns a Nullable that sets v.
func SetTo[T any](v T) Nullable[T] { return Nullable[T]{Set: true, Value: &v} }

// Clear returns a Nullable that clears the value.
func Clear[T any]() Nullable[T] { return Nullable[T]{Set: true} }

// UnmarshalJSON reads a present field: null clears, a value sets.
func (n *Nullable[T]) UnmarshalJSON(b []byte) error {
	n.Set, n.Value = true, nil
	if bytes.Equal(bytes.TrimSpace(b), []byte("null")) {
		return nil
	}
	return json.Unmarshal(b, &n.Value)
}

// apply writes the change, if any, to *dst.
func (n Nullable[T]) apply(dst **T) {
	if n.Set {
		*dst = n.Value
	}
}
