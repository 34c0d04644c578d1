package agent

import "mypos/protocol"

// onChanges applies a pushed batch by the rule of DESIGN §5: apply when
// from ≤ rev < to (items are last states, so the overlap is harmless),
// ignore when to ≤ rev, sync when from > rev — something between was
// missed. While a sync is in flight pushes are ignored: the cloud does not
// push to a device mid-sync, and after it pushes from the sync's revision.
func (w *worker) onChanges(c *protocol.Changes) {
	switch {
	case w.sync != nil:
		w.log.Debug("push ignored during a sync", "from", c.From, "to", c.To)
	case c.To <= w.rev:
		w.log.Debug("push already held", "from", c.From, "to", c.To, "rev", w.rev)
	case c.From > w.rev:
		w.log.Info("push skips revisions, syncing", "from", c.From, "rev", w.rev)
		w.want(false)
	default:
		w.apply(c)
	}
}

func (w *worker) apply(c *protocol.Changes) {
	if err := checkItems(c.Items); err != nil {
		w.log.Error("push refused", "from", c.From, "to", c.To, "error", err)
		return
	}
	if err := w.local.applyChanges(c.Items, c.To); err != nil {
		w.log.Error("push not applied", "from", c.From, "to", c.To, "error", err)
		return
	}
	w.rev = c.To
	w.log.Info("applied", "from", c.From, "to", c.To, "items", len(c.Items))
	w.ack()
}
