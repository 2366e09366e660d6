package bot_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/consentbot/consentbot/bot"
	"github.com/consentbot/consentbot/domain"
)

// The first meeting after start: Monday 7 December 2026, 10:00 in Paris.
var firstMeeting = time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)

func reminders(msgs []bot.Message) []string {
	var out []string
	for _, m := range msgs {
		if m.Kind == bot.KindPost && strings.Contains(m.Text, videoURL) {
			out = append(out, m.Text)
		}
	}
	return out
}

func TestR19R20_MeetingReminders(t *testing.T) {
	h := newHarness(t, "en")
	h.tick()
	h.must("alice", "meeting add choose the new bank")
	h.drain()

	h.setClock(firstMeeting.Add(-24*time.Hour - time.Minute))
	h.tick()
	if got := reminders(h.drain()); len(got) != 0 {
		t.Fatalf("early reminder: %q", got)
	}
	n := len(h.entries())
	h.setClock(firstMeeting.Add(-24 * time.Hour))
	h.tick()
	got := reminders(h.drain())
	if len(got) != 1 {
		t.Fatalf("24h reminders: %q", got)
	}
	wantContains(t, "reminder", got[0], "Monday 7 December 2026 at 10:00", videoURL, "Agenda", "choose the new bank")
	wantKinds(t, h.entriesSince(n), domain.MeetingReminded)
	if e := h.entries()[n]; e.Actor != domain.ActorBot || e.Subject != "2026-12-07" {
		t.Errorf("reminder entry %+v", e)
	}

	h.tick() // the same instant again
	h.clock.Advance(time.Minute)
	h.tick()
	h.restart() // a new Bot on the same file
	h.tick()
	if got := reminders(h.drain()); len(got) != 0 || len(h.entries()) != n+1 {
		t.Fatalf("reminder posted twice: %q, log %v", got, kinds(h.entriesSince(n)))
	}

	h.setClock(firstMeeting.Add(-15 * time.Minute))
	h.tick()
	h.restart()
	h.tick()
	if got := reminders(h.drain()); len(got) != 1 || !strings.Contains(got[0], "in 15 min") {
		t.Fatalf("15 min reminders: %q", got)
	}
	h.setClock(firstMeeting.Add(time.Minute))
	h.tick()
	if got := reminders(h.drain()); len(got) != 0 {
		t.Fatalf("posted at the meeting: %q", got)
	}
	if got := kinds(h.entriesSince(n)); !slices.Equal(got, []string{domain.MeetingReminded, domain.MeetingReminded}) {
		t.Errorf("logged %v", got)
	}

	t.Run("LateReminderSkipped", func(t *testing.T) {
		h := newHarness(t, "en")
		h.tick()
		// Down from Saturday to twenty minutes into the meeting: both
		// reminders are more than the 30-minute grace late.
		h.setClock(firstMeeting.Add(20 * time.Minute))
		if skipped := h.tick(); skipped != 2 {
			t.Errorf("skipped %d, want 2", skipped)
		}
		if got := reminders(h.drain()); len(got) != 0 {
			t.Errorf("late reminders posted: %q", got)
		}
		if skipped := h.tick(); skipped != 0 {
			t.Errorf("skipped again: %d", skipped)
		}
	})
	t.Run("SlightlyLateReminderPosted", func(t *testing.T) {
		h := newHarness(t, "en")
		h.setClock(firstMeeting.Add(-24*time.Hour - time.Hour))
		h.tick()
		h.setClock(firstMeeting.Add(-10 * time.Minute)) // 24h reminder late, 15 min one 5 min late
		if skipped := h.tick(); skipped != 1 {
			t.Errorf("skipped %d, want 1", skipped)
		}
		if got := reminders(h.drain()); len(got) != 1 {
			t.Errorf("reminders %q", got)
		}
	})
	t.Run("French", func(t *testing.T) {
		h := newHarness(t, "fr")
		h.setClock(firstMeeting.Add(-15 * time.Minute))
		h.tick()
		got := reminders(h.drain())
		if len(got) != 1 {
			t.Fatalf("reminders %q", got)
		}
		wantContains(t, "rappel", got[0], "lundi 7 décembre 2026 à 10:00", videoURL)
	})
}

