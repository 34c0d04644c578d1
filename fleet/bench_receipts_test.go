package fleet_test

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	paho "github.com/eclipse/paho.mqtt.golang"

	"mypos/protocol"
)

// BenchmarkReceiptIngest has 50 licensed tills upload b.N receipts in all,
// over real paho connections to the embedded broker, QoS 1, each keeping
// up to 32 unacknowledged as the agent does; the cloud checks each batch's
// cashiers, goods, discounts and licenses as in production. It reports receipts/s from the
// first upload to the last ack, and checks that every receipt was stored
// once. The receipts are encoded before the clock starts; the tills' paho
// clients share the CPU with the cloud. Run it on Postgres with
// MYPOS_TEST_DATABASE_URL set and -benchtime 20000x.
func BenchmarkReceiptIngest(b *testing.B) {
	const tills, window = 50, 32
	e := newReceiptEnv(b, nil)
	all := make([]*uploader, tills)
	for i := range all {
		id, secret := e.enrollIn(e.company, "")
		all[i] = newUploader(b, e.url, id, secret, window)
	}
	for i := range b.N {
		u := all[i%tills]
		s := e.sale(5990, 12000, 990)
		p, err := protocol.Encode(&protocol.ReceiptUpload{Header: protocol.Header{ID: s.ID}, Receipt: s})
		if err != nil {
			b.Fatal(err)
		}
		u.payloads = append(u.payloads, p)
	}
	b.ResetTimer()
	start := time.Now()
	var wg sync.WaitGroup
	for _, u := range all {
		wg.Go(func() { u.upload(b) })
	}
	wg.Wait()
	elapsed := time.Since(start)
	b.StopTimer()
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "receipts/s")
	var n int64
	if err := e.db.Conn(context.Background()).Table("receipts").Count(&n).Error; err != nil || n != int64(b.N) {
		b.Fatalf("%d receipts stored (%v), want %d", n, err, b.N)
	}
}

// uploader is a till uploading receipts with a window of unacknowledged
// ones, as the agent does.
type uploader struct {
	paho.Client
	topic    string
	window   chan struct{} // a slot per receipt in flight
	payloads [][]byte
	acked    atomic.Int64
	refused  atomic.Int64
	done     chan struct{} // closed at the last ack
}

func newUploader(b *testing.B, url, id, secret string, window int) *uploader {
	b.Helper()
	u := &uploader{topic: protocol.DeviceTopic(id, protocol.LeafUp), window: make(chan struct{}, window), done: make(chan struct{})}
	opts := paho.NewClientOptions().AddBroker(url).SetClientID(id).SetUsername(id).SetPassword(secret).
		SetAutoReconnect(false).SetConnectTimeout(5 * time.Second)
	u.Client = paho.NewClient(opts)
	if tok := u.Connect(); !tok.WaitTimeout(5*time.Second) || tok.Error() != nil {
		b.Fatalf("connect %s: %v", id, tok.Error())
	}
	tok := u.Subscribe(protocol.DeviceTopic(id, protocol.LeafDown), 1, func(_ paho.Client, m paho.Message) { u.answer(m.Payload()) })
	if !tok.WaitTimeout(5*time.Second) || tok.Error() != nil {
		b.Fatalf("subscribe: %v", tok.Error())
	}
	b.Cleanup(func() { u.Disconnect(0) })
	// As the agent does on every connect: the session it opens tells fleet
	// the till's company and store without a query a receipt.
	hello, err := protocol.Encode(&protocol.Hello{Header: protocol.Header{ID: "hello"}, Agent: "bench"})
	if err != nil {
		b.Fatal(err)
	}
	if tok := u.Publish(u.topic, 1, false, hello); !tok.WaitTimeout(5*time.Second) || tok.Error() != nil {
		b.Fatalf("hello: %v", tok.Error())
	}
	return u
}

// answer frees a window slot for each ack, and counts refusals.
func (u *uploader) answer(payload []byte) {
	msg, _ := protocol.DecodeDown(payload)
	switch msg.(type) {
	case *protocol.ReceiptAck:
	case *protocol.Error:
		u.refused.Add(1)
		return
	default:
		return
	}
	<-u.window
	if u.acked.Add(1) == int64(len(u.payloads)) {
		close(u.done)
	}
}

// upload sends every payload, waiting for a free slot before each, then
// waits for the last ack.
func (u *uploader) upload(b *testing.B) {
	if len(u.payloads) == 0 {
		return
	}
	for _, p := range u.payloads {
		u.window <- struct{}{}
		u.Publish(u.topic, 1, false, p)
	}
	select {
	case <-u.done:
	case <-time.After(time.Minute):
		b.Errorf("%d of %d receipts acked within a minute, %d refused", u.acked.Load(), len(u.payloads), u.refused.Load())
	}
}
