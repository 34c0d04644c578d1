package agent

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	paho "github.com/eclipse/paho.mqtt.golang"
	"github.com/eclipse/paho.mqtt.golang/packets"

	"mypos/protocol"
)

// qos is every topic's QoS (DESIGN §5).
const qos = 1

// subscribeRefused is the SUBACK code of a refused subscription [MQTT-3.9.3].
const subscribeRefused = 0x80

// goodbyeTimeout bounds the offline publish at shutdown, so a dead
// connection cannot hold up a stopping till.
const goodbyeTimeout = 2 * time.Second

// session is one MQTT connection. Each connection gets a fresh paho client
// and runs its own reconnect loop (runner.loop) instead of paho's: paho's
// first connect retries without backoff, its reconnect backoff has no
// jitter and sleeps through a Disconnect, and a loop of our own logs every
// refusal and stops the moment the till is told to.
type session struct {
	client paho.Client
	lost   chan error // the reason the connection dropped, once
}

// errRefused marks a broker's refusal of this terminal's credentials.
var errRefused = errors.New("the broker refused this terminal's credentials")

// dial connects and sets the connection up; on any failure the client is
// dropped and the error returned.
func (r *runner) dial(ctx context.Context) (*session, error) {
	s := &session{lost: make(chan error, 1)}
	s.client = paho.NewClient(r.options(s))
	tok := s.client.Connect()
	if err := await(ctx, tok, r.cfg.ConnectTimeout+time.Second); err != nil {
		s.client.Disconnect(0)
		return nil, connectError(tok, err)
	}
	if err := r.setUp(ctx, s); err != nil {
		s.client.Disconnect(100)
		return nil, err
	}
	return s, nil
}

// options are a terminal's MQTT options (DESIGN §5, §6): username = client
// ID = device ID, password = secret, clean session, MQTT 3.1.1, and a last
// will that marks the terminal offline when it vanishes.
func (r *runner) options(s *session) *paho.ClientOptions {
	opts := paho.NewClientOptions().AddBroker(r.server).
		SetClientID(r.id.DeviceID).SetUsername(r.id.DeviceID).SetPassword(r.id.Secret).
		SetCleanSession(true).SetProtocolVersion(4).
		SetKeepAlive(r.cfg.KeepAlive).SetPingTimeout(10*time.Second).
		SetConnectTimeout(r.cfg.ConnectTimeout).SetWriteTimeout(10*time.Second).
		SetAutoReconnect(false).SetConnectRetry(false).
		SetOrderMatters(true). // the cloud's batches apply in order
		SetBinaryWill(r.topic(protocol.LeafState), []byte(protocol.StateOffline), qos, true).
		SetConnectionLostHandler(func(_ paho.Client, err error) {
			select {
			case s.lost <- err:
			default:
			}
		})
	if r.tls != nil {
		opts.SetTLSConfig(r.tls)
	}
	return opts
}

// setUp does what every new connection needs, in order: receive the
// downlink before anything can be sent there, then say online. The hello
// and the sync follow from the apply worker (worker.connected), so they
// carry the revision the local database really holds.
func (r *runner) setUp(ctx context.Context, s *session) error {
	down := r.topic(protocol.LeafDown)
	tok := s.client.Subscribe(down, qos, r.worker.inbox.handle)
	if err := await(ctx, tok, r.cfg.ConnectTimeout); err != nil {
		return fmt.Errorf("subscribe to %s: %w", down, err)
	}
	if granted := tok.(*paho.SubscribeToken).Result()[down]; granted == subscribeRefused {
		return fmt.Errorf("subscribe to %s: the broker refused it", down)
	}
	if err := r.publish(ctx, s, protocol.LeafState, []byte(protocol.StateOnline), true); err != nil {
		return fmt.Errorf("publish online: %w", err)
	}
	return nil
}

// sender is how the worker sends up on this connection. It hands the
// message to paho and returns: the worker must never wait for the broker
// (see sender); the outcome is logged when it comes.
func (r *runner) sender(s *session) sender {
	up := r.topic(protocol.LeafUp)
	return func(m protocol.Message) error {
		data, err := protocol.Encode(m)
		if err != nil {
			return err
		}
		tok := s.client.Publish(up, qos, false, data)
		go r.confirm(tok, protocol.HeaderOf(m))
		return nil
	}
}

// confirm logs a message the broker did not take. A lost connection shows
// here too; the next connection's hello and sync make up for it.
func (r *runner) confirm(tok paho.Token, h protocol.Header) {
	if !tok.WaitTimeout(r.cfg.ConnectTimeout) {
		r.log.Warn("send not confirmed", "type", h.Type, "id", h.ID, "within", r.cfg.ConnectTimeout)
		return
	}
	if err := tok.Error(); err != nil {
		r.log.Warn("send failed", "type", h.Type, "id", h.ID, "error", err)
	}
}

func (r *runner) publish(ctx context.Context, s *session, leaf string, payload []byte, retained bool) error {
	return await(ctx, s.client.Publish(r.topic(leaf), qos, retained, payload), r.cfg.ConnectTimeout)
}

// goodbye marks the terminal offline and disconnects. A clean DISCONNECT
// discards the last will [MQTT-3.14.4-3], so the offline state is
// published here explicitly.
func (r *runner) goodbye(s *session) {
	ctx, cancel := context.WithTimeout(context.Background(), goodbyeTimeout)
	defer cancel()
	if err := r.publish(ctx, s, protocol.LeafState, []byte(protocol.StateOffline), true); err != nil {
		r.log.Warn("could not publish offline", "error", err)
	}
	s.client.Disconnect(250)
	r.log.Info("disconnected")
}

func (r *runner) topic(leaf string) string { return protocol.DeviceTopic(r.id.DeviceID, leaf) }

// logDialError logs a failed connect: a refusal is an error someone must
// act on, anything else a warning that the retry will likely cure.
func (r *runner) logDialError(err error) {
	if errors.Is(err, errRefused) {
		r.log.Error("connect refused", "error", err,
			"hint", "the device was deleted in the cabinet or enrolled again elsewhere: enroll this till with a new code")
		return
	}
	r.log.Warn("connect failed", "error", err)
}

// connectError tells a refusal of the credentials from other failures. The
// return code is read only from a finished token: paho writes it last.
func connectError(tok paho.Token, err error) error {
	select {
	case <-tok.Done():
	default:
		return err // timed out or stopped: there is no answer to read
	}
	ct, ok := tok.(*paho.ConnectToken)
	if ok && (ct.ReturnCode() == packets.ErrRefusedNotAuthorised || ct.ReturnCode() == packets.ErrRefusedBadUsernameOrPassword) {
		return fmt.Errorf("%w: %v", errRefused, err)
	}
	return err
}

// await waits for a paho token, ctx or the timeout, whichever is first.
func await(ctx context.Context, tok paho.Token, timeout time.Duration) error {
	t := time.NewTimer(timeout)
	defer t.Stop()
	select {
	case <-tok.Done():
		return tok.Error()
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return fmt.Errorf("no answer within %s", timeout)
	}
}

// messageID is a fresh envelope ID: 128 random bits in hex.
func messageID() string {
	var b [16]byte
	rand.Read(b[:]) // never fails: crypto/rand panics instead
	return hex.EncodeToString(b[:])
}
