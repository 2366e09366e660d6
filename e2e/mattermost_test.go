package e2e

import (
	"strings"
	"testing"
	"time"

	"github.com/consentbot/consentbot/bot"
	"github.com/consentbot/consentbot/e2e/mmtest"
	"github.com/consentbot/consentbot/storage"
)

// TestMattermost carries the SPEC's flows through a real Mattermost server:
// slash commands typed by users, buttons clicked, dialogs submitted, as the
// web client does.
func TestMattermost(t *testing.T) {
	h := newHarness(t)

	t.Run("R2_R6_R7_R8_proposal_through_buttons_and_a_dialog", func(t *testing.T) {
		h.t = t
		reply := h.cmd("alice", "propose We move the wiki to the new server on Saturday")
		if !strings.Contains(reply, "P1") {
			t.Fatalf("R25: the author's ephemeral confirmation should name P1: %q", reply)
		}
		card := h.card("P1", "We move the wiki")
		if len(card.Attachments()) == 0 || len(card.Attachments()[0].Actions) < 4 {
			t.Fatalf("card has no buttons: %+v", card.Attachments())
		}
		h.click("bob", card, "validate")
		h.card("P1", "1/2")
		h.click("dave", card, "validate")
		h.card("P1", "approved")
		if resp := h.dialog("carol", card, "object", "too short"); resp.Errors["reason"] == "" && resp.Error == "" {
			t.Fatalf("R4: a too-short reason must be refused in the dialog: %+v", resp)
		}
		if resp := h.dialog("carol", card, "object", "Saturday is the general assembly, nobody will be there"); len(resp.Errors) > 0 || resp.Error != "" {
			t.Fatalf("objection refused: %+v", resp)
		}
		h.card("P1", "blocked")
		h.cmd("alice", "amend P1 We move the wiki to the new server on Sunday")
		card = h.card("P1", "Sunday")
		h.click("carol", card, "lift")
		h.card("P1", "0/2")
		h.click("carol", card, "validate")
		h.click("bob", card, "validate")
		h.card("P1", "approved")
		h.cmd("alice", "done P1 https://wiki.example.org/migration")
		h.card("P1", "https://wiki.example.org/migration")
		if got := h.postsWith(h.env.ChannelID, "validated P1"); got < 3 {
			t.Fatalf("announcements in the thread: %d validations announced, want 3", got)
		}
	})

	t.Run("R3_budget_waits_for_the_council", func(t *testing.T) {
		h.t = t
		h.cmd("alice", "propose --topic budget We adopt the 2027 budget")
		card := h.card("P2", "2027 budget")
		h.click("carol", card, "validate")
		h.click("dave", card, "validate")
		h.card("P2", "2/2")
		status := h.cmd("carol", "status P2")
		if !strings.Contains(status, "council") || !strings.Contains(status, "bob") {
			t.Fatalf("status must say a council validation is missing and who can give it: %q", status)
		}
		h.click("bob", card, "validate")
		h.card("P2", "approved")
	})

	t.Run("R13_R14_R17_cooptation_to_acceptance_with_the_welcome_DM", func(t *testing.T) {
		h.t = t
		h.cmd("alice", "coopt @frank operational runs our backups")
		card := h.card("C1", "frank")
		for _, u := range []string{"bob", "carol", "dave"} {
			h.click(u, card, "voteyes")
		}
		h.card("C1", "accepted")
		dm, err := h.env.DirectChannel(h.ctx, mmtest.BotUsername, "frank")
		if err != nil {
			t.Fatal(err)
		}
		h.waitPosts(dm.Id, "https://example.org/social-code", 1)
		if reply := h.cmd("frank", "todo"); strings.Contains(reply, "not on the roster") {
			t.Fatalf("frank should be a member now: %q", reply)
		}
	})

	t.Run("R27_announcement_queued_while_Mattermost_is_down_is_delivered_once", func(t *testing.T) {
		h.t = t
		if err := mmtest.StopServer(h.ctx); err != nil {
			t.Fatalf("stop: %v", err)
		}
		// A command accepted just before the outage: its card and
		// announcement are committed and must wait in the outbox.
		resp := h.bot.Handle(h.ctx, bot.Request{Platform: bot.PlatformMattermost, Channel: h.env.ChannelID,
			UserID: h.env.UserID("alice"), UserName: "alice", Text: "propose Renew the TLS certificates during the outage"})
		if !resp.Changed {
			t.Fatalf("command refused: %q", resp.Private)
		}
		time.Sleep(2 * time.Second) // let delivery fail and back off at least once
		if msgs, _ := h.db.Pending(bot.PlatformMattermost, 10); len(msgs) == 0 {
			t.Fatal("nothing waits in the outbox while Mattermost is down")
		}
		if err := mmtest.StartServer(h.ctx); err != nil {
			t.Fatalf("start: %v", err)
		}
		h.card("P3", "TLS certificates")
		time.Sleep(3 * time.Second) // any duplicate would have landed by now
		if n := h.postsWith(h.env.ChannelID, "Renew the TLS certificates"); n != 1 {
			t.Fatalf("the card was posted %d times, want once", n)
		}
		if msgs, _ := h.db.Pending(bot.PlatformMattermost, 10); len(msgs) != 0 {
			t.Fatalf("outbox not drained: %+v", msgs)
		}
	})

	t.Run("R23_every_change_is_in_the_log", func(t *testing.T) {
		h.t = t
		n, problems, err := h.db.Verify()
		if err != nil || len(problems) > 0 {
			t.Fatalf("verify: %v %v", err, problems)
		}
		var kinds []string
		h.db.View(func(tx *storage.Tx) error {
			return tx.Entries(func(e storage.Entry) error { kinds = append(kinds, e.Kind); return nil })
		})
		joined := strings.Join(kinds, " ")
		for _, k := range []string{"proposal.done", "objection.lifted", "cooptation.accepted", "member.added"} {
			if !strings.Contains(joined, k) {
				t.Errorf("log of %d entries lacks %s", n, k)
			}
		}
	})
}
