package backoffice

import (
	"strings"
	"time"

	"mypos"
)

// Group is a goods group, a node of the company's catalog tree: a group
// without a parent is at the top.
type Group struct {
	ID        string    `gorm:"column:id;primaryKey" json:"id"`
	CompanyID string    `gorm:"column:company_id" json:"-"`
	ParentID  *string   `gorm:"column:parent_id" json:"parent_id"`
	Name      string    `gorm:"column:name" json:"name"`
	NameKey   string    `gorm:"column:name_key" json:"-"`
	CreatedAt time.Time `gorm:"column:created_at" json:"created_at"`
	UpdatedAt time.Time `gorm:"column:updated_at" json:"updated_at"`
}

// TableName tells gorm the table.
func (Group) TableName() string { return "goods_groups" }

// GroupInput is what a company tells about a new group.
type GroupInput struct {
	Name     string  `json:"name"`
	ParentID *string `json:"parent_id"`
}

// GroupPatch changes the fields it sets; parent_id null moves the group to
// the top.
type GroupPatch struct {
	Name     *string          `json:"name"`
	ParentID Nullable[string] `json:"parent_id"`
}

// maxDepth bounds the tree: deeper catalogs are a mistake, and the bound
// keeps every walk up the tree short.
const maxDepth = 16

// pathSep separates the levels of a group path in an import file, so a
// group's own name cannot contain it.
const pathSep = "/"

// validGroupName trims a group name and refuses a bad one.
func validGroupName(name string) (string, error) {
	name, err := mypos.Text("name", name, 1, maxName)
	if err != nil {
		return "", err
	}
	if strings.Contains(name, pathSep) {
		return "", mypos.Invalid("name", "A group name cannot contain %q: imports use it to separate levels.", pathSep)
	}
	return name, nil
}

// validate checks the fields the patch sets.
func (p *GroupPatch) validate() error {
	if p.Name != nil {
		name, err := validGroupName(*p.Name)
		if err != nil {
			return err
		}
		p.Name = &name
	}
	if p.ParentID.Value != nil && !mypos.ValidID(*p.ParentID.Value) {
		return mypos.Invalid("parent_id", "No such goods group.")
	}
	return nil
}

// Patch applies the set fields to g; validate has checked them.
func (p GroupPatch) Patch(g *Group) {
	if p.Name != nil {
		g.Name, g.NameKey = *p.Name, searchKey(*p.Name)
	}
	p.ParentID.apply(&g.ParentID)
}

// groupBody is a group as terminals receive it.
type groupBody struct {
	ID       string  `json:"id"`
	ParentID *string `json:"parent_id"`
	Name     string  `json:"name"`
}

func (g *Group) body() groupBody { return groupBody{ID: g.ID, ParentID: g.ParentID, Name: g.Name} }
