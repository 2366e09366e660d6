package bot

import (
	"errors"
	"strings"
	"time"

	"github.com/consentbot/consentbot/cooptation"
	"github.com/consentbot/consentbot/domain"
	"github.com/consentbot/consentbot/meeting"
	"github.com/consentbot/consentbot/proposals"
	"github.com/consentbot/consentbot/storage"
)

// exec is one command inside its transaction.
type exec struct {
	b     *Bot
	tx    *storage.Tx
	req   Request
	cmd   Command
	now   time.Time
	actor domain.Member
	// unlinked is the member whose name this account uses without being
	// linked to them; linkedOn where that member is linked (see identify).
	unlinked, linkedOn string

	private string
	changed bool
}

// handler runs a verb. change: it may change state (an Update, announced);
// marks: a query that records what the asker looked at (for todo).
type handler struct {
	run    func(x *exec) error
	change bool
	marks  bool
}

func (x *exec) t(id string, data map[string]any) string { return x.b.T(id, data) }

// reply sets what the asker alone reads.
func (x *exec) reply(id string, data map[string]any) { x.private = x.t(id, data) }

// identify finds the member behind the platform account (R1). An account is
// bound to a member by user id after a first match by username, so that a
// later rename changes nothing and a name left behind is not inherited. A
// member already bound on another chat platform is not bound again by name
// alone: anyone may register that username there, so the operator links the
// second account (`consentbot members link`).
func (x *exec) identify(bind bool) error {
	if name, ok := x.tx.MemberOf(x.req.Platform, x.req.UserID); ok {
		m, found, err := x.tx.Member(name)
		if err != nil {
			return err
		}
		if found {
			x.actor = m
			return nil
		}
	}
	name := domain.NormalizeName(x.req.UserName)
	m, found, err := x.tx.Member(name)
	if err != nil {
		return err
	}
	switch {
	case !domain.ValidName(name):
		// "bot" and "operator" are the log's own actors: nobody writes
		// as them.
		x.actor = domain.Member{Name: "~" + name}
		return nil
	case !found:
		// Not on the roster: a non-member, who may still read, ask for
		// help and attach concerns.
		x.actor = domain.Member{Name: name}
		return nil
	}
	other, bound := x.tx.UserOf(x.req.Platform, name)
	elsewhere := x.boundElsewhere(name)
	if (bound && other != x.req.UserID) || (!bound && elsewhere != "") {
		// The rules compare names (only the author withdraws, only the
		// objector lifts): another account must not pass for the member
		// whose name it uses. "~" is never in a member's name.
		x.actor = domain.Member{Name: "~" + name}
		x.unlinked, x.linkedOn = name, elsewhere
		return nil
	}
	x.actor = m
	if bind && !bound && x.req.UserID != "" {
		return x.tx.Bind(x.req.Platform, x.req.UserID, name)
	}
	return nil
}

// boundElsewhere names a chat platform, other than the request's, where
// member is already bound ("" if none). The console does not count: it has
// no accounts.
func (x *exec) boundElsewhere(member string) string {
	for _, p := range []string{PlatformMattermost, PlatformRocketChat} {
		if p == x.req.Platform {
			continue
		}
		if _, ok := x.tx.UserOf(p, member); ok {
			return p
		}
	}
	return ""
}

// needMember refuses non-members with how to become one (R1), and accounts
// that use a member's name without being linked to them with what to do.
func (x *exec) needMember() error {
	if x.actor.IsMember() {
		return nil
	}
	if x.unlinked != "" {
		return domain.E("err.account_not_linked", "Name", x.unlinked, "Platform", x.req.Platform, "Other", x.linkedOn, "UserID", x.req.UserID)
	}
	return domain.E("err.not_member")
}

// record appends events to the log: the command changed state.
func (x *exec) record(events ...domain.Event) error {
	if len(events) == 0 {
		return nil
	}
	x.changed = true
	return x.tx.Append(events...)
}

// enqueue is the one way the bot queues a message: user text in it never
// notifies a whole channel (R26).
func enqueue(tx *storage.Tx, m Message) error {
	m.Text = Neutralize(m.Text)
	return tx.Queue(m)
}

// announce posts text where the command was typed (R25), about subject.
func (x *exec) announce(subject, text string) error {
	return enqueue(x.tx, Message{Platform: x.req.Platform, Kind: KindPost, Channel: x.req.Channel, Subject: subject, Text: text})
}