func TestR21_Agenda(t *testing.T) {
	h := newHarness(t, "en")
	h.tick()
	h.must("alice", "propose migrate Nextcloud on Saturday")
	h.must("bob", "object P1 the backups are not tested yet")
	h.must("carol", "propose --by 48h repaint the office")
	h.must("alice", "coopt @frank societaire helps every week")
	h.must("dave", "propose order stickers")
	h.must("alice", "validate P3")
	h.must("bob", "validate P3")
	h.must("dave", "done P3 https://wiki.example.org/stickers")
	h.must("alice", "meeting add choose the new bank")
	h.must("bob", "meeting add summer party")
	h.must("carol", "meeting add @here review the budget")
	h.setClock(start.Add(48 * time.Hour))
	h.tick() // P2 stalls
	h.drain()

	agenda := h.query("zoe", "meeting")
	wantContains(t, "agenda", agenda,
		"Next meeting: Monday 7 December 2026 at 10:00 — "+videoURL,
		"Blocked", "P1 migrate Nextcloud", "bob: the backups are not tested yet",
		"Stalled", "P2 repaint the office",
		"Open cooptations", "C1 frank", "bob, carol",
		"Done since the last meeting", "P3 order stickers", "https://wiki.example.org/stickers",
		"Points from members", "#1 choose the new bank (alice)", "#2 summer party (bob)", "#3 @\u200bhere review the budget (carol)",
	)
	order := []string{"Blocked", "Stalled", "Open cooptations", "Done since", "Points"}
	for i := 1; i < len(order); i++ {
		if strings.Index(agenda, order[i-1]) > strings.Index(agenda, order[i]) {
			t.Errorf("%s comes after %s", order[i-1], order[i])
		}
	}

	// The reminder carries the same agenda, and the log's head as an
	// anchor outside the database (R23).
	h.setClock(firstMeeting.Add(-24 * time.Hour))
	head := h.entries()[len(h.entries())-1]
	h.tick()
	if got := reminders(h.drain()); len(got) != 1 || !strings.Contains(got[0], "P1 migrate") || !strings.Contains(got[0], "#2 summer party") ||
		!strings.Contains(got[0], head.Hash[:16]) {
		t.Errorf("reminder %q, want the agenda and the log head %s", got, head.Hash[:16])
	}

	n := len(h.entries())
	h.must("carol", "meeting done 1")
	wantKinds(t, h.entriesSince(n), domain.MeetingPointDone)
	if e := h.entries()[n]; e.Subject != "2026-12-07" || !strings.Contains(e.Text, "choose the new bank") {
		t.Errorf("point done entry %+v", e)
	}
	if r := h.do("carol", "meeting done 1"); r.Refused || r.Changed || !strings.Contains(r.Private, "already") { // R11
		t.Errorf("meeting done twice: %+v", r)
	}

	// During the meeting it is still the current one: its agenda, with
	// what was done since the last meeting.
	h.setClock(firstMeeting.Add(5 * time.Minute))
	h.tick()
	wantContains(t, "agenda during the meeting", h.query("zoe", "meeting"), "Monday 7 December 2026", "Done since", "P3 order stickers")

	// The meeting is over (1 h): handled points drop, the others carry
	// over, and what was done before it is no longer news.
	h.setClock(firstMeeting.Add(65 * time.Minute))
	h.tick()
	agenda = h.query("zoe", "meeting")
	wantContains(t, "agenda", agenda, "Monday 14 December 2026", "#2 summer party", "#3", "P1 migrate", "P2 repaint", "C1 frank")
	wantNotContains(t, "agenda", agenda, "choose the new bank", "P3 order stickers", "Done since")
	h.must("alice", "meeting add #4 comes next")
	wantContains(t, "agenda", h.query("zoe", "meeting"), "#4 #4 comes next")

	t.Run("Minutes", func(t *testing.T) {
		n := len(h.entries())
		h.must("bob", "meeting minutes https://pad.example.org/cr-2026-12-07")
		if e := h.entriesSince(n); len(e) != 1 || e[0].Kind != domain.MeetingMinutes || e[0].Subject != "2026-12-07" {
			t.Errorf("minutes entries %+v", e)
		}
		h.refused("bob", "meeting minutes short")
	})

	t.Run("Skip", func(t *testing.T) {
		h.drain()
		n := len(h.entries())
		r := h.must("dave", "meeting skip public holiday")
		wantKinds(t, h.entriesSince(n), domain.MeetingSkipped)
		if e := h.entries()[n]; e.Subject != "2026-12-14" || e.Text != "public holiday" {
			t.Errorf("skip entry %+v", e)
		}
		if len(r.Private) > 200 || !anyContains(texts(h.drain(), bot.KindPost), "cancelled", "Monday 14 December 2026") {
			t.Errorf("skip not announced")
		}
		// R11: skipping again is harmless, it does not cancel the 21st too.
		n = len(h.entries())
		if r := h.do("carol", "meeting skip again"); r.Refused || r.Changed || !strings.Contains(r.Private, "already cancelled") {
			t.Errorf("second skip = %+v, want a harmless no-op", r)
		}
		if len(h.entries()) != n {
			t.Errorf("second skip was logged")
		}
		agenda := h.query("zoe", "meeting")
		wantContains(t, "agenda", agenda, "Cancelled: Monday 14 December 2026 at 10:00 public holiday", "Next meeting: Monday 21 December 2026")
		// No reminder for the cancelled meeting, and its points carry over.
		h.wait(time.Date(2026, 12, 14, 12, 0, 0, 0, time.UTC).Sub(h.clock.Now()), time.Hour)
		if got := reminders(h.drain()); len(got) != 0 {
			t.Errorf("reminders for a cancelled meeting: %q", got)
		}
		wantContains(t, "agenda", h.query("zoe", "meeting"), "Monday 21 December 2026", "#2 summer party")
		h.refused("erin", "meeting skip")
	})
}

