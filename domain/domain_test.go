package domain_test

import (
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/consentbot/consentbot/domain"
)

func TestParseMemberType(t *testing.T) {
	tests := []struct {
		in     string
		want   domain.MemberType
		wantOK bool
	}{
		{"societaire", domain.Societaire, true},
		{"sociétaire", domain.Societaire, true},
		{"Sociétaire", domain.Societaire, true},
		{"SOCIETAIRE", domain.Societaire, true},
		{"full", domain.Societaire, true},
		{" Full ", domain.Societaire, true},
		{"operationnel", domain.Operationnel, true},
		{"opérationnel", domain.Operationnel, true},
		{"Opérationnel", domain.Operationnel, true},
		{"operational", domain.Operationnel, true},
		{"bienfaiteur", domain.Bienfaiteur, true},
		{"Bienfaiteur", domain.Bienfaiteur, true},
		{"benefactor", domain.Bienfaiteur, true},
		{"", "", false},
		{"member", "", false},
		{"council", "", false},
		{"societaires", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, ok := domain.ParseMemberType(tt.in)
			if got != tt.want || ok != tt.wantOK {
				t.Errorf("ParseMemberType(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.wantOK)
			}
		})
	}
}

func TestMemberTypeVotes(t *testing.T) {
	tests := []struct {
		typ  domain.MemberType
		want bool
	}{
		{domain.Societaire, true},
		{domain.Operationnel, true},
		{domain.Bienfaiteur, false},
		{"", false},
	}
	for _, tt := range tests {
		t.Run(string(tt.typ), func(t *testing.T) {
			if got := tt.typ.Votes(); got != tt.want {
				t.Errorf("%q.Votes() = %v, want %v", tt.typ, got, tt.want)
			}
			m := domain.Member{Name: "x", Type: tt.typ}
			if got := m.Votes(); got != tt.want {
				t.Errorf("Member{%q}.Votes() = %v, want %v", tt.typ, got, tt.want)
			}
			if got, want := m.IsMember(), tt.typ != ""; got != want {
				t.Errorf("Member{%q}.IsMember() = %v, want %v", tt.typ, got, want)
			}
		})
	}
}

func TestNormalizeName(t *testing.T) {
	tests := []struct{ in, want string }{
		{"alice", "alice"},
		{"@alice", "alice"},
		{"@Alice", "alice"},
		{"  @ALICE  ", "alice"},
		{"jean.dupont", "jean.dupont"},
		{"", ""},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := domain.NormalizeName(tt.in); got != tt.want {
				t.Errorf("NormalizeName(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestValidName(t *testing.T) {
	long := string(slices.Repeat([]byte("a"), 64))
	tests := []struct {
		in   string
		want bool
	}{
		{"alice", true},
		{"jean.dupont", true},
		{"a-b_c.9", true},
		{"a", true},
		{long, true},
		{long + "a", false},
		{"", false},
		{"Alice", false}, // names are normalized to lower case first
		{"@alice", false},
		{"al ice", false},
		{"élodie", false},
		{"a/b", false},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%q", tt.in), func(t *testing.T) {
			if got := domain.ValidName(tt.in); got != tt.want {
				t.Errorf("ValidName(%q) = %v, want %v", tt.in, got, tt.want)
			}
		})
	}
}

// TestKinds checks the log kinds against SPEC §5, which other programs read.
func TestKinds(t *testing.T) {
	want := []string{
		"proposal.opened", "proposal.validated", "proposal.approved", "proposal.blocked",
		"proposal.amended", "proposal.done", "proposal.withdrawn", "proposal.stalled", "objection.raised",
		"objection.lifted", "concern.added", "cooptation.opened", "cooptation.voted",
		"cooptation.accepted", "cooptation.rejected", "cooptation.expired", "member.added",
		"member.changed", "member.welcomer", "meeting.reminded", "meeting.skipped", "meeting.point_added",
		"meeting.point_done", "meeting.minutes",
	}
	if !slices.Equal(domain.Kinds, want) {
		t.Errorf("Kinds = %v\nwant %v", domain.Kinds, want)
	}
	// R18: operator roster changes are logged with these kinds and actor.
	t.Run("R18_operator_kinds_exist", func(t *testing.T) {
		if domain.MemberAdded != "member.added" || domain.MemberChanged != "member.changed" {
			t.Errorf("member kinds = %q, %q", domain.MemberAdded, domain.MemberChanged)
		}
		if domain.ActorOperator != "operator" || domain.ActorBot != "bot" {
			t.Errorf("actors = %q, %q; want operator, bot (SPEC §5)", domain.ActorOperator, domain.ActorBot)
		}
	})
}

func TestError(t *testing.T) {
	e := domain.E("err.reason_too_short", "Min", 20, "Got", 2)
	if e.Code != "err.reason_too_short" || e.NoOp || e.Params["Min"] != 20 || e.Params["Got"] != 2 {
		t.Errorf("E = %+v", e)
	}
	n := domain.NoOp("noop.already_validated", "ID", "P1")
	if !n.NoOp || n.Code != "noop.already_validated" || n.Params["ID"] != "P1" {
		t.Errorf("NoOp = %+v", n)
	}
	wrapped := fmt.Errorf("storage: %w", e)
	got, ok := domain.AsError(wrapped)
	if !ok || got != e {
		t.Errorf("AsError(wrapped) = %v, %v", got, ok)
	}
	if _, ok := domain.AsError(errors.New("disk full")); ok {
		t.Error("AsError(plain error) = ok, want not a user-safe error")
	}
}
