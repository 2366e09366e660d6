package domain

import (
	"strings"
	"time"
)

// MemberType is the kind of membership: it decides who votes.
type MemberType string

// The three member types of the social code.
const (
	Societaire   MemberType = "societaire"
	Operationnel MemberType = "operationnel"
	Bienfaiteur  MemberType = "bienfaiteur"
)

// MemberTypes lists the types in roster order.
var MemberTypes = []MemberType{Societaire, Operationnel, Bienfaiteur}

// ParseMemberType accepts the French names and their English aliases, in any
// case, with or without the accent of "sociétaire" / "opérationnel".
func ParseMemberType(s string) (MemberType, bool) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "societaire", "sociétaire", "full":
		return Societaire, true
	case "operationnel", "opérationnel", "operational":
		return Operationnel, true
	case "bienfaiteur", "benefactor":
		return Bienfaiteur, true
	}
	return "", false
}

// Votes reports whether members of this type have a vote.
func (t MemberType) Votes() bool { return t == Societaire || t == Operationnel }

// Member is a person on the roster. The zero Type means "not a member": the
// rule packages receive such a value for people who wrote to the bot without
// being on the roster, so that R5 can keep their objection as a concern.
type Member struct {
	Name     string
	Type     MemberType
	Council  bool // the Conseil Collégial, a subset of the societaires
	Since    time.Time
	Welcomer string // the member who welcomes a newcomer (R17)
}

// IsMember reports whether m is on the roster.
func (m Member) IsMember() bool { return m.Type != "" }

// Votes reports whether m is a voting member.
func (m Member) Votes() bool { return m.Type.Votes() }

// NormalizeName gives the roster key of a name: lower case, without a
// leading @, so that "@Alice" and "alice" are the same member.
func NormalizeName(s string) string {
	return strings.ToLower(strings.TrimPrefix(strings.TrimSpace(s), "@"))
}

// ValidName reports whether s can be a member name: 1 to 64 letters, digits,
// '.', '-' or '_' (what both chat platforms allow in usernames), and not one
// of the log's reserved actors, "bot" and "operator".
func ValidName(s string) bool {
	if len(s) == 0 || len(s) > 64 || s == ActorBot || s == ActorOperator {
		return false // the log's own actors are never members' names
	}
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '.', r == '-', r == '_':
		default:
			return false
		}
	}
	return true
}
