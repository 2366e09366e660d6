package proposals_test

import (
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/consentbot/consentbot/domain"
	"github.com/consentbot/consentbot/proposals"
)

// The fixed clock of every test: the proposal opens at t0, its deadline is a
// week later.
var (
	t0       = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	deadline = t0.Add(7 * 24 * time.Hour)
)

// at is t0 plus a few minutes, so that every step has its own time.
func at(minutes int) time.Time { return t0.Add(time.Duration(minutes) * time.Minute) }

// The demo roster of SPEC §4: alice and bob societaire on the council, carol
// societaire, dave operationnel, erin bienfaiteur; zoe is not a member.
var (
	alice = domain.Member{Name: "alice", Type: domain.Societaire, Council: true}
	bob   = domain.Member{Name: "bob", Type: domain.Societaire, Council: true}
	carol = domain.Member{Name: "carol", Type: domain.Societaire}
	dave  = domain.Member{Name: "dave", Type: domain.Operationnel}
	erin  = domain.Member{Name: "erin", Type: domain.Bienfaiteur}
	zoe   = domain.Member{Name: "zoe"}
)

const (
	text1  = "I'll migrate Nextcloud on Saturday"
	reason = "Saturday is the day of the general assembly"
)

var rules = proposals.DefaultRules

// mustNew opens P1 by author on topic, at t0.
func mustNew(t *testing.T, author domain.Member, topic string) *proposals.Proposal {
	t.Helper()
	p, _, err := proposals.New(1, author, topic, text1, deadline, t0)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return p
}

// mustApproved is P1 by alice, validated by carol and dave (no council
// validation needed: no topic).
func mustApproved(t *testing.T) *proposals.Proposal {
	t.Helper()
	p := mustNew(t, alice, "")
	mustValidate(t, p, rules, carol, dave)
	wantState(t, p, rules, proposals.Approved)
	return p
}

func mustValidate(t *testing.T, p *proposals.Proposal, r proposals.Rules, ms ...domain.Member) {
	t.Helper()
	for i, m := range ms {
		if _, err := p.Validate(m, r, at(10+i)); err != nil {
			t.Fatalf("%s validates: %v", m.Name, err)
		}
	}
}

func mustObject(t *testing.T, p *proposals.Proposal, m domain.Member, why string) {
	t.Helper()
	if _, asConcern, err := p.Object(m, why, rules, at(20)); err != nil || asConcern {
		t.Fatalf("%s objects: asConcern=%v, err=%v", m.Name, asConcern, err)
	}
}

func wantState(t *testing.T, p *proposals.Proposal, r proposals.Rules, want proposals.State) {
	t.Helper()
	if got := p.State(r); got != want {
		t.Fatalf("state = %s, want %s", got, want)
	}
}

// ev builds an expected event on P1.
func ev(actor, kind, text string) domain.Event {
	return domain.Event{Actor: actor, Kind: kind, Subject: "P1", Text: text}
}

func wantEvents(t *testing.T, got []domain.Event, want ...domain.Event) {
	t.Helper()
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("events (-want +got):\n%s", diff)
	}
}

// wantErr checks that err is the user-safe error code, and whether it is a
// harmless repetition (R11).
func wantErr(t *testing.T, err error, code string, noop bool) {
	t.Helper()
	e, ok := domain.AsError(err)
	if !ok {
		t.Fatalf("err = %v, want *domain.Error %s", err, code)
	}
	if e.Code != code || e.NoOp != noop {
		t.Fatalf("err = %s (NoOp %v), want %s (NoOp %v)", e.Code, e.NoOp, code, noop)
	}
}

func clone(p *proposals.Proposal) *proposals.Proposal {
	c := *p
	c.Versions = slices.Clone(p.Versions)
	c.Validations = slices.Clone(p.Validations)
	c.Objections = slices.Clone(p.Objections)
	c.Concerns = slices.Clone(p.Concerns)
	return &c
}

// wantRefused runs f on p and checks that it is refused with code, returns
// no event and leaves p exactly as it was.
func wantRefused(t *testing.T, p *proposals.Proposal, code string, noop bool, f func() ([]domain.Event, error)) {
	t.Helper()
	before := clone(p)
	events, err := f()
	wantErr(t, err, code, noop)
	if len(events) != 0 {
		t.Errorf("refused action returned events %v", events)
	}
	if diff := cmp.Diff(before, p); diff != "" {
		t.Errorf("refused action changed the proposal (-before +after):\n%s", diff)
	}
}

// object adapts Object to wantRefused, checking that it is not turned into a
// concern.
func object(t *testing.T, p *proposals.Proposal, m domain.Member, why string) func() ([]domain.Event, error) {
	return func() ([]domain.Event, error) {
		events, asConcern, err := p.Object(m, why, rules, at(30))
		if asConcern {
			t.Errorf("asConcern = true on a refused objection")
		}
		return events, err
	}
}

// nonCouncil is m off the council.
func nonCouncil(m domain.Member) domain.Member {
	m.Council = false
	return m
}
