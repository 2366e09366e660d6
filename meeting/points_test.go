package meeting

import (
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// R21: points are numbered 1, 2, 3…, handled ones drop at the meeting, open
// ones carry over, and numbers are never given twice.
func TestPointsCarryOver(t *testing.T) {
	now := utc(t, "2027-03-25T14:00:00Z")
	var p Points
	for _, text := range []string{"budget 2028", "  new server  ", "summer party"} {
		if _, err := p.Add("alice", text, now); err != nil {
			t.Fatal(err)
		}
	}
	if err := p.MarkDone(2); err != nil {
		t.Fatal(err)
	}
	next := p.CarryOver()
	want := []Point{
		{N: 1, By: "alice", Text: "budget 2028", AddedAt: now},
		{N: 3, By: "alice", Text: "summer party", AddedAt: now},
	}
	if diff := cmp.Diff(want, next.Open()); diff != "" {
		t.Errorf("carried over (-want +got):\n%s", diff)
	}
	pt, err := next.Add("bob", "minutes template", now)
	if err != nil {
		t.Fatal(err)
	}
	if pt.N != 4 {
		t.Errorf("new point got N=%d after a carry-over, want 4 (never reused)", pt.N)
	}
	if len(p.Items) != 3 {
		t.Errorf("CarryOver changed the original: %+v", p.Items)
	}
}

func TestPointsErrors(t *testing.T) {
	now := utc(t, "2027-03-25T14:00:00Z")
	tests := []struct {
		name     string
		do       func(p *Points) error
		wantCode string
	}{
		{"OK", func(p *Points) error { return p.MarkDone(1) }, ""},
		{"ErrUnknown", func(p *Points) error { return p.MarkDone(7) }, CodePointUnknown},
		{"ErrAlreadyDone", func(p *Points) error { _ = p.MarkDone(1); return p.MarkDone(1) }, CodePointDone},
		{"ErrEmpty", func(p *Points) error { _, err := p.Add("alice", " \n ", now); return err }, CodePointEmpty},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := &Points{}
			if _, err := p.Add("alice", "budget", now); err != nil {
				t.Fatal(err)
			}
			err := tt.do(p)
			if tt.wantCode == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if !errors.Is(err, &Error{Code: tt.wantCode}) {
				t.Fatalf("err = %v, want code %s", err, tt.wantCode)
			}
		})
	}
	t.Run("ParamsCarryTheNumber", func(t *testing.T) {
		var e *Error
		if err := (&Points{}).MarkDone(7); !errors.As(err, &e) || e.Params["n"] != 7 {
			t.Errorf("err = %#v", err)
		}
		if got := errorf(CodePointUnknown, "n", 7).Error(); got != "meeting.point_unknown n=7" {
			t.Errorf("Error() = %q", got)
		}
	})
}

// A Points whose Last was never stored must not give an existing number again.
func TestPointsLastMissing(t *testing.T) {
	p := Points{Items: []Point{{N: 5, Text: "x"}}}
	pt, err := p.Add("carol", "y", time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if pt.N != 6 {
		t.Errorf("N = %d, want 6", pt.N)
	}
}
