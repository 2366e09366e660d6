package proposals

import (
	"fmt"
	"time"
)

// State is where a proposal stands. It is derived from the facts (validations,
// objections, done, withdrawn) so it can never disagree with them.
type State string

// Proposal states.
const (
	Open      State = "open"
	Approved  State = "approved"
	Blocked   State = "blocked"
	Done      State = "done"
	Withdrawn State = "withdrawn"
)

// States lists every state, for parsing `list STATE`.
var States = []State{Open, Approved, Blocked, Done, Withdrawn}

// Rules are the cooperative's settings that the consent rules read.
type Rules struct {
	ValidationsRequired int // R2, default 2
	ObjectionMinChars   int // R4, default 20
}

// DefaultRules are SPEC's defaults.
var DefaultRules = Rules{ValidationsRequired: 2, ObjectionMinChars: 20}

// Version is one text of the proposal; every amendment adds one (R7).
type Version struct {
	Text string
	At   time.Time
}

// Validation is a voting member's "go ahead" on the current version.
type Validation struct {
	By      string
	Council bool // the validator sat on the council when validating (R3)
	At      time.Time
}

// Objection is a reasoned blocking "no" of a voting member (R4, R5).
type Objection struct {
	By       string
	Reason   string
	At       time.Time
	LiftedAt time.Time // zero while open
}

// IsOpen reports whether the objection still blocks.
func (o Objection) IsOpen() bool { return o.LiftedAt.IsZero() }

// Concern is a non-blocking remark; it may come from anyone.
type Concern struct {
	By   string
	Text string
	At   time.Time
	// FromObjection is set when R5 turned a non-voter's objection into this
	// concern.
	FromObjection bool
}

// Proposal is Pn.
type Proposal struct {
	ID          int
	Author      string
	Topic       string // canonical topic, "" for none
	Versions    []Version
	Validations []Validation
	Objections  []Objection
	Concerns    []Concern
	OpenedAt    time.Time
	Deadline    time.Time
	StalledAt   time.Time // set at the deadline if not approved then (R10)
	// DeadlineChecked records that R10 was decided, so that a proposal
	// approved at its deadline and blocked later is not called stalled.
	DeadlineChecked bool
	Doc             string // documentation given with done (R8)
	DoneAt          time.Time
	WithdrawnAt     time.Time
}

// Subject is the id users type: "P12".
func (p *Proposal) Subject() string { return Subject(p.ID) }

// Subject formats a proposal number.
func Subject(id int) string { return fmt.Sprintf("P%d", id) }

// Text is the current version's text.
func (p *Proposal) Text() string { return p.Versions[len(p.Versions)-1].Text }

// State derives the state from the facts.
func (p *Proposal) State(r Rules) State {
	switch {
	case !p.WithdrawnAt.IsZero():
		return Withdrawn
	case !p.DoneAt.IsZero():
		return Done
	case len(p.OpenObjections()) > 0:
		return Blocked
	case p.consented(r):
		return Approved
	}
	return Open
}

// Closed reports whether the proposal is done or withdrawn.
func (p *Proposal) Closed() bool { return !p.DoneAt.IsZero() || !p.WithdrawnAt.IsZero() }

// Stalled reports whether R10 put the proposal on the agenda and it is still
// not approved.
func (p *Proposal) Stalled(r Rules) bool {
	s := p.State(r)
	return !p.StalledAt.IsZero() && (s == Open || s == Blocked)
}

// OpenObjections returns the objections not lifted yet.
func (p *Proposal) OpenObjections() []Objection {
	var open []Objection
	for _, o := range p.Objections {
		if o.IsOpen() {
			open = append(open, o)
		}
	}
	return open
}

// consented is R2 and R3: enough validations, and a council one when the
// topic needs it.
func (p *Proposal) consented(r Rules) bool {
	if len(p.Validations) < r.ValidationsRequired {
		return false
	}
	return !NeedsCouncil(p.Topic) || p.HasCouncilValidation()
}

// HasCouncilValidation reports whether a council member validated.
func (p *Proposal) HasCouncilValidation() bool {
	for _, v := range p.Validations {
		if v.Council {
			return true
		}
	}
	return false
}

// MissingValidations is how many validations approval still needs.
func (p *Proposal) MissingValidations(r Rules) int {
	if n := r.ValidationsRequired - len(p.Validations); n > 0 {
		return n
	}
	return 0
}

// ValidatedBy reports whether name validated the current version.
func (p *Proposal) ValidatedBy(name string) bool {
	for _, v := range p.Validations {
		if v.By == name {
			return true
		}
	}
	return false
}

// openObjectionBy returns the index of name's open objection, or -1.
func (p *Proposal) openObjectionBy(name string) int {
	for i, o := range p.Objections {
		if o.By == name && o.IsOpen() {
			return i
		}
	}
	return -1
}

// HasOpenObjectionBy reports whether name holds an open objection.
func (p *Proposal) HasOpenObjectionBy(name string) bool { return p.openObjectionBy(name) >= 0 }
