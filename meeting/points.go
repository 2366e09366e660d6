package meeting

import (
	"slices"
	"strings"
	"time"
)

// Point is an item a member put on the agenda (meeting add).
type Point struct {
	N       int // 1, 2, 3…: what members type in "meeting done N"
	By      string
	Text    string
	AddedAt time.Time
	Done    bool
}

// Points is the agenda points of the coming meeting. Last is the highest
// number ever given: numbers are never reused, even after handled points are
// dropped, so "meeting done 3" can never hit a newer point by mistake. The
// caller stores both fields.
type Points struct {
	Items []Point
	Last  int
}

// Add appends a point and returns it. Surrounding space is trimmed; an empty
// text is refused.
func (p *Points) Add(by, text string, now time.Time) (Point, error) {
	text = strings.TrimSpace(text)
	if text == "" {
		return Point{}, errorf(CodePointEmpty)
	}
	// Guard against a Last that was never stored: numbering must stay above
	// every point present.
	for _, pt := range p.Items {
		p.Last = max(p.Last, pt.N)
	}
	p.Last++
	pt := Point{N: p.Last, By: by, Text: text, AddedAt: now.UTC()}
	p.Items = append(p.Items, pt)
	return pt, nil
}

// MarkDone marks point n handled. Marking it twice is refused with its own
// code so the reply can say it was already handled (SPEC R11 spirit: the
// state does not change).
func (p *Points) MarkDone(n int) error {
	i := slices.IndexFunc(p.Items, func(pt Point) bool { return pt.N == n })
	switch {
	case i < 0:
		return errorf(CodePointUnknown, "n", n)
	case p.Items[i].Done:
		return errorf(CodePointDone, "n", n)
	}
	p.Items[i].Done = true
	return nil
}

// Open returns a copy of the points not yet handled, in order.
func (p Points) Open() []Point {
	var out []Point
	for _, pt := range p.Items {
		if !pt.Done {
			out = append(out, pt)
		}
	}
	return out
}

// CarryOver returns the points for the next meeting once this one is held:
// the open ones, numbering continuing where it was (SPEC R21).
func (p Points) CarryOver() Points {
	return Points{Items: p.Open(), Last: p.Last}
}
