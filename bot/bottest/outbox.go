package bottest

import (
	"errors"
	"slices"
	"sync"

	"github.com/consentbot/consentbot/bot"
)

// ErrAck is what Ack returns while failures injected by FailAcks last, as a
// storage error would.
var ErrAck = errors.New("disk full")

// Outbox is an in-memory bot.Outbox.
type Outbox struct {
	platform string

	mu       sync.Mutex
	seq      uint64
	msgs     []bot.Message // pending, in order
	acked    []uint64
	ackFails int
	notify   chan struct{}
}

// NewOutbox returns an outbox holding msgs, added as by Add. platform is
// given to the messages added without one.
func NewOutbox(platform string, msgs ...bot.Message) *Outbox {
	o := &Outbox{platform: platform, notify: make(chan struct{}, 1)}
	o.Add(msgs...)
	return o
}

// Add queues messages, as a committed command would, and signals Notify. A
// message without a Platform gets the outbox's; one without an ID gets the
// next in sequence.
func (o *Outbox) Add(msgs ...bot.Message) {
	o.mu.Lock()
	for _, m := range msgs {
		if m.Platform == "" {
			m.Platform = o.platform
		}
		if m.ID == 0 {
			m.ID = o.seq + 1
		}
		o.seq = max(o.seq, m.ID)
		o.msgs = append(o.msgs, m)
	}
	o.mu.Unlock()
	select {
	case o.notify <- struct{}{}:
	default:
	}
}

// Pending returns up to max pending messages of platform, oldest first.
func (o *Outbox) Pending(platform string, max int) ([]bot.Message, error) {
	return o.PendingAfter(platform, 0, max)
}

// PendingAfter is Pending from the first message whose ID is above after.
func (o *Outbox) PendingAfter(platform string, after uint64, max int) ([]bot.Message, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	var out []bot.Message
	for _, m := range o.msgs {
		if m.Platform == platform && m.ID > after && len(out) < max {
			out = append(out, m)
		}
	}
	return out, nil
}

// Ack removes a pending message and records its id, unless FailAcks made it
// fail. Acknowledging an unknown message does nothing.
func (o *Outbox) Ack(platform string, id uint64) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.ackFails > 0 {
		o.ackFails--
		return ErrAck
	}
	i := slices.IndexFunc(o.msgs, func(m bot.Message) bool { return m.Platform == platform && m.ID == id })
	if i >= 0 {
		o.msgs = slices.Delete(o.msgs, i, i+1)
		o.acked = append(o.acked, id)
	}
	return nil
}

// Notify is signalled after each Add.
func (o *Outbox) Notify() <-chan struct{} { return o.notify }

// FailAcks makes the next n Acks fail with ErrAck.
func (o *Outbox) FailAcks(n int) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.ackFails = n
}

// State returns how many messages are pending and the ids acknowledged so
// far, in order.
func (o *Outbox) State() (pending int, acked []uint64) {
	o.mu.Lock()
	defer o.mu.Unlock()
	return len(o.msgs), slices.Clone(o.acked)
}

// Len returns how many messages are pending.
func (o *Outbox) Len() int {
	pending, _ := o.State()
	return pending
}

var _ bot.Outbox = (*Outbox)(nil)
