package cooptation

import (
	"fmt"
	"time"

	"github.com/consentbot/consentbot/domain"
)

// State of a cooptation.
type State string

// Cooptation states.
const (
	Open     State = "open"
	Accepted State = "accepted"
	Rejected State = "rejected"
	Expired  State = "expired"
)

// ReminderBefore is R16: electors who have not voted are reminded this long
// before the deadline.
const ReminderBefore = 48 * time.Hour

// Vote is an elector's current vote.
type Vote struct {
	By  string
	Yes bool
	Why string
	At  time.Time
}

// Cooptation is Cn: admitting Candidate as Type, or moving the existing
// member Candidate from From to Type.
type Cooptation struct {
	ID         int
	Proposer   string
	Candidate  string
	Type       domain.MemberType
	From       domain.MemberType // "" when the candidate is not a member yet
	Why        string
	Electorate []string // fixed at opening (R13)
	Votes      []Vote
	OpenedAt   time.Time
	Deadline   time.Time
	State      State
	ClosedAt   time.Time
	RemindedAt time.Time // R16, once
}

// Subject is the id users type: "C3".
func (c *Cooptation) Subject() string { return Subject(c.ID) }

// Subject formats a cooptation number.
func Subject(id int) string { return fmt.Sprintf("C%d", id) }

// IsElector reports whether name is in the electorate.
func (c *Cooptation) IsElector(name string) bool {
	for _, e := range c.Electorate {
		if e == name {
			return true
		}
	}
	return false
}

// VoteOf returns name's current vote.
func (c *Cooptation) VoteOf(name string) (Vote, bool) {
	for _, v := range c.Votes {
		if v.By == name {
			return v, true
		}
	}
	return Vote{}, false
}

// Missing lists the electors who have not voted, in electorate order.
func (c *Cooptation) Missing() []string {
	var out []string
	for _, e := range c.Electorate {
		if _, ok := c.VoteOf(e); !ok {
			out = append(out, e)
		}
	}
	return out
}
