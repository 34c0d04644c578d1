// The uplink: what devices publish, taken off the broker's read path into
// per-worker queues, decoded, checked against the budgets and dispatched.

package fleet

import (
	"context"
	"errors"
	"hash/fnv"
	"sync"

	"mypos"
	"mypos/protocol"
)

// uplink takes what devices publish off the broker's read path — which
// must never wait on a database — into a bounded queue served by workers.
type uplink struct {
	f *Fleet
	// queues has one queue per worker; a device's messages always go to
	// the same one, so they are handled in the order it sent them (a hello
	// before the sync that follows it).
	queues []chan message
	// overflow takes what the queues could not, for tellOverflow to refuse
	// by name; what overflows it too is dropped untold (and counted).
	overflow chan message
	// limit bounds what each device may send; keys bounds its key entries;
	// receipts bounds its receipts, which limit does not count; replies
	// bounds the refusals of its requests told beyond one a second.
	limit, keys, receipts, replies *limiter
}

// overflowSize bounds the refusals of a full queue waiting to be told.
const overflowSize = 256

type message struct {
	deviceID, leaf string
	payload        []byte
}

func newUplink(f *Fleet) *uplink {
	u := &uplink{f: f, queues: make([]chan message, f.cfg.Workers), overflow: make(chan message, overflowSize),
		limit:    newLimiter(f.cfg.Rate, f.cfg.Burst),
		replies:  newLimiter(f.cfg.Rate, f.cfg.Burst),
		receipts: newLimiter(f.cfg.ReceiptRate, f.cfg.ReceiptBurst),
		keys:     newLimiter(float64(f.cfg.KeyEntries)/f.cfg.KeyWindow.Seconds(), float64(f.cfg.KeyEntries))}
	for i := range u.queues {
		u.queues[i] = make(chan message, max(1, f.cfg.QueueSize/f.cfg.Workers))
	}
	return u
}

func (u *uplink) start(ctx context.Context, wg *sync.WaitGroup) {
	wg.Add(1)
	go func() {
		defer wg.Done()
		u.tellOverflow(ctx)
	}()
	for _, q := range u.queues {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-ctx.Done():
					return
				case m := <-q:
					u.handle(ctx, m)
				}
			}
		}()
	}
}

// enqueue runs on the broker's read path: it copies and queues, or drops
// when the device's worker is saturated, and never blocks.
func (u *uplink) enqueue(deviceID, leaf string, payload []byte) {
	m := message{deviceID: deviceID, leaf: leaf, payload: append([]byte(nil), payload...)}
	h := fnv.New32a()
	h.Write([]byte(deviceID))
	select {
	case u.queues[h.Sum32()%uint32(len(u.queues))] <- m:
	default:
		u.f.metrics.rejected.WithLabelValues(protocol.CodeQueueFull).Inc()
		select {
		case u.overflow <- m:
		default:
		}
	}
}

// tellOverflow refuses, by name, the messages the queues could not take —
// the read path that dropped them neither decodes nor publishes —, within
// the device's replies budget: a till whose sync page request was dropped
// retries after a backoff instead of waiting for its page timeout.
func (u *uplink) tellOverflow(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case m := <-u.overflow:
			if m.leaf != protocol.LeafUp {
				continue
			}
			if ok, _ := u.replies.allow(m.deviceID); !ok {
				continue
			}
			msg, err := protocol.DecodeUp(m.payload)
			var de *protocol.DecodeError
			errors.As(err, &de)
			u.send(m.deviceID, &protocol.Error{Header: protocol.Header{ID: requestID(msg, de)}, Code: protocol.CodeQueueFull, Message: "the cloud is busy: try again later"})
		}
	}
}

func (u *uplink) handle(ctx context.Context, m message) {
	u.f.presence.seen(m.deviceID)
	if m.leaf == protocol.LeafState {
		if u.f.cfg.PresenceFromState {
			u.f.presence.fromState(m.deviceID, string(m.payload))
		}
		return // with the embedded broker, its connection events are presence
	}
	msg, err := protocol.DecodeUp(m.payload)
	var de *protocol.DecodeError
	errors.As(err, &de)
	if !u.allow(m.deviceID, msg, requestID(msg, de)) {
		return
	}
	if de != nil {
		u.refuse(m.deviceID, de.ID, de.Code, de.Message)
		return
	}
	u.dispatch(ctx, m.deviceID, msg)
}

