// The page writer: a sync reply built from items encoded once and spliced
// into the envelope.

package fleet

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"sync"

	"mypos/changelog"
	"mypos/protocol"
)

// pageWriter builds a sync reply of encoded items: it encodes the
// envelope without them and splices them in, so each item is encoded once.
// Writers are pooled: a storm builds pages by the hundred thousand.
type pageWriter struct {
	reply   *protocol.SyncReply // the envelope: no items
	buf     []byte              // the items, joined with commas
	ends    []int               // where each item ends in buf
	room    int                 // the message limit less the envelope
	scratch bytes.Buffer        // the item being encoded
	enc     *json.Encoder       // into scratch
}

var pageWriters = sync.Pool{New: func() any {
	w := &pageWriter{}
	w.enc = json.NewEncoder(&w.scratch)
	return w
}}

// newPageWriter takes a writer from the pool for reply; put it back with
// release once the message is built.
func newPageWriter(reply *protocol.SyncReply) (*pageWriter, error) {
	reply.Items = []protocol.Item{}
	env, err := protocol.Encode(reply)
	if err != nil {
		return nil, err
	}
	w := pageWriters.Get().(*pageWriter)
	w.reply, w.buf, w.ends, w.room = reply, w.buf[:0], w.ends[:0], protocol.MaxMessageSize-len(env)
	return w, nil
}

func (w *pageWriter) release() {
	w.reply = nil
	pageWriters.Put(w)
}

// take sets item i (a new one when i is len(ends)) if the page still fits
// with a next cursor of up to next characters; it reports whether it did.
// An item that does not fit in an empty page can never be sent: an error.
func (w *pageWriter) take(i int, it changelog.Item, next int) (bool, error) {
	b, err := w.encode(it)
	if err != nil {
		return false, err
	}
	start, end, comma := len(w.buf), len(w.buf), len(w.ends) > 0
	if i < len(w.ends) {
		start, end, comma = w.start(i), w.ends[i], false
	}
	size := len(w.buf) - (end - start) + len(b)
	if comma {
		size++
	}
	if size+cursorRoom(next) > w.room {
		if len(w.ends) == 0 {
			return false, fmt.Errorf("fleet: %s %s is too large for a message (%d bytes)", it.Kind, it.Entity, len(b))
		}
		return false, nil
	}
	if comma {
		w.buf = append(w.buf, ',')
		start, end = start+1, end+1
	}
	w.buf = slices.Replace(w.buf, start, end, b...)
	if i == len(w.ends) {
		w.ends = append(w.ends, len(w.buf))
		return true, nil
	}
	for j := i; j < len(w.ends); j++ {
		w.ends[j] += len(b) - (end - start)
	}
	return true, nil
}

func (w *pageWriter) start(i int) int {
	if i == 0 {
		return 0
	}
	return w.ends[i-1] + 1 // after the comma
}

// encode encodes an item as protocol.Item, its body spliced in as it is:
// bodies are JSON as the changelog stored them, and encoding/json would
// scan every byte of them again to compact what is compact. The result is
// valid until the next call.
func (w *pageWriter) encode(it changelog.Item) ([]byte, error) {
	w.scratch.Reset()
	if err := w.enc.Encode(wireItem(changelog.Item{Kind: it.Kind, Entity: it.Entity, Op: it.Op})); err != nil {
		return nil, err
	}
	w.scratch.Truncate(w.scratch.Len() - len("}\n"))
	if len(it.Body) > 0 {
		w.scratch.WriteString(`,"body":`)
		w.scratch.Write(it.Body)
	}
	w.scratch.WriteByte('}')
	return w.scratch.Bytes(), nil
}

// cursorRoom bounds what a next cursor of n characters adds to the
// envelope: its field, and the cursor quoted with every character escaped
// at worst.
func cursorRoom(n int) int { return len(`,"next":""`) + 6*n }

// itemsField is where the envelope's empty items go; it cannot occur inside
// a JSON string, whose quotes are escaped.
var itemsField = []byte(`"items":[`)

// message returns the encoded reply with the items and the next cursor.
func (w *pageWriter) message(next string) ([]byte, error) {
	w.reply.Next = next
	env, err := protocol.Encode(w.reply)
	if err != nil {
		return nil, err
	}
	at := bytes.Index(env, itemsField) + len(itemsField)
	out := make([]byte, 0, len(env)+len(w.buf))
	out = append(append(append(out, env[:at]...), w.buf...), env[at:]...)
	if len(out) > protocol.MaxMessageSize {
		return nil, fmt.Errorf("fleet: a sync page of %d bytes is over the limit", len(out)) // cursorRoom is wrong
	}
	return out, nil
}
