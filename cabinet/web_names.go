package cabinet

import "mypos/account"

// A page names the accounts its rows mention with one account.Accounts
// for exactly their IDs: the owner knows every name, a partner its own and
// its clients', a company its own and its partner's; a name the reader may
// not know is missing, and the page shows the party by its kind alone.

// appendSet appends the IDs that are set.
func appendSet(ids []string, ps ...*string) []string {
	for _, p := range ps {
		if p != nil {
			ids = append(ids, *p)
		}
	}
	return ids
}

// lookup is the account of an ID from a page's names, nil for none.
func lookup(names map[string]account.Account, id *string) *account.Account {
	if id == nil {
		return nil
	}
	if a, ok := names[*id]; ok {
		return &a
	}
	return nil
}
