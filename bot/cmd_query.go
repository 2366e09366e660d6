package bot

import (
	"fmt"
	"slices"
	"strings"

	"github.com/consentbot/consentbot/cooptation"
	"github.com/consentbot/consentbot/domain"
	"github.com/consentbot/consentbot/proposals"
	"github.com/consentbot/consentbot/storage"
)

// LogPageSize is how many entries one `log` page shows.
const LogPageSize = 10

func (x *exec) status() error {
	var text string
	// Looking at an item touches it: its deadline is applied first.
	if x.cmd.Ref.Kind == 'P' {
		p, err := x.proposal(x.cmd.Ref)
		if err != nil {
			return err
		}
		text = x.b.proposalStatus(x.tx, p)
	} else {
		c, err := x.cooptation(x.cmd.Ref)
		if err != nil {
			return err
		}
		text = x.b.cooptationCard(c)
	}
	x.private = text
	if x.actor.IsMember() && !x.tx.Seen(x.actor.Name, x.cmd.Ref.String()) {
		return x.tx.MarkSeen(x.actor.Name, x.cmd.Ref.String())
	}
	return nil
}

// wouldWrite tells, from a read-only look, whether `status` must write: the
// asker's first look at the item (for todo), or a deadline that came due.
func (b *Bot) wouldWrite(r Request, cmd Command) bool {
	write := true // when in doubt, the read-write path
	b.db.View(func(tx *storage.Tx) error {
		x := &exec{b: b, tx: tx, req: r, cmd: cmd, now: tx.Now()}
		if err := x.identify(false); err != nil {
			return err
		}
		subject := cmd.Ref.String()
		due := false
		if cmd.Ref.Kind == 'P' {
			if p, err := tx.Proposal(cmd.Ref.N); err == nil {
				due = p.DeadlineDue(x.now)
			}
		} else if c, err := tx.Cooptation(cmd.Ref.N); err == nil {
			due = c.DeadlineDue(x.now)
		}
		write = due || (x.actor.IsMember() && !tx.Seen(x.actor.Name, subject))
		return nil
	})
	return write
}

// proposalStatus is the card plus the versions and, while pending, why.
func (b *Bot) proposalStatus(tx *storage.Tx, p *proposals.Proposal) string {
	var s strings.Builder
	s.WriteString(b.proposalCard(p))
	if len(p.Versions) > 1 {
		s.WriteString("\n" + b.T("status.versions", nil))
		for i, v := range p.Versions {
			fmt.Fprintf(&s, "\n  v%d (%s): %s", i+1, b.date(v.At), v.Text)
		}
	}
	st := p.State(b.cfg.Rules)
	if st == proposals.Open || st == proposals.Blocked {
		s.WriteString("\n" + b.T("status.pending", nil) + "\n" + b.pendingReason(tx, p))
	}
	return s.String()
}

func (x *exec) list() error {
	var want []string
	if x.cmd.Arg != "" {
		st, ok := parseState(x.cmd.Arg)
		if !ok {
			return domain.E("err.bad_state", "State", x.cmd.Arg)
		}
		want = []string{st}
	}
	ps, err := x.tx.Proposals()
	if err != nil {
		return err
	}
	var lines []string
	for _, p := range ps {
		st := string(p.State(x.b.cfg.Rules))
		if (want == nil && !p.Closed()) || slices.Contains(want, st) {
			lines = append(lines, fmt.Sprintf("%s · %s · %s — %s", p.Subject(), x.b.stateName(st), p.Author, firstLine(p.Text())))
		}
	}
	cs, err := x.tx.Cooptations()
	if err != nil {
		return err
	}
	for _, c := range cs {
		if (want == nil && c.State == cooptation.Open) || slices.Contains(want, string(c.State)) {
			lines = append(lines, fmt.Sprintf("%s · %s · %s → %s (%d/%d)", c.Subject(), x.b.stateName(string(c.State)), c.Candidate, x.b.typeName(c.Type), len(c.Votes), len(c.Electorate)))
		}
	}
	if len(lines) == 0 {
		x.reply("list.empty", nil)
		return nil
	}
	x.private = x.t("list.title", nil) + "\n" + strings.Join(lines, "\n")
	return nil
}

// parseState accepts the states of proposals and cooptations, in English or
// French.
func parseState(s string) (string, bool) {
	aliases := map[string]string{
		"ouvert": "open", "ouverte": "open", "approuvee": "approved", "approuvée": "approved",
		"bloquee": "blocked", "bloquée": "blocked", "faite": "done", "fait": "done",
		"retiree": "withdrawn", "retirée": "withdrawn", "acceptee": "accepted", "acceptée": "accepted",
		"rejetee": "rejected", "rejetée": "rejected", "expiree": "expired", "expirée": "expired",
	}
	if a, ok := aliases[s]; ok {
		s = a
	}
	switch s {
	case "open", "approved", "blocked", "done", "withdrawn", "accepted", "rejected", "expired":
		return s, true
	}
	return "", false
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i] + " …"
	}
	if r := []rune(s); len(r) > 80 {
		s = string(r[:79]) + "…"
	}
	return s
}

