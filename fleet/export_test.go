package fleet

import (
	"context"

	"mypos/db"
)

// LoseNotifications has f listen for other nodes' commits as usual but drop
// every notification, as when they are lost (the listening connection was
// down when they were sent). Call it before Start.
func LoseNotifications(f *Fleet) {
	listen := f.listen
	f.listen = func(ctx context.Context, l db.Listener) error {
		l.Notify = func(string) {}
		return listen(ctx, l)
	}
}

// FlushAcks writes the acknowledged revisions' batch now.
func FlushAcks(f *Fleet) { f.acks.flush(context.Background()) }

// AgentOf is the version fleet keeps from a hello.
var AgentOf = agentOf
