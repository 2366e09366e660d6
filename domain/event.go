package domain

// Log kinds of SPEC §5. A refused command writes none.
const (
	ProposalOpened    = "proposal.opened"
	ProposalValidated = "proposal.validated"
	ProposalApproved  = "proposal.approved"
	ProposalBlocked   = "proposal.blocked"
	ProposalAmended   = "proposal.amended"
	ProposalDone      = "proposal.done"
	ProposalWithdrawn = "proposal.withdrawn"
	ProposalStalled   = "proposal.stalled"
	ObjectionRaised   = "objection.raised"
	ObjectionLifted   = "objection.lifted"
	ConcernAdded      = "concern.added"
	CooptationOpened  = "cooptation.opened"
	CooptationVoted   = "cooptation.voted"
	CooptationAccept  = "cooptation.accepted"
	CooptationReject  = "cooptation.rejected"
	CooptationExpired = "cooptation.expired"
	MemberAdded       = "member.added"
	MemberChanged     = "member.changed"
	MemberWelcomer    = "member.welcomer"
	MeetingReminded   = "meeting.reminded"
	MeetingSkipped    = "meeting.skipped"
	MeetingPointAdded = "meeting.point_added"
	MeetingPointDone  = "meeting.point_done"
	MeetingMinutes    = "meeting.minutes"
)

// Kinds lists every log kind, in SPEC order.
var Kinds = []string{
	ProposalOpened, ProposalValidated, ProposalApproved, ProposalBlocked,
	ProposalAmended, ProposalDone, ProposalWithdrawn, ProposalStalled,
	ObjectionRaised, ObjectionLifted, ConcernAdded,
	CooptationOpened, CooptationVoted, CooptationAccept, CooptationReject, CooptationExpired,
	MemberAdded, MemberChanged, MemberWelcomer,
	MeetingReminded, MeetingSkipped, MeetingPointAdded, MeetingPointDone, MeetingMinutes,
}

// Actors that are not members.
const (
	ActorOperator = "operator" // the person running `consentbot members …`
	ActorBot      = "bot"      // scheduled changes
)

// Event is one decision-log entry as the rules produce it; storage adds the
// sequence number, the time and the hash chain.
type Event struct {
	Actor   string
	Kind    string
	Subject string // "P12", "C3", a member name, or a meeting date
	Text    string
}
