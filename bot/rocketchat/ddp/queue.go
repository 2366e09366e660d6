package ddp

import "sync"

// eventQueue is an unbounded FIFO. The reader never blocks on it, so a slow
// consumer cannot stall method results or pongs (a defect of the SDK, whose
// listener pushes into the caller's channel from the inbox goroutine).
type eventQueue struct {
	mu     sync.Mutex
	items  []Event
	signal chan struct{} // capacity 1: "something was pushed"
}

func newEventQueue() *eventQueue { return &eventQueue{signal: make(chan struct{}, 1)} }

func (q *eventQueue) push(e Event) {
	q.mu.Lock()
	q.items = append(q.items, e)
	q.mu.Unlock()
	select {
	case q.signal <- struct{}{}:
	default:
	}
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