// dispatch hands a decoded message to its handler; a handler's error is
// answered to the device with its code (an internal one is logged).
func (u *uplink) dispatch(ctx context.Context, deviceID string, msg protocol.Message) {
	h := protocol.HeaderOf(msg)
	var err error
	switch msg := msg.(type) {
	case *protocol.Hello:
		err = u.f.hello(ctx, deviceID, msg)
	case *protocol.Sync:
		err = u.f.sync(ctx, deviceID, msg)
	case *protocol.Ack:
		err = u.f.ack(ctx, deviceID, msg)
	case *protocol.License:
		err = u.f.license(ctx, deviceID, msg)
	case *protocol.ReceiptUpload:
		err = u.f.receipt(ctx, deviceID, msg)
	default:
		u.refuse(deviceID, h.ID, protocol.CodeUnsupported, h.Type+" is not served by this cloud yet")
		return
	}
	if err != nil {
		code := mypos.ErrorCode(err)
		if code == mypos.EINTERNAL {
			u.f.log.Error("uplink", "device", deviceID, "type", h.Type, "error", err)
		}
		u.refuse(deviceID, h.ID, code, mypos.ErrorMessage(err))
		return
	}
	u.f.metrics.uplink.WithLabelValues(h.Type).Inc()
}

// allow takes a token from the device's budget for msg (nil when it did
// not decode), unless msg is the continuation of the sync the cloud is
// serving it, which is paced by the cloud (see Fleet.paced). Receipts have
// a budget of their own: a till back from a week offline uploads
// thousands, which must not starve its syncs, nor they its receipts. The
// message is decoded first to know which budget: decoding costs no query,
// what the budgets protect. A refusal names the request it refuses (id).
func (u *uplink) allow(deviceID string, msg protocol.Message, id string) bool {
	if u.f.paced(deviceID, msg) {
		return true
	}
	budget := u.limit
	_, receipt := msg.(*protocol.ReceiptUpload)
	if receipt {
		budget = u.receipts
	}
	ok, tell := budget.allow(deviceID)
	if ok {
		return true
	}
	u.f.metrics.rejected.WithLabelValues(protocol.CodeRateLimited).Inc()
	if receipt {
		u.f.metrics.receipts.WithLabelValues(receiptRefused).Inc()
	}
	if tell || u.answers(deviceID, msg) {
		u.send(deviceID, &protocol.Error{Header: protocol.Header{ID: id}, Code: protocol.CodeRateLimited, Message: "too many messages: slow down"})
	}
	return false
}

// answers says whether a message refused over budget is answered beyond
// the once a second every device is told: a request the terminal waits on
// — a sync, a key entry, a receipt — is, or it would wait for a timeout
// (30 s for a sync page), while the replies budget lasts. That budget is
// the uplink's own, so a flood earns at most as many replies as the
// messages a device may send; a terminal that behaves has a few such
// requests out at a time and each of them is answered.
func (u *uplink) answers(deviceID string, msg protocol.Message) bool {
	switch msg.(type) {
	case *protocol.Sync, *protocol.License, *protocol.ReceiptUpload:
		ok, _ := u.replies.allow(deviceID)
		return ok
	}
	return false
}

// requestID is the ID of an uplink message, decoded or not: what a
// refusal of it answers.
func requestID(msg protocol.Message, de *protocol.DecodeError) string {
	switch {
	case msg != nil:
		return protocol.HeaderOf(msg).ID
	case de != nil:
		return de.ID
	}
	return ""
}

// refuse counts a dropped message and tells the device why, replying to its ID.
func (u *uplink) refuse(deviceID, id, code, text string) {
	u.f.metrics.rejected.WithLabelValues(code).Inc()
	u.f.log.Info("uplink refused", "device", deviceID, "code", code, "reason", text)
	u.send(deviceID, &protocol.Error{Header: protocol.Header{ID: id}, Code: code, Message: text})
}
