package bot

import (
	"errors"
	"fmt"
	"time"

	"github.com/consentbot/consentbot/cooptation"
	"github.com/consentbot/consentbot/domain"
	"github.com/consentbot/consentbot/meeting"
	"github.com/consentbot/consentbot/storage"
)

// Tick runs what came due by now: proposal deadlines (R10), cooptation
// reminders and expiries (R14, R16), meeting reminders and the rolling of the
// agenda (R19–R21). The scheduler calls it every minute and at start-up, so
// what came due while the bot was stopped is processed; every job is keyed in
// the database, so a restart or two overlapping ticks never post twice.
//
// Each due item is one transaction of its own, and a failing or panicking
// one is logged and skipped: one bad item must not stop every deadline and
// reminder. Nothing is written when nothing is due. It returns the number of
// late meeting reminders skipped.
func (b *Bot) Tick(now time.Time) (skipped int, err error) {
	platforms := b.platforms("")
	var props, coopts []int
	var meetingDue bool
	err = b.db.View(func(tx *storage.Tx) error {
		ps, err := tx.Proposals()
		if err != nil {
			return err
		}
		for _, p := range ps {
			if p.DeadlineDue(now) {
				props = append(props, p.ID)
			}
		}
		cs, err := tx.Cooptations()
		if err != nil {
			return err
		}
		for _, c := range cs {
			if c.DeadlineDue(now) {
				coopts = append(coopts, c.ID)
			}
		}
		st, err := tx.Meeting()
		if err != nil {
			return err
		}
		meetingDue = b.meetingDue(tx, st, now)
		return nil
	})
	if err != nil {
		return 0, err
	}
	var errs []error
	for _, id := range props {
		errs = append(errs, b.safeUpdate("proposal deadline", func(tx *storage.Tx) error {
			p, err := tx.Proposal(id)
			if err != nil {
				return err
			}
			return b.applyProposalDeadline(tx, p, now, platforms)
		}))
	}
	for _, id := range coopts {
		errs = append(errs, b.safeUpdate("cooptation deadline", func(tx *storage.Tx) error {
			c, err := tx.Cooptation(id)
			if err != nil {
				return err
			}
			return b.applyCooptationDeadline(tx, c, now, platforms)
		}))
	}
	if meetingDue {
		var late []string
		errs = append(errs, b.safeUpdate("meeting", func(tx *storage.Tx) error {
			var err error
			late, err = b.tickMeeting(tx, now, platforms)
			return err
		}))
		for _, key := range late {
			// Logged after the commit: no I/O inside the transaction.
			b.log.Warn("meeting reminder skipped: too late", "key", key)
		}
		skipped = len(late)
	}
	return skipped, errors.Join(errs...)
}

// safeUpdate runs one scheduled job in its own transaction; a panic rolls it
// back and becomes an error, logged, so the other jobs still run.
func (b *Bot) safeUpdate(job string, fn func(tx *storage.Tx) error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("bot: %s: panic: %v", job, r)
		}
		if err != nil {
			b.log.Error("scheduled job failed", "job", job, "err", err)
		}
	}()
	return b.db.Update(fn)
}

func (b *Bot) tickMeeting(tx *storage.Tx, now time.Time, platforms []string) (late []string, err error) {
	st, err := tx.Meeting()
	if err != nil {
		return nil, err
	}
	for _, d := range b.meetingJobs(st, now) {
		done, err := tx.DueDone(d.Key)
		if err != nil {
			return nil, err
		}
		switch {
		case done:
		case d.Held:
			// The meeting has started: it stays the current one (its
			// agenda, points and minutes) until it ends, then rolls.
			b.roll(&st, st.Current)
			st.Current = d.Occurrence
		case d.Late:
			late = append(late, d.Key)
		default:
			if err := b.remind(tx, st, d.Occurrence, d.Offset, platforms); err != nil {
				return nil, err
			}
		}
	}
	if !st.Current.IsZero() && !now.Before(st.Current.Add(b.meetingLength())) {
		b.roll(&st, st.Current)
	}
	if now.After(st.LastRun) {
		st.LastRun = now
	}
	return late, tx.PutMeeting(st)
}

