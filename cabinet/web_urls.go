package cabinet

import (
	"net/url"
	"strconv"

	"mypos/db"
)

// The addresses of list pages, for every cabinet: a redirect after a post,
// a tab, the pager's first and next links.

// listURL is a list page's address; it is built here, from a fixed path, so
// a form field cannot redirect the browser elsewhere. extra are more of the
// list's parameters, pairs of a name and a value (an empty one is left out):
// listURL("/owner/licenses", p, "state", "sealed").
func listURL(path string, p db.ListParams, extra ...string) string {
	v := url.Values{}
	for i := 0; i+1 < len(extra); i += 2 {
		if extra[i+1] != "" {
			v.Set(extra[i], extra[i+1])
		}
	}
	if p.Query != "" {
		v.Set("q", p.Query)
	}
	if p.Cursor != "" {
		v.Set("cursor", p.Cursor)
	}
	if p.Limit != 0 {
		v.Set("limit", strconv.Itoa(p.Limit))
	}
	if len(v) == 0 {
		return path
	}
	return path + "?" + v.Encode()
}

// pagerURLs are a list page's links to its first page (past the first) and
// its next (when there is one), keeping the list's other parameters.
func pagerURLs(path string, p db.ListParams, next string, extra ...string) (first, nextURL string) {
	if p.Cursor != "" {
		first = listURL(path, db.ListParams{Query: p.Query, Limit: p.Limit}, extra...)
	}
	if next != "" {
		nextURL = listURL(path, db.ListParams{Query: p.Query, Limit: p.Limit, Cursor: next}, extra...)
	}
	return first, nextURL
}
