package changelog

import "mypos/protocol"

// Compact folds changes in order into the last item per entity that a
// device must apply. An entity the device saw at some point in the run and
// cannot see at its end becomes a delete, which is harmless if the device
// never had it.
func Compact(changes []Change, v View) []Item {
	c := NewCompactor(v)
	for _, ch := range changes {
		if i, item, ok := c.Next(ch); ok {
			c.Put(i, item)
		}
	}
	return c.Items()
}

// Compactor is Compact one change at a time, for a reader that must know
// what a change would do to the items before taking it: a sync page that
// stops when the next item would not fit in a message.
type Compactor struct {
	v     View
	last  map[entityKey]int // an entity's index in items
	items []Item
}

type entityKey struct{ kind, entity string }

// NewCompactor starts an empty compaction for the device of v.
func NewCompactor(v View) *Compactor {
	return &Compactor{v: v, last: make(map[entityKey]int)}
}

// Next returns what taking ch would do: set the item at index i — a new
// one when i is len(Items()) — or nothing (ok false). It changes nothing.
func (c *Compactor) Next(ch Change) (i int, item Item, ok bool) {
	item, visible := ch.Visible(c.v)
	i, seen := c.last[entityKey{ch.Kind, ch.Entity}]
	switch {
	case visible && seen:
		return i, item, true
	case visible:
		return len(c.items), item, true
	case seen && c.items[i].Op == protocol.OpUpsert:
		return i, Item{Kind: ch.Kind, Entity: ch.Entity, Op: protocol.OpDelete}, true // lost sight of it
	}
	return 0, Item{}, false
}

// Put sets the item at i, as Next returned them.
func (c *Compactor) Put(i int, item Item) {
	if i == len(c.items) {
		c.last[entityKey{item.Kind, item.Entity}] = i
		c.items = append(c.items, item)
		return
	}
	c.items[i] = item
}

// Items returns the compacted items, in the order entities first appeared.
func (c *Compactor) Items() []Item { return c.items }
