package bot

import (
	"strconv"
	"strings"
	"time"

	"github.com/consentbot/consentbot/cooptation"
	"github.com/consentbot/consentbot/domain"
	"github.com/consentbot/consentbot/meeting"
	"github.com/consentbot/consentbot/proposals"
	"github.com/consentbot/consentbot/storage"
)

// occKey is how an occurrence is keyed in the meeting's state.
func occKey(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// nextMeeting is the meeting in progress or the next one that is not
// cancelled, and the cancelled ones before it. A meeting stays the current
// one until it ends, so points and the agenda still refer to it meanwhile.
func (b *Bot) nextMeeting(st storage.MeetingState, now time.Time) (next time.Time, cancelled []time.Time) {
	t := now.Add(-b.meetingLength())
	for i := 0; i < 60; i++ {
		t = b.cfg.Meeting.Schedule.Next(t)
		if t.IsZero() {
			return t, cancelled
		}
		if _, ok := st.Cancelled[occKey(t)]; !ok {
			return t, cancelled
		}
		cancelled = append(cancelled, t)
	}
	return time.Time{}, cancelled
}

// meetingSubject is the log subject of a meeting: its local date.
func (b *Bot) meetingSubject(t time.Time) string {
	return t.In(b.cfg.Location).Format("2006-01-02")
}

func (x *exec) meeting() error {
	st, err := x.tx.Meeting()
	if err != nil {
		return err
	}
	next, cancelled := x.b.nextMeeting(st, x.now)
	var s strings.Builder
	for _, c := range cancelled {
		s.WriteString(x.t("meeting.cancelled", map[string]any{"Date": x.b.date(c), "Why": st.Cancelled[occKey(c)]}) + "\n")
	}
	if next.IsZero() {
		s.WriteString(x.t("meeting.none", nil))
		x.private = s.String()
		return nil
	}
	s.WriteString(x.t("meeting.next", map[string]any{"Date": x.b.date(next), "Link": x.b.cfg.Meeting.VideoURL}))
	if u := x.b.cfg.Meeting.CalendarURL; u != "" {
		s.WriteString("\n" + x.t("meeting.calendar", map[string]any{"URL": u}))
	}
	agenda, err := x.b.agenda(x.tx, st, next)
	if err != nil {
		return err
	}
	s.WriteString("\n\n" + x.b.renderAgenda(agenda))
	x.private = s.String()
	return nil
}

func (x *exec) meetingAdd() error {
	if err := x.needMember(); err != nil {
		return err
	}
	_, err := x.updateMeeting(func(st *storage.MeetingState, next time.Time) (domain.Event, error) {
		pt, err := st.Points.Add(x.actor.Name, x.cmd.Text, x.now)
		if err != nil {
			return domain.Event{}, meetingError(err)
		}
		return domain.Event{Actor: x.actor.Name, Kind: domain.MeetingPointAdded, Subject: x.b.meetingSubject(next), Text: "#" + strconv.Itoa(pt.N) + " " + pt.Text}, nil
	})
	return err
}

func (x *exec) meetingDone() error {
	if err := x.needMember(); err != nil {
		return err
	}
	n, _ := strconv.Atoi(x.cmd.Arg)
	_, err := x.updateMeeting(func(st *storage.MeetingState, next time.Time) (domain.Event, error) {
		if err := st.Points.MarkDone(n); err != nil {
			return domain.Event{}, meetingError(err)
		}
		var text string
		for _, pt := range st.Points.Items {
			if pt.N == n {
				text = pt.Text
			}
		}
		return domain.Event{Actor: x.actor.Name, Kind: domain.MeetingPointDone, Subject: x.b.meetingSubject(next), Text: "#" + strconv.Itoa(n) + " " + text}, nil
	})
	return err
}

func (x *exec) meetingSkip() error {
	if !x.actor.Votes() {
		if err := x.needMember(); err != nil {
			return err
		}
		return domain.E("err.skip_needs_vote")
	}
	text, err := x.updateMeeting(func(st *storage.MeetingState, next time.Time) (domain.Event, error) {
		// Skip cancels the next occurrence; saying it twice is harmless
		// (R11), it does not cancel the week after as well.
		if first := x.b.cfg.Meeting.Schedule.Next(x.now); !first.Equal(next) {
			return domain.Event{}, domain.NoOp("noop.already_skipped", "Date", x.b.date(first))
		}
		st.Cancelled[occKey(next)] = strings.TrimSpace(x.cmd.Text)
		return domain.Event{Actor: x.actor.Name, Kind: domain.MeetingSkipped, Subject: x.b.meetingSubject(next), Text: strings.TrimSpace(x.cmd.Text)}, nil
	})
	if err != nil {
		return err
	}
	// Announced where the meeting is announced, too.
	return x.governance("", text)
}

func (x *exec) meetingMinutes() error {
	if err := x.needMember(); err != nil {
		return err
	}
	st, err := x.tx.Meeting()
	if err != nil {
		return err
	}
	held := st.LastHeld
	if !st.Current.IsZero() {
		held = st.Current // minutes may be taken during the meeting
	}
	if held.IsZero() {
		return domain.E("err.no_meeting_held")
	}
	if !proposals.IsDocumentation(x.cmd.Text) {
		return domain.E("err.doc_too_short", "Min", proposals.MinDocChars)
	}
	minutes := strings.TrimSpace(x.cmd.Text)
	if st.Minutes[occKey(held)] == minutes {
		return domain.NoOp("noop.same_minutes")
	}
	st.Minutes[occKey(held)] = minutes
	if err := x.tx.PutMeeting(st); err != nil {
		return err
	}
	ev := domain.Event{Actor: x.actor.Name, Kind: domain.MeetingMinutes, Subject: x.b.meetingSubject(held), Text: minutes}
	if err := x.record(ev); err != nil {
		return err
	}
	return x.announce("", x.b.eventText(ev, nil))
}

// updateMeeting applies f to the meeting's state for the next occurrence,
// logs and announces its event, and returns the announcement.
func (x *exec) updateMeeting(f func(st *storage.MeetingState, next time.Time) (domain.Event, error)) (string, error) {
	st, err := x.tx.Meeting()
	if err != nil {
		return "", err
	}
	next, _ := x.b.nextMeeting(st, x.now)
	if next.IsZero() {
		return "", domain.E("meeting.none")
	}
	ev, err := f(&st, next)
	if err != nil {
		return "", err
	}
	if err := x.tx.PutMeeting(st); err != nil {
		return "", err
	}
	if err := x.record(ev); err != nil {
		return "", err
	}
	text := x.b.eventText(ev, nil)
	return text, x.announce("", text)
}

// agenda builds R21's agenda of the occurrence from the state.
func (b *Bot) agenda(tx *storage.Tx, st storage.MeetingState, occ time.Time) (meeting.Agenda, error) {
	a := meeting.Agenda{Occurrence: occ, Points: st.Points.Open()}
	ps, err := tx.Proposals()
	if err != nil {
		return a, err
	}
	var done []meeting.DoneItem
	for _, p := range ps {
		switch {
		case !p.DoneAt.IsZero():
			done = append(done, meeting.DoneItem{ID: p.Subject(), Title: firstLine(p.Text()), Doc: p.Doc, At: p.DoneAt})
		case p.Closed():
		case p.State(b.cfg.Rules) == proposals.Blocked:
			item := meeting.BlockedItem{ID: p.Subject(), Title: firstLine(p.Text())}
			for _, o := range p.OpenObjections() {
				item.Objections = append(item.Objections, meeting.Objection{By: o.By, Reason: o.Reason})
			}
			// A blocked proposal is listed once, with its objections,
			// even when it is also past its deadline.
			a.Blocked = append(a.Blocked, item)
		case p.Stalled(b.cfg.Rules):
			a.Stalled = append(a.Stalled, meeting.Item{ID: p.Subject(), Title: firstLine(p.Text())})
		}
	}
	a.Done = meeting.DoneSince(done, st.LastHeld)
	cs, err := tx.Cooptations()
	if err != nil {
		return a, err
	}
	for _, c := range cs {
		if c.State == cooptation.Open {
			a.Cooptations = append(a.Cooptations, meeting.OpenCooptation{ID: c.Subject(), Candidate: c.Candidate, Type: b.typeName(c.Type), Missing: c.Missing()})
		}
	}
	return a, nil
}

// renderAgenda writes the agenda in the configured language.
func (b *Bot) renderAgenda(a meeting.Agenda) string {
	var s strings.Builder
	s.WriteString(b.T("agenda.title", map[string]any{"Date": b.date(a.Occurrence)}))
	if a.Empty() {
		s.WriteString("\n" + b.T("agenda.empty", nil))
		return s.String()
	}
	section := func(id string, n int) {
		if n > 0 {
			s.WriteString("\n\n" + b.T(id, nil))
		}
	}
	section("agenda.blocked", len(a.Blocked))
	for _, it := range a.Blocked {
		s.WriteString("\n- " + it.ID + " " + it.Title)
		for _, o := range it.Objections {
			s.WriteString("\n    " + b.T("agenda.objection", map[string]any{"By": o.By, "Reason": o.Reason}))
		}
	}
	section("agenda.stalled", len(a.Stalled))
	for _, it := range a.Stalled {
		s.WriteString("\n- " + it.ID + " " + it.Title)
	}
	section("agenda.cooptations", len(a.Cooptations))
	for _, c := range a.Cooptations {
		s.WriteString("\n- " + b.T("agenda.cooptation", map[string]any{"ID": c.ID, "Candidate": c.Candidate, "Type": c.Type, "Missing": strings.Join(c.Missing, ", ")}))
	}
	section("agenda.done", len(a.Done))
	for _, d := range a.Done {
		s.WriteString("\n- " + d.ID + " " + d.Title + " — " + b.T("agenda.doc", map[string]any{"Doc": d.Doc}))
	}
	section("agenda.points", len(a.Points))
	for _, p := range a.Points {
		s.WriteString("\n- #" + strconv.Itoa(p.N) + " " + p.Text + " (" + p.By + ")")
	}
	return s.String()
}
