package backoffice

import (
	"context"
	"maps"
	"slices"
	"strings"

	"mypos"
)

// groupKey names a group by its parent and its name, any case.
type groupKey struct{ parent, nameKey string }

// importGroups resolves every group path of the file to a group ID,
// creating the groups that do not exist, and returns the IDs by path
// (levels joined by "/"). Names match regardless of case; of two siblings
// with one name the older is used. The tree stays locked until commit.
func (s *Service) importGroups(ctx context.Context, companyID string, rows []importRow, p *importPlan) (map[string]string, error) {
	paths := map[string][]string{}
	for _, r := range rows {
		if r.group != nil {
			paths[strings.Join(r.group, pathSep)] = r.group
		}
	}
	if len(paths) == 0 {
		return nil, nil
	}
	byKey, err := s.groupIndex(ctx, companyID)
	if err != nil {
		return nil, err
	}
	ids := make(map[string]string, len(paths))
	for _, joined := range slices.Sorted(maps.Keys(paths)) { // created in a stable order
		path := paths[joined]
		parent := ""
		for _, name := range path {
			k := groupKey{parent, searchKey(name)}
			id, ok := byKey[k]
			if !ok {
				if id, err = s.importGroup(ctx, companyID, parent, name, p); err != nil {
					return nil, err
				}
				byKey[k] = id
			}
			parent = id
		}
		ids[joined] = parent
	}
	return ids, nil
}

// groupIndex locks the company's groups (as a move does) and indexes them.
func (s *Service) groupIndex(ctx context.Context, companyID string) (map[groupKey]string, error) {
	gs, err := s.lockGroups(ctx, companyID)
	if err != nil {
		return nil, err
	}
	byKey := make(map[groupKey]string, len(gs))
	for _, g := range gs {
		k := groupKey{nameKey: g.NameKey}
		if g.ParentID != nil {
			k.parent = *g.ParentID
		}
		if _, seen := byKey[k]; !seen {
			byKey[k] = g.ID
		}
	}
	return byKey, nil
}

// importGroup creates one group of a path under parent ("" for the top);
// its change joins the plan's.
func (s *Service) importGroup(ctx context.Context, companyID, parent, name string, p *importPlan) (string, error) {
	g := &Group{ID: mypos.NewID(), CompanyID: companyID, Name: name, NameKey: searchKey(name), CreatedAt: s.now()}
	g.UpdatedAt = g.CreatedAt
	if parent != "" {
		g.ParentID = &parent
	}
	if err := s.db.Conn(ctx).Create(g).Error; err != nil {
		return "", err
	}
	p.changes = append(p.changes, groupEntry(g))
	p.groups++
	return g.ID, nil
}
