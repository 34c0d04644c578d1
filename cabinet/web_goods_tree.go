package cabinet

import (
	"cmp"
	"context"
	"slices"
	"strings"

	"mypos"
	"mypos/db"
)

// groupNode is a goods group in the company's tree, as the pages show it:
// beside the goods list, and flattened in the group selects.
type groupNode struct {
	ID, Name string
	Path     string // the names from the top, "Молочное/Молоко": the select's text, the export's group
	ParentID string // "" at the top
	Depth    int    // 0 at the top
	Children []*groupNode
}

// groupTree is every group of the company. A company has hundreds of
// groups, not millions, so a page loads them all.
type groupTree struct {
	Roots []*groupNode
	Flat  []*groupNode // in tree order
	byID  map[string]*groupNode
}

// loadGroups reads the company's groups, a page of the most at a time,
// and builds the tree, each level in name order.
func (s *Server) loadGroups(ctx context.Context) (*groupTree, error) {
	t := &groupTree{byID: map[string]*groupNode{}}
	all, err := collect(ctx, s.cfg.Backoffice.ListGroups)
	if err != nil {
		return nil, err
	}
	for _, g := range all {
		t.byID[g.ID] = &groupNode{ID: g.ID, Name: g.Name, ParentID: deref(g.ParentID)}
	}
	for _, g := range all {
		n := t.byID[g.ID]
		if p, ok := t.byID[n.ParentID]; ok {
			p.Children = append(p.Children, n)
		} else {
			t.Roots = append(t.Roots, n)
		}
	}
	t.walk(t.Roots, 0, "")
	return t, nil
}

// walk sorts each level by name and fills in depths, paths and Flat.
func (t *groupTree) walk(level []*groupNode, depth int, prefix string) {
	slices.SortFunc(level, func(a, b *groupNode) int {
		return cmp.Or(strings.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name)), strings.Compare(a.ID, b.ID))
	})
	for _, n := range level {
		n.Depth, n.Path = depth, prefix+n.Name
		t.Flat = append(t.Flat, n)
		t.walk(n.Children, depth+1, n.Path+"/")
	}
}

// find returns the company's group, ENOTFOUND for any other ID: another
// company's group by URL is a page that is not there.
func (t *groupTree) find(id string) (*groupNode, error) {
	if n, ok := t.byID[id]; ok {
		return n, nil
	}
	return nil, mypos.Errorf(mypos.ENOTFOUND, "No such goods group.")
}

// path is a group's path, "" for none or one not in the tree.
func (t *groupTree) path(id *string) string {
	if id == nil || t.byID[*id] == nil {
		return ""
	}
	return t.byID[*id].Path
}

// under lists a group and every group below it.
func (n *groupNode) under() []string {
	ids := []string{n.ID}
	for _, c := range n.Children {
		ids = append(ids, c.under()...)
	}
	return ids
}

// collect reads every page of a short list: a company's groups or stores.
func collect[T any](ctx context.Context, list lister[T]) ([]T, error) {
	var all []T
	for cursor := ""; ; {
		items, next, err := list(ctx, db.ListParams{Cursor: cursor, Limit: db.MaxLimit})
		if err != nil || next == "" {
			return append(all, items...), err
		}
		all, cursor = append(all, items...), next
	}
}