func TestR22_MeetingTimeAcrossDST(t *testing.T) {
	tests := []struct {
		name          string
		start         time.Time
		before, after string    // the meetings shown before and after the change
		afterUTC      time.Time // the second meeting, in UTC
	}{
		{"Spring", time.Date(2027, 3, 17, 12, 0, 0, 0, time.UTC), "Monday 22 March 2027 at 10:00", "Monday 29 March 2027 at 10:00", time.Date(2027, 3, 29, 8, 0, 0, 0, time.UTC)},
		{"Autumn", time.Date(2026, 10, 14, 12, 0, 0, 0, time.UTC), "Monday 19 October 2026 at 10:00", "Monday 26 October 2026 at 10:00", time.Date(2026, 10, 26, 9, 0, 0, 0, time.UTC)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, "en", at(tt.start))
			h.tick()
			wantContains(t, "meeting", h.query("zoe", "meeting"), tt.before)
			h.wait(6*24*time.Hour, time.Hour)
			wantContains(t, "meeting", h.query("zoe", "meeting"), tt.after)
			h.drain()
			// The 15-minute reminder falls at 09:45 local, in UTC across the change.
			h.setClock(tt.afterUTC.Add(-15*time.Minute - time.Second))
			h.tick()
			h.drain()
			n := len(h.entries())
			h.setClock(tt.afterUTC.Add(-15 * time.Minute))
			h.tick()
			got := reminders(h.drain())
			if len(got) != 1 || !strings.Contains(got[0], tt.after) {
				t.Fatalf("reminder at %v: %q", h.clock.Now(), got)
			}
			es := h.entriesSince(n)
			if len(es) != 1 || !es[0].At.Equal(tt.afterUTC.Add(-15*time.Minute)) || es[0].At.Location() != time.UTC {
				t.Errorf("reminder logged at %v (stored in UTC)", es)
			}
		})
	}
	t.Run("DeadlineInZone", func(t *testing.T) {
		h := newHarness(t, "fr", at(time.Date(2027, 3, 24, 12, 0, 0, 0, time.UTC)))
		h.must("alice", "proposer --avant 2027-03-29T18:00 changer d'heure")
		if p := h.proposal(1); !p.Deadline.Equal(time.Date(2027, 3, 29, 16, 0, 0, 0, time.UTC)) {
			t.Errorf("deadline %v, want 16:00 UTC (18:00 CEST)", p.Deadline)
		}
		wantContains(t, "etat", h.query("bob", "etat P1"), "lundi 29 mars 2027 à 18:00")
	})
}

// R21: a proposal both blocked and past its deadline is on the agenda once,
// with its objection.
func TestR21_BlockedAndStalledListedOnce(t *testing.T) {
	h := newHarness(t, "en")
	h.must("alice", "propose --by 48h migrate Nextcloud on Saturday")
	h.must("bob", "object P1 the backups are not tested yet")
	h.setClock(start.Add(49 * time.Hour))
	h.tick()
	agenda := h.query("zoe", "meeting")
	if n := strings.Count(agenda, "P1 migrate Nextcloud"); n != 1 {
		t.Errorf("P1 is %d times on the agenda:\n%s", n, agenda)
	}
	wantContains(t, "agenda", agenda, "Blocked", "the backups are not tested yet")
}