// todo is what waits on the asker: votes owed, proposals not looked at,
// their own objections still open.
func (x *exec) todo() error {
	if err := x.needMember(); err != nil {
		return err
	}
	me := x.actor.Name
	var lines []string
	cs, err := x.tx.Cooptations()
	if err != nil {
		return err
	}
	for _, c := range cs {
		if _, voted := c.VoteOf(me); c.State == cooptation.Open && c.IsElector(me) && !voted {
			lines = append(lines, x.t("todo.vote", map[string]any{"ID": c.Subject(), "Candidate": c.Candidate, "Deadline": x.b.date(c.Deadline)}))
		}
	}
	ps, err := x.tx.Proposals()
	if err != nil {
		return err
	}
	for _, p := range ps {
		if p.Closed() {
			continue
		}
		switch {
		case p.HasOpenObjectionBy(me):
			lines = append(lines, x.t("todo.objection", map[string]any{"ID": p.Subject()}))
		case p.Author == me && p.State(x.b.cfg.Rules) == proposals.Approved:
			lines = append(lines, x.t("todo.mark_done", map[string]any{"ID": p.Subject()}))
		case p.Author != me && x.actor.Votes() && !p.ValidatedBy(me) && !x.tx.Seen(me, p.Subject()):
			lines = append(lines, x.t("todo.look", map[string]any{"ID": p.Subject(), "Text": firstLine(p.Text())}))
		}
	}
	if len(lines) == 0 {
		x.reply("todo.empty", nil)
		return nil
	}
	x.private = x.t("todo.title", nil) + "\n" + strings.Join(lines, "\n")
	return nil
}

func (x *exec) members() error {
	roster, err := x.tx.Members()
	if err != nil {
		return err
	}
	var s strings.Builder
	for _, t := range domain.MemberTypes {
		var names []string
		for _, m := range roster {
			if m.Type == t {
				n := m.Name
				if m.Council {
					n += " ★"
				}
				names = append(names, n)
			}
		}
		line := x.t("members.line", map[string]any{"Type": x.b.typeName(t), "Count": len(names), "Names": strings.Join(names, ", ")})
		fmt.Fprintf(&s, "%s\n  %s\n", line, x.t("rights."+string(t), nil))
	}
	s.WriteString(x.t("members.council", nil))
	x.private = s.String()
	return nil
}

func (x *exec) logQuery() error {
	q := x.cmd.Log
	f := storage.LogFilter{Actor: q.By, Words: q.Words}
	if q.Kind != "" {
		if !validKind(q.Kind) {
			return domain.E("err.bad_kind", "Kind", q.Kind)
		}
		f.Kind = q.Kind
	}
	if q.Since != "" {
		t, err := ParseDate(q.Since, x.b.cfg.Location)
		if err != nil {
			return err
		}
		f.Since = t
	}
	if q.Until != "" {
		t, err := ParseDate(q.Until, x.b.cfg.Location)
		if err != nil {
			return err
		}
		f.Until = t.AddDate(0, 0, 1) // until a date includes that day
	}
	entries, more, err := x.tx.LogPage(f, q.Page, LogPageSize)
	if err != nil {
		return err
	}
	if len(entries) == 0 {
		x.reply("log.empty", nil)
		return nil
	}
	var s strings.Builder
	s.WriteString(x.t("log.title", map[string]any{"Page": q.Page}))
	for _, e := range entries {
		s.WriteString("\n" + x.t("log.line", map[string]any{"Seq": e.Seq, "Date": x.b.date(e.At), "Actor": e.Actor, "Kind": e.Kind, "Subject": e.Subject, "Text": firstLine(e.Text)}))
	}
	if more {
		s.WriteString("\n" + x.t("log.more", map[string]any{"Next": q.Page + 1, "Trigger": x.b.cfg.Trigger}))
	}
	x.private = s.String()
	return nil
}

// validKind accepts a log kind or a family (SPEC §3: proposal, objection,
// cooptation, member, meeting).
func validKind(k string) bool {
	for _, kind := range domain.Kinds {
		if k == kind || strings.HasPrefix(kind, k+".") {
			return true
		}
	}
	return false
}

func (x *exec) help() error {
	if x.cmd.Arg == "" {
		var s strings.Builder
		s.WriteString(x.t("help.title", map[string]any{"Trigger": x.b.cfg.Trigger}))
		for _, v := range Verbs {
			fmt.Fprintf(&s, "\n• %s %s", x.b.cfg.Trigger, x.t("usage."+v, nil))
		}
		s.WriteString("\n" + x.t("help.footer", map[string]any{"Trigger": x.b.cfg.Trigger}))
		x.private = s.String()
		return nil
	}
	v, ok := verbAliases[x.cmd.Arg]
	if !ok {
		return domain.E("err.unknown_verb", "Verb", x.cmd.Arg)
	}
	// The rules as configured, not as defaulted.
	rules := map[string]any{
		"Required": x.b.cfg.Rules.ValidationsRequired, "Min": x.b.cfg.Rules.ObjectionMinChars,
		"Days": int(x.b.cfg.ProposalDeadline.Hours() / 24), "CooptDays": int(x.b.cfg.CooptationDeadline.Hours() / 24),
	}
	x.private = x.b.cfg.Trigger + " " + x.t("usage."+v, nil) + "\n" + x.t("help."+v, rules)
	return nil
}
