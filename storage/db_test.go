package storage_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/consentbot/consentbot/cooptation"
	"github.com/consentbot/consentbot/domain"
	"github.com/consentbot/consentbot/proposals"
	"github.com/consentbot/consentbot/storage"
)

func notified(db *storage.DB) bool {
	select {
	case <-db.Notify():
		return true
	default:
		return false
	}
}

func mustPending(t *testing.T, db *storage.DB, platform string, max int) []storage.Message {
	t.Helper()
	msgs, err := db.Pending(platform, max)
	if err != nil {
		t.Fatalf("pending: %v", err)
	}
	return msgs
}

// TestUpdate is R27: nothing is announced that was not committed.
func TestUpdate(t *testing.T) {
	t.Run("R27_failing_update_leaves_no_log_no_outbox_no_notify", func(t *testing.T) {
		for _, failure := range []error{errors.New("disk trouble"), domain.E("err.not_member")} {
			db, _ := mustOpen(t)
			err := db.Update(func(tx *storage.Tx) error {
				p, _, err := proposals.New(1, domain.Member{Name: "alice", Type: domain.Societaire}, "", "text", t0.Add(time.Hour), t0)
				if err != nil {
					return err
				}
				if err := tx.PutProposal(p); err != nil {
					return err
				}
				if err := tx.Append(domain.Event{Actor: "alice", Kind: domain.ProposalOpened, Subject: "P1", Text: "text"}); err != nil {
					return err
				}
				if err := tx.Queue(storage.Message{Platform: "mattermost", Kind: "post", Channel: "gouvernance", Text: "P1 opened"}); err != nil {
					return err
				}
				return failure
			})
			if !errors.Is(err, failure) {
				t.Fatalf("Update = %v, want %v", err, failure)
			}
			if got := mustEntries(t, db); len(got) != 0 {
				t.Errorf("log after a failed update = %v", got)
			}
			if got := mustPending(t, db, "mattermost", 10); len(got) != 0 {
				t.Errorf("outbox after a failed update = %v", got)
			}
			if notified(db) {
				t.Error("Notify signalled for a failed update")
			}
			db.View(func(tx *storage.Tx) error {
				_, err := tx.Proposal(1)
				if e, ok := domain.AsError(err); !ok || e.Code != "err.unknown_item" {
					t.Errorf("proposal after a failed update: %v", err)
				}
				return nil
			})
		}
	})
	t.Run("R27_successful_update_notifies_after_commit", func(t *testing.T) {
		db, _ := mustOpen(t)
		err := db.Update(func(tx *storage.Tx) error {
			if err := tx.Queue(storage.Message{Platform: "mattermost", Kind: "post", Text: "P1 opened"}); err != nil {
				return err
			}
			if notified(db) {
				t.Error("Notify signalled inside the transaction, before the commit")
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if !notified(db) {
			t.Fatal("Notify not signalled after the commit")
		}
		// What the adapter reads on the signal is committed.
		if got := mustPending(t, db, "mattermost", 10); len(got) != 1 || got[0].Text != "P1 opened" {
			t.Errorf("pending = %v", got)
		}
	})
	t.Run("R27_update_without_messages_does_not_notify", func(t *testing.T) {
		db, _ := mustOpen(t)
		mustAppend(t, db, event(1))
		if notified(db) {
			t.Error("Notify signalled with nothing queued")
		}
	})
	t.Run("R27_notify_from_another_goroutine", func(t *testing.T) {
		db, _ := mustOpen(t)
		got := make(chan []storage.Message)
		go func() {
			<-db.Notify()
			msgs, _ := db.Pending("rocketchat", 10)
			got <- msgs
		}()
		if err := db.Update(func(tx *storage.Tx) error {
			return tx.Queue(storage.Message{Platform: "rocketchat", Text: "hello"})
		}); err != nil {
			t.Fatal(err)
		}
		select {
		case msgs := <-got:
			if len(msgs) != 1 {
				t.Errorf("adapter saw %v", msgs)
			}
		case <-time.After(5 * time.Second):
			t.Fatal("no signal")
		}
	})
}

// TestOutbox is R27's "kept and retried, never lost".
func TestOutbox(t *testing.T) {
	parent := t
	clk := newClock()
	path := filepath.Join(t.TempDir(), "outbox.db")
	db := mustOpenPath(t, path, clk)
	err := db.Update(func(tx *storage.Tx) error {
		return tx.Queue(
			storage.Message{Platform: "mattermost", Kind: "post", Channel: "gouvernance", Text: "one"},
			storage.Message{Platform: "rocketchat", Kind: "post", Channel: "gouvernance", Text: "other"},
			storage.Message{Platform: "mattermost", Kind: "dm", Member: "carol", Text: "two"},
			storage.Message{Platform: "mattermost", Kind: "card", Subject: "P1", Live: true, Actions: []string{"validate"}, Text: "three"},
		)
	})
	if err != nil {
		t.Fatal(err)
	}
	texts := func(msgs []storage.Message) []string {
		var out []string
		for _, m := range msgs {
			out = append(out, m.Text)
		}
		return out
	}
	t.Run("R27_pending_oldest_first_per_platform", func(t *testing.T) {
		got := mustPending(t, db, "mattermost", 10)
		if diff := cmp.Diff([]string{"one", "two", "three"}, texts(got)); diff != "" {
			t.Errorf("(-want +got):\n%s", diff)
		}
		if got[0].ID >= got[1].ID || got[1].ID >= got[2].ID {
			t.Errorf("ids not increasing: %d %d %d", got[0].ID, got[1].ID, got[2].ID)
		}
		want := storage.Message{ID: got[2].ID, Platform: "mattermost", Kind: "card", Subject: "P1", Live: true, Actions: []string{"validate"}, Text: "three", Queued: clk.Now()}
		if diff := cmp.Diff(want, got[2]); diff != "" {
			t.Errorf("message round trip (-want +got):\n%s", diff)
		}
		if got := mustPending(t, db, "mattermost", 2); !cmp.Equal(texts(got), []string{"one", "two"}) {
			t.Errorf("max 2 = %v", texts(got))
		}
		if got := mustPending(t, db, "rocketchat", 10); !cmp.Equal(texts(got), []string{"other"}) {
			t.Errorf("rocketchat = %v", texts(got))
		}
		if got := mustPending(t, db, "console", 10); len(got) != 0 {
			t.Errorf("console = %v", got)
		}
	})
	t.Run("R27_undelivered_messages_survive_a_restart", func(t *testing.T) {
		mustClose(t, db)
		db = mustOpenPath(parent, path, clk) // open until TestOutbox ends
		if got := mustPending(t, db, "mattermost", 10); !cmp.Equal(texts(got), []string{"one", "two", "three"}) {
			t.Errorf("after reopen = %v", texts(got))
		}
	})
	t.Run("R27_ack_removes_only_the_delivered_message", func(t *testing.T) {
		first := mustPending(t, db, "mattermost", 1)[0]
		if err := db.Ack("mattermost", first.ID); err != nil {
			t.Fatal(err)
		}
		if got := mustPending(t, db, "mattermost", 10); !cmp.Equal(texts(got), []string{"two", "three"}) {
			t.Errorf("after ack = %v", texts(got))
		}
		if got := mustPending(t, db, "rocketchat", 10); len(got) != 1 {
			t.Errorf("ack on mattermost touched rocketchat: %v", got)
		}
		// Acking twice, or on a platform that never queued, is harmless.
		for _, platform := range []string{"mattermost", "console"} {
			if err := db.Ack(platform, first.ID); err != nil {
				t.Errorf("Ack(%s) again: %v", platform, err)
			}
		}
		// New messages come after the old ones, never reuse an id.
		if err := db.Update(func(tx *storage.Tx) error {
			return tx.Queue(storage.Message{Platform: "mattermost", Text: "four"})
		}); err != nil {
			t.Fatal(err)
		}
		got := mustPending(t, db, "mattermost", 10)
		if !cmp.Equal(texts(got), []string{"two", "three", "four"}) || got[2].ID <= first.ID {
			t.Errorf("after a new message = %v", got)
		}
	})
}

func TestCards(t *testing.T) {
	clk := newClock()
	path := filepath.Join(t.TempDir(), "cards.db")
	db := mustOpenPath(t, path, clk)
	if _, ok, err := db.Card("mattermost", "town", "P1"); ok || err != nil {
		t.Fatalf("Card before SetCard = %v, %v", ok, err)
	}
	if err := db.SetCard("mattermost", "town", "P1", "post1"); err != nil {
		t.Fatal(err)
	}
	if err := db.SetCard("mattermost", "gouvernance", "P1", "post2"); err != nil {
		t.Fatal(err)
	}
	if err := db.SetCard("mattermost", "town", "P1", "post3"); err != nil { // the card was reposted
		t.Fatal(err)
	}
	mustClose(t, db)
	db = mustOpenPath(t, path, clk)
	tests := []struct {
		platform, channel, subject string
		want                       string
		ok                         bool
	}{
		{"mattermost", "town", "P1", "post3", true},
		{"mattermost", "gouvernance", "P1", "post2", true},
		{"mattermost", "town", "P2", "", false},
		{"rocketchat", "town", "P1", "", false},
	}
	for _, tt := range tests {
		got, ok, err := db.Card(tt.platform, tt.channel, tt.subject)
		if got != tt.want || ok != tt.ok || err != nil {
			t.Errorf("Card(%s, %s, %s) = %q, %v, %v; want %q, %v", tt.platform, tt.channel, tt.subject, got, ok, err, tt.want, tt.ok)
		}
	}
}

func TestSecret(t *testing.T) {
	clk := newClock()
	path := filepath.Join(t.TempDir(), "secrets.db")
	db := mustOpenPath(t, path, clk)
	a, err := db.Secret("mattermost")
	if err != nil || len(a) != 32 {
		t.Fatalf("Secret = %x, %v", a, err)
	}
	b, _ := db.Secret("rocketchat")
	if bytes.Equal(a, b) {
		t.Error("two secrets are equal")
	}
	if again, _ := db.Secret("mattermost"); !bytes.Equal(a, again) {
		t.Error("secret changed on second use")
	}
	mustClose(t, db)
	db = mustOpenPath(t, path, clk)
	if again, _ := db.Secret("mattermost"); !bytes.Equal(a, again) {
		t.Error("secret changed across reopen")
	}
}

func TestBackup(t *testing.T) {
	db, clk := mustOpen(t)
	for i := range 5 {
		mustAppend(t, db, event(i))
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "backup.db")
	t.Run("backup_opens_with_the_same_log", func(t *testing.T) {
		if err := db.Backup(path); err != nil {
			t.Fatal(err)
		}
		mustAppend(t, db, event(6)) // after the backup: not in it
		copyDB := mustOpenPath(t, path, clk)
		want := mustEntries(t, db)[:5]
		if diff := cmp.Diff(want, mustEntries(t, copyDB)); diff != "" {
			t.Errorf("backup log (-want +got):\n%s", diff)
		}
		if n, problems, err := copyDB.Verify(); n != 5 || len(problems) != 0 || err != nil {
			t.Errorf("Verify backup = %d, %v, %v", n, problems, err)
		}
	})
	t.Run("backup_refuses_to_overwrite", func(t *testing.T) {
		existing := filepath.Join(dir, "precious")
		if err := os.WriteFile(existing, []byte("keep me"), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := db.Backup(existing); err == nil {
			t.Fatal("Backup overwrote an existing file")
		}
		if data, _ := os.ReadFile(existing); string(data) != "keep me" {
			t.Errorf("existing file now %q", data)
		}
	})
}

// TestItems checks that what the rules change is what is read back.
func TestItems(t *testing.T) {
	clk := newClock()
	path := filepath.Join(t.TempDir(), "items.db")
	db := mustOpenPath(t, path, clk)
	alice := domain.Member{Name: "alice", Type: domain.Societaire, Council: true, Since: t0}
	dave := domain.Member{Name: "dave", Type: domain.Operationnel, Since: t0, Welcomer: "alice"}
	var p *proposals.Proposal
	var c *cooptation.Cooptation
	err := db.Update(func(tx *storage.Tx) error {
		for _, m := range []domain.Member{dave, alice} {
			if err := tx.PutMember(m); err != nil {
				return err
			}
		}
		id, err := tx.NewProposalID()
		if err != nil {
			return err
		}
		p, _, err = proposals.New(id, alice, "budget", "adopt the 2027 budget", t0.Add(7*24*time.Hour), t0)
		if err != nil {
			return err
		}
		if _, err := p.Validate(dave, proposals.DefaultRules, t0.Add(time.Minute)); err != nil {
			return err
		}
		if err := tx.PutProposal(p); err != nil {
			return err
		}
		cid, err := tx.NewCooptationID()
		if err != nil {
			return err
		}
		c, _, err = cooptation.New(cid, alice, domain.Member{Name: "frank"}, domain.Bienfaiteur, "", []domain.Member{alice, dave}, t0.Add(14*24*time.Hour), t0)
		if err != nil {
			return err
		}
		return tx.PutCooptation(c)
	})
	if err != nil {
		t.Fatal(err)
	}
	mustClose(t, db)
	db = mustOpenPath(t, path, clk)
	db.View(func(tx *storage.Tx) error {
		gotP, err := tx.Proposal(1)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(p, gotP); diff != "" {
			t.Errorf("proposal (-saved +loaded):\n%s", diff)
		}
		gotC, err := tx.Cooptation(1)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(c, gotC); diff != "" {
			t.Errorf("cooptation (-saved +loaded):\n%s", diff)
		}
		for _, id := range []int{2} {
			_, err := tx.Proposal(id)
			if e, ok := domain.AsError(err); !ok || e.Code != "err.unknown_item" {
				t.Errorf("Proposal(%d) = %v, want err.unknown_item", id, err)
			}
			_, err = tx.Cooptation(id)
			if e, ok := domain.AsError(err); !ok || e.Code != "err.unknown_item" {
				t.Errorf("Cooptation(%d) = %v, want err.unknown_item", id, err)
			}
		}
		members, err := tx.Members()
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]domain.Member{alice, dave}, members); diff != "" {
			t.Errorf("roster in name order (-want +got):\n%s", diff)
		}
		if m, ok, err := tx.Member("@Alice"); !ok || err != nil || m != alice {
			t.Errorf("Member(@Alice) = %+v, %v, %v", m, ok, err)
		}
		if _, ok, _ := tx.Member("zoe"); ok {
			t.Error("zoe is a member")
		}
		return nil
	})
}

// TestRules holds the storage side of SPEC rules that are not about the log
// chain itself.
func TestRules(t *testing.T) {
	t.Run("R18_operator_roster_change_is_logged_as_operator", func(t *testing.T) {
		db, _ := mustOpen(t)
		frank := domain.Member{Name: "frank", Type: domain.Societaire, Council: true, Since: t0}
		err := db.Update(func(tx *storage.Tx) error {
			if err := tx.PutMember(frank); err != nil {
				return err
			}
			return tx.Append(domain.Event{Actor: domain.ActorOperator, Kind: domain.MemberAdded, Subject: "frank", Text: "societaire, council"})
		})
		if err != nil {
			t.Fatal(err)
		}
		frank.Type = domain.Operationnel
		frank.Council = false
		err = db.Update(func(tx *storage.Tx) error {
			if err := tx.PutMember(frank); err != nil {
				return err
			}
			return tx.Append(domain.Event{Actor: domain.ActorOperator, Kind: domain.MemberChanged, Subject: "frank", Text: "societaire → operationnel"})
		})
		if err != nil {
			t.Fatal(err)
		}
		got := mustEntries(t, db)
		if len(got) != 2 {
			t.Fatalf("entries = %v", got)
		}
		for i, kind := range []string{"member.added", "member.changed"} {
			if got[i].Actor != "operator" || got[i].Kind != kind || got[i].Subject != "frank" {
				t.Errorf("entry %d = %+v", i+1, got[i])
			}
		}
		var f storage.LogFilter
		f.Kind = "member"
		if !f.Match(got[0]) || !f.Match(got[1]) {
			t.Error("operator entries not found by kind:member")
		}
	})
	t.Run("R23_one_command_is_one_transaction", func(t *testing.T) {
		// Item, log and outbox of a command commit together.
		db, _ := mustOpen(t)
		alice := domain.Member{Name: "alice", Type: domain.Societaire}
		err := db.Update(func(tx *storage.Tx) error {
			id, err := tx.NewProposalID()
			if err != nil {
				return err
			}
			p, events, err := proposals.New(id, alice, "", "repaint the office", t0.Add(time.Hour), tx.Now())
			if err != nil {
				return err
			}
			if err := tx.PutProposal(p); err != nil {
				return err
			}
			if err := tx.Append(events...); err != nil {
				return err
			}
			return tx.Queue(storage.Message{Platform: "console", Subject: p.Subject(), Text: "P1 opened"})
		})
		if err != nil {
			t.Fatal(err)
		}
		got := mustEntries(t, db)
		if len(got) != 1 || got[0].Kind != domain.ProposalOpened || got[0].Actor != "alice" || got[0].Subject != "P1" || got[0].Text != "repaint the office" || !got[0].At.Equal(t0) {
			t.Errorf("log = %+v", got)
		}
		if msgs := mustPending(t, db, "console", 10); len(msgs) != 1 {
			t.Errorf("outbox = %v", msgs)
		}
	})
}
