package ddp

import "sync"

// eventQueue is a bounded FIFO. The reader never blocks on it, so a slow
// consumer cannot stall method results or pongs (a defect of the SDK, whose
// listener pushes into the caller's channel from the inbox goroutine); when
// the consumer falls too far behind, push refuses and the connection is
// dropped instead of memory growing without limit.
type eventQueue struct {
	mu     sync.Mutex
	items  []Event
	max    int
	signal chan struct{} // capacity 1: "something was pushed"
}

func newEventQueue(max int) *eventQueue {
	return &eventQueue{max: max, signal: make(chan struct{}, 1)}
}

// push queues e, or reports false when the queue already holds max events.
func (q *eventQueue) push(e Event) bool {
	q.mu.Lock()
	if len(q.items) >= q.max {
		q.mu.Unlock()
		return false
	}
	q.items = append(q.items, e)
	q.mu.Unlock()
	select {
	case q.signal <- struct{}{}:
	default:
	}
	return true
}

func (q *eventQueue) pop() (Event, bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if len(q.items) == 0 {
		return Event{}, false
	}
	e := q.items[0]
	q.items[0] = Event{}
	q.items = q.items[1:]
	return e, true
}
