package mypos

import (
	"net/mail"

	"mypos/protocol"
)

// MaxEmail bounds an e-mail address, in characters.
const MaxEmail = 254

// Text checks a name-like input field by the one text rule
// (protocol.CheckText: UTF-8, trimmed, one line, no bidirectional
// overrides, not only invisible characters, min to max characters) and
// returns it trimmed. min is 0 for a field that may be empty.
// Returns EINVALID naming the field and what is wrong.
func Text(field, s string, min, max int) (string, error) {
	clean, err := protocol.CheckText(s, min, max)
	if err != nil {
		return "", Invalid(field, "The field %q %s.", field, err)
	}
	return clean, nil
}

// Email checks an e-mail address by the text rule and as an address: a
// bare address, no display name or comment. It returns it trimmed.
// Returns EINVALID naming the field.
func Email(field, s string) (string, error) {
	email, err := Text(field, s, 1, MaxEmail)
	if err != nil {
		return "", err
	}
	if addr, err := mail.ParseAddress(email); err != nil || addr.Address != email {
		return "", Invalid(field, "The field %q is not an e-mail address.", field)
	}
	return email, nil
}
