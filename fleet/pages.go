// Sync pages: a snapshot or the compacted log read after a cursor and cut
// by bytes into one message.

package fleet

import (
	"context"
	"errors"
	"strconv"

	"mypos/changelog"
	"mypos/protocol"
)

// Sync pages are cut by their size: rows are read once, each item is
// encoded once as it is taken, and a page ends when the next item would not
// fit in a message. Trying a number of entities and halving until the
// encoded page fit cost three queries and encodings a page, and made a
// reset storm of a big catalog take minutes.

// Rows a page reads at a time: about as many as the session's last full
// page took (see session.readAhead).
const (
	firstRead = 128
	minRead   = 16
	maxRead   = 1024
)

// page builds the sync reply page at cursor: the encoded message and the
// cursor of the next page, "" on the last.
func (f *Fleet) page(ctx context.Context, s *session, id string, since int64, cur syncCursor) ([]byte, string, error) {
	w, err := newPageWriter(&protocol.SyncReply{Header: protocol.Header{ID: id}, Since: since, To: cur.to, Reset: cur.snapshot})
	if err != nil {
		return nil, "", err
	}
	defer w.release()
	var next string
	var rows int
	switch {
	case !cur.snapshot && cur.after == itoa(cur.to):
		// Already at the head: nothing to read.
	case cur.snapshot:
		next, rows, err = f.snapshotPage(ctx, s, cur, w)
	default:
		next, rows, err = f.logPage(ctx, s, cur, w)
	}
	if err != nil {
		return nil, "", err
	}
	if next != "" {
		s.pageRows = rows // a full page: the next one reads about as many
	}
	data, err := w.message(next)
	return data, next, err
}

// snapshotPage takes the snapshot's items after cur into w; it returns the
// next page's cursor and how many items it took.
func (f *Fleet) snapshotPage(ctx context.Context, s *session, cur syncCursor, w *pageWriter) (string, int, error) {
	prefix := len(syncCursor{snapshot: true, to: cur.to}.String())
	var last changelog.Item // the last item taken
	var full bool
	var err error
	take := func(it changelog.Item) bool {
		var fit bool
		if fit, err = w.take(len(w.ends), it, prefix+len(it.Kind)+1+len(it.Entity)); fit {
			last = changelog.Item{Kind: it.Kind, Entity: it.Entity}
		}
		full = !fit
		return fit
	}
	after := cur.after
	for {
		next, qerr := f.changes.SnapshotEach(ctx, s.companyID, s.view, after, s.readAhead(), take)
		switch {
		case qerr != nil || err != nil:
			return "", 0, errors.Join(qerr, err)
		case full:
			return syncCursor{snapshot: true, to: cur.to, after: last.Kind + "/" + last.Entity}.String(), len(w.ends), nil
		case next == "":
			return "", len(w.ends), nil
		}
		after = next
	}
}

// logPage takes the compacted log after cur into w; it returns the next
// page's cursor and how many rows it read into the page. Items are last
// states, so an entity in two pages is harmless: the later page wins.
func (f *Fleet) logPage(ctx context.Context, s *session, cur syncCursor, w *pageWriter) (string, int, error) {
	after, err := strconv.ParseInt(cur.after, 10, 64)
	if err != nil {
		return "", 0, err
	}
	// No cursor of this sync is longer than the one at its last revision.
	longest := len(syncCursor{to: cur.to, after: itoa(cur.to)}.String())
	c := changelog.NewCompactor(s.view)
	read := 0
	for {
		limit := s.readAhead()
		rows, err := f.changes.Range(ctx, s.companyID, after, cur.to, limit)
		if err != nil {
			return "", 0, err
		}
		for _, ch := range rows {
			if i, item, ok := c.Next(ch); ok {
				fit, err := w.take(i, item, longest)
				if err != nil || !fit {
					return syncCursor{to: cur.to, after: itoa(after)}.String(), read, err
				}
				c.Put(i, item)
			}
			after = ch.Rev
			read++
		}
		if len(rows) < limit || after >= cur.to {
			return "", read, nil
		}
	}
}

// wireItem turns the changelog's item into the protocol's.
func wireItem(it changelog.Item) protocol.Item {
	return protocol.Item{Kind: it.Kind, ID: it.Entity, Op: it.Op, Body: it.Body}
}

// wireItems turns the changelog's items into the protocol's.
func wireItems(items []changelog.Item) []protocol.Item {
	out := make([]protocol.Item, len(items))
	for i, it := range items {
		out[i] = wireItem(it)
	}
	return out
}
