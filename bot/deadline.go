package bot

import (
	"strconv"
	"strings"
	"time"

	"github.com/consentbot/consentbot/cooptation"
	"github.com/consentbot/consentbot/domain"
	"github.com/consentbot/consentbot/proposals"
	"github.com/consentbot/consentbot/storage"
)

// ParseDeadline reads DEADLINE of SPEC §3: "48h", "7d" (or "7j"), "2026-12-03"
// (that day, 23:59) or "2026-12-03T18:00", in the configured zone. A deadline in
// the past or more than a year ahead is refused.
func ParseDeadline(s string, now time.Time, loc *time.Location) (time.Time, error) {
	bad := domain.E("err.bad_deadline", "Value", s)
	var t time.Time
	lower := strings.ToLower(s)
	number := func() (int, bool) {
		digits := lower[:len(lower)-1]
		n, err := strconv.Atoi(digits)
		return n, err == nil && digits != "" && digits[0] >= '0' && digits[0] <= '9' // no sign
	}
	switch {
	case strings.HasSuffix(lower, "d") || strings.HasSuffix(lower, "j"):
		n, ok := number()
		if !ok || n <= 0 || n > 366 {
			return t, bad
		}
		// Days on the local calendar: "7d" is the same local time a week
		// later, across a DST change too.
		t = now.In(loc).AddDate(0, 0, n)
	case strings.HasSuffix(lower, "h"):
		n, ok := number()
		if !ok || n <= 0 || n > 366*24 {
			return t, bad
		}
		t = now.Add(time.Duration(n) * time.Hour)
	default:
		var err error
		if t, err = time.ParseInLocation("2006-01-02T15:04", s, loc); err != nil {
			d, err2 := time.ParseInLocation("2006-01-02", s, loc)
			if err2 != nil {
				return t, bad
			}
			// A date means the end of that day, shown as that day.
			t = time.Date(d.Year(), d.Month(), d.Day(), 23, 59, 0, 0, loc)
		}
	}
	if !t.After(now) {
		return t, domain.E("err.deadline_past")
	}
	if t.After(now.AddDate(1, 0, 1)) {
		return t, bad
	}
	return t.UTC(), nil
}

// addLocal adds d to now, whole days on the local calendar (so a 7-day
// deadline keeps its local time across a DST change), the rest as time.
func addLocal(now time.Time, d time.Duration, loc *time.Location) time.Time {
	days := d / (24 * time.Hour)
	return now.In(loc).AddDate(0, 0, int(days)).Add(d - days*24*time.Hour).UTC()
}

// ParseDate reads DATE of `log since:`: 2026-01-01 in the configured zone.
func ParseDate(s string, loc *time.Location) (time.Time, error) {
	t, err := time.ParseInLocation("2006-01-02", s, loc)
	if err != nil {
		return t, domain.E("err.bad_date", "Value", s)
	}
	return t, nil
}

// applyProposalDeadline is R10, whenever a proposal is touched or ticked.
func (b *Bot) applyProposalDeadline(tx *storage.Tx, p *proposals.Proposal, now time.Time, platforms []string) error {
	checked := p.DeadlineChecked
	events := p.CheckDeadline(b.cfg.Rules, now)
	if len(events) == 0 {
		if p.DeadlineChecked != checked {
			// Decided without a stall (approved or closed in time):
			// remembered, so the scheduler does not look again.
			return tx.PutProposal(p)
		}
		return nil
	}
	if err := tx.PutProposal(p); err != nil {
		return err
	}
	if err := tx.Append(events...); err != nil {
		return err
	}
	// The one reminder of R10, in the governance channel.
	text := b.T("post.stalled", map[string]any{"ID": p.Subject(), "Text": p.Text(), "Author": p.Author, "Why": b.pendingReason(tx, p)})
	if err := queueGovernance(tx, platforms, p.Subject(), text, Request{}); err != nil {
		return err
	}
	return b.queueCard(tx, p.Subject())
}

// applyCooptationDeadline is R14's expiry and R16's reminder.
func (b *Bot) applyCooptationDeadline(tx *storage.Tx, c *cooptation.Cooptation, now time.Time, platforms []string) error {
	if missing := c.DueReminder(now); len(missing) > 0 {
		for _, m := range missing {
			text := b.T("dm.vote_reminder", map[string]any{"ID": c.Subject(), "Candidate": c.Candidate, "Type": b.typeName(c.Type), "Deadline": b.date(c.Deadline), "Trigger": b.cfg.Trigger})
			if err := queueDM(tx, platforms, m, text); err != nil {
				return err
			}
		}
		if err := tx.PutCooptation(c); err != nil {
			return err
		}
	}
	events := c.CheckDeadline(now)
	if len(events) == 0 {
		return nil
	}
	if err := tx.PutCooptation(c); err != nil {
		return err
	}
	if err := tx.Append(events...); err != nil {
		return err
	}
	text := b.T("post.expired", map[string]any{"ID": c.Subject(), "Candidate": c.Candidate, "Missing": strings.Join(c.Missing(), ", ")})
	if err := queueGovernance(tx, platforms, c.Subject(), text, Request{}); err != nil {
		return err
	}
	return b.queueCard(tx, c.Subject())
}