// governance posts text in the governance channel of every platform; the
// channel where the command was typed is skipped since it saw it already.
func (x *exec) governance(subject, text string) error {
	return queueGovernance(x.tx, x.b.platforms(x.req.Platform), subject, text, x.req)
}

// queueGovernance posts text in the governance channel of each platform.
// from is the request that caused it, if any: its channel saw it already.
func queueGovernance(tx *storage.Tx, platforms []string, subject, text string, from Request) error {
	for _, p := range platforms {
		m := Message{Platform: p, Kind: KindPost, Subject: subject, Text: text}
		if p == from.Platform {
			m.Except = from.Channel
		}
		if err := enqueue(tx, m); err != nil {
			return err
		}
	}
	return nil
}

// queueDM queues a direct message to member on the platform where they are
// bound, or on every platform when they are bound nowhere yet.
func queueDM(tx *storage.Tx, platforms []string, member, text string) error {
	var targets []string
	for _, p := range platforms {
		if _, ok := tx.UserOf(p, member); ok {
			targets = append(targets, p)
			break
		}
	}
	if len(targets) == 0 {
		targets = platforms
	}
	for _, p := range targets {
		if err := enqueue(tx, Message{Platform: p, Kind: KindDM, Member: member, Text: text}); err != nil {
			return err
		}
	}
	return nil
}

// platforms are those that receive governance posts and DMs: the configured
// ones, or, when Config.Platforms is nil (the console), the request's.
func (b *Bot) platforms(origin string) []string {
	if b.cfg.Platforms != nil {
		// serve: the configured platforms, maybe none (then scheduled
		// changes are logged and nothing is queued that nobody would send).
		return b.cfg.Platforms
	}
	if origin == "" {
		return []string{PlatformConsole}
	}
	return []string{origin}
}

// proposal loads Pn and applies its deadline (R10) first, as every touch does.
func (x *exec) proposal(ref Ref) (*proposals.Proposal, error) {
	if ref.Kind != 'P' {
		return nil, domain.E("err.wrong_item", "ID", ref.String(), "Verb", x.cmd.Verb)
	}
	p, err := x.tx.Proposal(ref.N)
	if err != nil {
		return nil, err
	}
	return p, x.b.applyProposalDeadline(x.tx, p, x.now, x.b.platforms(x.req.Platform))
}

// cooptation loads Cn and applies its deadline (R14) first.
func (x *exec) cooptation(ref Ref) (*cooptation.Cooptation, error) {
	if ref.Kind != 'C' {
		return nil, domain.E("err.wrong_item", "ID", ref.String(), "Verb", x.cmd.Verb)
	}
	c, err := x.tx.Cooptation(ref.N)
	if err != nil {
		return nil, err
	}
	return c, x.b.applyCooptationDeadline(x.tx, c, x.now, x.b.platforms(x.req.Platform))
}

// card queues the refreshed card of an item at its home.
func (x *exec) card(subject string) error { return x.b.queueCard(x.tx, subject) }

// meetingError turns the meeting package's user-safe errors into ours.
func meetingError(err error) error {
	var me *meeting.Error
	if errors.As(err, &me) {
		// Marking a handled point again is a harmless repetition (R11).
		return &domain.Error{Code: me.Code, Params: me.Params, NoOp: me.Code == meeting.CodePointDone}
	}
	return err
}

// Neutralize keeps users' text from notifying a whole channel (R26): a
// zero-width space after the @ of @channel, @all, @here and @everyone. It
// compares in place, without a lower-cased copy whose byte offsets could
// differ from the original's (some runes change length when lower-cased).
func Neutralize(s string) string {
	if !strings.Contains(s, "@") {
		return s
	}
	var out strings.Builder
	for i := 0; i < len(s); i++ {
		out.WriteByte(s[i])
		if s[i] != '@' {
			continue
		}
		rest := s[i+1:]
		for _, w := range []string{"channel", "all", "here", "everyone"} {
			if len(rest) >= len(w) && strings.EqualFold(rest[:len(w)], w) && (len(rest) == len(w) || !isWordByte(rest[len(w)])) {
				out.WriteString("\u200b")
				break
			}
		}
	}
	return out.String()
}

// isWordByte reports whether c continues a username, so that @allison is
// left alone.
func isWordByte(c byte) bool {
	return c == '_' || c == '-' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}