// roll closes the meeting held at occ (R21): handled points are dropped, the
// others carry over, and "done since the last meeting" starts again.
func (b *Bot) roll(st *storage.MeetingState, occ time.Time) {
	if occ.IsZero() {
		return
	}
	st.LastHeld = occ
	st.Points = st.Points.CarryOver()
	st.Current = time.Time{}
}

func (b *Bot) meetingLength() time.Duration {
	if d := b.cfg.Meeting.Schedule.Duration; d > 0 {
		return d
	}
	return time.Hour
}

// meetingJobs is what the schedule says came due since the last run.
func (b *Bot) meetingJobs(st storage.MeetingState, now time.Time) []meeting.Due {
	cancelled := func(occ time.Time) bool { _, ok := st.Cancelled[occKey(occ)]; return ok }
	return b.cfg.Meeting.Schedule.Due(st.LastRun, now, b.cfg.Meeting.Grace, cancelled)
}

// meetingDue reports, read-only, whether the meeting has work: a job not run
// yet, or a meeting to roll.
func (b *Bot) meetingDue(tx *storage.Tx, st storage.MeetingState, now time.Time) bool {
	if st.LastRun.IsZero() {
		return true // the first run records where the schedule starts from
	}
	if !st.Current.IsZero() && !now.Before(st.Current.Add(b.meetingLength())) {
		return true
	}
	for _, d := range b.meetingJobs(st, now) {
		if !tx.DueSeen(d.Key) {
			return true
		}
	}
	return false
}

// remind posts R20's reminder with the link and the agenda.
func (b *Bot) remind(tx *storage.Tx, st storage.MeetingState, occ time.Time, before time.Duration, platforms []string) error {
	a, err := b.agenda(tx, st, occ)
	if err != nil {
		return err
	}
	text := b.T("post.meeting_reminder", map[string]any{"Date": b.date(occ), "Link": b.cfg.Meeting.VideoURL, "In": b.lead(before)}) + "\n\n" + b.renderAgenda(a)
	// The log's head, posted where everyone keeps a copy: an anchor outside
	// the database, so that even a rewrite of the whole chain would show.
	if head, ok, err := tx.LastEntry(); err != nil {
		return err
	} else if ok {
		text += "\n\n" + b.T("post.log_anchor", map[string]any{"Seq": head.Seq, "Hash": head.Hash[:16]})
	}
	if err := tx.Append(domain.Event{Actor: domain.ActorBot, Kind: domain.MeetingReminded, Subject: b.meetingSubject(occ), Text: b.date(occ)}); err != nil {
		return err
	}
	return queueGovernance(tx, platforms, "", text, Request{})
}

// NextWake is the first instant after after when something may come due: a
// meeting reminder or occurrence, a proposal or cooptation deadline, a
// cooptation's reminder. The console's :wait stops there so that each thing
// happens at its own time; zero when nothing is ahead.
func (b *Bot) NextWake(after time.Time) time.Time {
	var next time.Time
	consider := func(t time.Time) {
		if t.After(after) && (next.IsZero() || t.Before(next)) {
			next = t
		}
	}
	s := b.cfg.Meeting.Schedule
	occ := s.Next(after)
	for i := 0; i < 2 && !occ.IsZero(); i++ {
		consider(occ)
		for _, r := range s.Reminders {
			consider(occ.Add(-r))
		}
		occ = s.Next(occ)
	}
	b.db.View(func(tx *storage.Tx) error {
		ps, _ := tx.Proposals()
		for _, p := range ps {
			if !p.Closed() && !p.DeadlineChecked {
				consider(p.Deadline)
			}
		}
		cs, _ := tx.Cooptations()
		for _, c := range cs {
			consider(c.Deadline)
			consider(c.Deadline.Add(-cooptation.ReminderBefore))
		}
		return nil
	})
	return next
}

// lead says how long before the meeting a reminder comes: "24 h", "15 min".
func (b *Bot) lead(d time.Duration) string {
	if d >= time.Hour && d%time.Hour == 0 {
		return b.T("lead.hours", map[string]any{"N": int(d.Hours())})
	}
	return b.T("lead.minutes", map[string]any{"N": int(d.Round(time.Minute).Minutes())})
}
