package backoffice

import (
	"context"

	"gorm.io/gorm/clause"

	"mypos"
)

// tree is a company's goods groups, loaded and locked for a change of shape.
type tree struct {
	parent   map[string]*string
	children map[string][]string
}

// lockTree loads every group of the company, locked for update, as a tree.
func (s *Service) lockTree(ctx context.Context, companyID string) (*tree, error) {
	gs, err := s.lockGroups(ctx, companyID)
	if err != nil {
		return nil, err
	}
	t := &tree{parent: make(map[string]*string, len(gs)), children: make(map[string][]string)}
	for _, g := range gs {
		t.parent[g.ID] = g.ParentID
		if g.ParentID != nil {
			t.children[*g.ParentID] = append(t.children[*g.ParentID], g.ID)
		}
	}
	return t, nil
}

// lockGroups loads every group of the company, locked for update in ID
// order (one order for every writer, so they never wait in a circle).
// A company has hundreds of groups, not millions: this is cheap.
func (s *Service) lockGroups(ctx context.Context, companyID string) ([]Group, error) {
	var gs []Group
	err := s.db.Conn(ctx).Clauses(clause.Locking{Strength: clause.LockingStrengthUpdate}).
		Where("company_id = ?", companyID).Order("id").Find(&gs).Error
	return gs, err
}

// isUnder reports whether id is ancestor or ancestor's descendant: whether
// walking up from id meets ancestor (id itself counts).
func (t *tree) isUnder(id, ancestor string) bool {
	for steps := 0; steps <= len(t.parent); steps++ {
		if id == ancestor {
			return true
		}
		p := t.parent[id]
		if p == nil {
			return false
		}
		id = *p
	}
	return true // a cycle already: refuse to add to it
}

// depth is how many levels id is below the top (a top group is 1).
func (t *tree) depth(id string) int {
	d := 0
	for p := &id; p != nil && d <= maxDepth+1; p = t.parent[*p] {
		d++
	}
	return d
}

// height is how many levels the subtree of id spans (a leaf is 1).
func (t *tree) height(id string) int {
	h := 0
	for _, c := range t.children[id] {
		h = max(h, t.height(c))
	}
	return h + 1
}

// canHold refuses a parent that is not the company's, or under which a
// subtree of the given height would be deeper than maxDepth.
func (t *tree) canHold(parentID string, height int) error {
	if _, ok := t.parent[parentID]; !ok {
		return mypos.Invalid("parent_id", "No such goods group in this company.")
	}
	if t.depth(parentID)+height > maxDepth {
		return mypos.Invalid("parent_id", "Groups nest at most %d levels deep.", maxDepth)
	}
	return nil
}

// checkMove refuses to put id under parentID when that would make a cycle
// or too deep a tree. The tree is locked, so two moves that each look fine
// alone cannot build a cycle together.
func (t *tree) checkMove(id, parentID string) error {
	if _, ok := t.parent[parentID]; ok && t.isUnder(parentID, id) {
		return mypos.Invalid("parent_id", "A group cannot move under itself or one of its subgroups.")
	}
	return t.canHold(parentID, t.height(id))
}
