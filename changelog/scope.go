package changelog

import (
	"fmt"
	"slices"
	"strings"
)

// Scope kinds: who may see an entity.
const (
	ScopeCompany = "company" // every device of the company
	ScopeStore   = "store"   // the devices placed in one store
	ScopeDevices = "devices" // a set of devices, possibly empty
)

// Scope says which devices of a company may see an entity. It is stored as
// text ("company", "store:ID", "devices:ID,ID") so fleet routes a change by
// its scope without decoding the body.
type Scope struct {
	Kind string
	IDs  []string // the store (one), or the devices (sorted); none for the company
}

// Company is the scope of what every device of the company sees.
func Company() Scope { return Scope{Kind: ScopeCompany} }

// Store is the scope of what the devices in one store see.
func Store(id string) Scope { return Scope{Kind: ScopeStore, IDs: []string{id}} }

// Devices is the scope of what a set of devices sees; no IDs means nobody.
func Devices(ids ...string) Scope {
	s := slices.Clone(ids)
	slices.Sort(s)
	return Scope{Kind: ScopeDevices, IDs: slices.Compact(s)}
}

// View is what decides whether a device sees a scope: the device and the
// store it is placed in ("" when in none).
type View struct {
	DeviceID string
	StoreID  string
}

// Includes reports whether the device of v may see what s scopes.
func (s Scope) Includes(v View) bool {
	switch s.Kind {
	case ScopeCompany:
		return true
	case ScopeStore:
		return v.StoreID != "" && len(s.IDs) == 1 && s.IDs[0] == v.StoreID
	case ScopeDevices:
		_, found := slices.BinarySearch(s.IDs, v.DeviceID)
		return found
	}
	return false
}

// Equal reports whether two scopes name the same devices the same way.
func (s Scope) Equal(o Scope) bool {
	return s.Kind == o.Kind && slices.Equal(s.IDs, o.IDs)
}

// String is the stored form.
func (s Scope) String() string {
	if s.Kind == ScopeCompany {
		return ScopeCompany
	}
	return s.Kind + ":" + strings.Join(s.IDs, ",")
}

// ParseScope reads the stored form back.
func ParseScope(text string) (Scope, error) {
	if text == ScopeCompany {
		return Company(), nil
	}
	kind, ids, ok := strings.Cut(text, ":")
	switch {
	case !ok:
	case kind == ScopeStore && ids != "" && !strings.Contains(ids, ","):
		return Store(ids), nil
	case kind == ScopeDevices && ids == "":
		return Devices(), nil
	case kind == ScopeDevices:
		return Devices(strings.Split(ids, ",")...), nil
	}
	return Scope{}, fmt.Errorf("changelog: bad scope %q", text)
}
