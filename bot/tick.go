package bot

import (
	"time"

	"github.com/consentbot/consentbot/cooptation"

	"github.com/consentbot/consentbot/domain"
	"github.com/consentbot/consentbot/storage"
)

// Tick runs what came due by now, in one transaction: proposal deadlines
// (R10), cooptation reminders and expiries (R14, R16), meeting reminders and
// the rolling of the agenda (R19–R21). The scheduler calls it every minute
// and at start-up, so what came due while the bot was stopped is processed;
// every job is keyed in the database, so a restart or two overlapping ticks
// never post twice. It returns the number of late reminders skipped.
func (b *Bot) Tick(now time.Time) (skipped int, err error) {
	var late []string
	err = b.db.Update(func(tx *storage.Tx) error {
		platforms := b.platforms("")
		ps, err := tx.Proposals()
		if err != nil {
			return err
		}
		for _, p := range ps {
			if err := b.applyProposalDeadline(tx, p, now, platforms); err != nil {
				return err
			}
		}
		cs, err := tx.Cooptations()
		if err != nil {
			return err
		}
		for _, c := range cs {
			if err := b.applyCooptationDeadline(tx, c, now, platforms); err != nil {
				return err
			}
		}
		late, err = b.tickMeeting(tx, now, platforms)
		return err
	})
	for _, key := range late {
		// Logged after the commit: no I/O inside the transaction.
		b.log.Warn("meeting reminder skipped: too late", "key", key)
	}
	return len(late), err
}

func (b *Bot) tickMeeting(tx *storage.Tx, now time.Time, platforms []string) (late []string, err error) {
	st, err := tx.Meeting()
	if err != nil {
		return nil, err
	}
	cancelled := func(occ time.Time) bool { _, ok := st.Cancelled[occKey(occ)]; return ok }
	for _, d := range b.cfg.Meeting.Schedule.Due(st.LastRun, now, b.cfg.Meeting.Grace, cancelled) {
		done, err := tx.DueDone(d.Key)
		if err != nil {
			return nil, err
		}
		switch {
		case done:
		case d.Held:
			// The meeting took place: handled points are dropped, the
			// others carry over (R21).
			st.LastHeld = d.Occurrence
			st.Points = st.Points.CarryOver()
		case d.Late:
			late = append(late, d.Key)
		default:
			if err := b.remind(tx, st, d.Occurrence, platforms); err != nil {
				return nil, err
			}
		}
	}
	if now.After(st.LastRun) {
		st.LastRun = now
	}
	return late, tx.PutMeeting(st)
}

// remind posts R20's reminder with the link and the agenda.
func (b *Bot) remind(tx *storage.Tx, st storage.MeetingState, occ time.Time, platforms []string) error {
	a, err := b.agenda(tx, st, occ)
	if err != nil {
		return err
	}
	text := b.T("post.meeting_reminder", map[string]any{"Date": b.date(occ), "Link": b.cfg.Meeting.VideoURL}) + "\n\n" + b.renderAgenda(a)
	if err := tx.Append(domain.Event{Actor: domain.ActorBot, Kind: domain.MeetingReminded, Subject: b.meetingSubject(occ), Text: b.date(occ)}); err != nil {
		return err
	}
	return queueGovernance(tx, platforms, "", text)
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
