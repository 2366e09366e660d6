package rocketchat

import (
	"context"
	"testing"

	"github.com/consentbot/consentbot/bot"
	"github.com/consentbot/consentbot/bot/bottest"
	"github.com/consentbot/consentbot/bot/rocketchat/rcfake"
	"github.com/google/go-cmp/cmp"
)

// announce answers every command privately with "ok: TEXT" and, for
// "propose …", queues a public announcement in the command's channel, as the
// bot does after committing a change.
func announce(out *bottest.Outbox) func(bot.Request) bot.Response {
	return func(r bot.Request) bot.Response {
		if len(r.Text) > 8 && r.Text[:8] == "propose " {
			out.Add(bot.Message{Kind: bot.KindPost, Channel: r.Channel, Text: r.UserName + " proposes: " + r.Text[8:]})
			return bot.Response{Private: "ok: " + r.Text, Changed: true}
		}
		return bot.Response{Private: "ok: " + r.Text}
	}
}

func newAnnouncingEnv(t *testing.T, opts ...func(*Config, *Adapter)) *env {
	return newEnv(t, announce, opts...)
}

func TestR25_CommandInChannel_PublicAnnouncementAndPrivateReplyByDM(t *testing.T) {
	e := newAnnouncingEnv(t)
	e.waitReady(t)

	msgID := e.srv.Say(aliceID, general, "!consent propose migrate Nextcloud on Saturday")
	e.waitHandled(t, "propose migrate Nextcloud on Saturday")

	// The message id travels with the request: the bot will not apply the
	// same message twice, even if it comes back after a crash.
	want := bot.Request{Platform: bot.PlatformRocketChat, Channel: general, UserID: aliceID,
		UserName: "alice", Text: "propose migrate Nextcloud on Saturday", ID: msgID}
	if diff := cmp.Diff([]bot.Request{want}, e.handler.Requests()); diff != "" {
		t.Errorf("requests (-want +got):\n%s", diff)
	}
	waitFor(t, "public announcement", func() bool {
		return contains(e.botTexts(general), "alice proposes: migrate Nextcloud on Saturday")
	})
	dm := e.dmRoom(t, aliceID)
	waitFor(t, "private reply", func() bool {
		return contains(e.botTexts(dm), "ok: propose migrate Nextcloud on Saturday")
	})
	if got := e.botTexts(general); len(got) != 1 {
		t.Errorf("channel got %q; the private reply must not be posted there", got)
	}
	waitFor(t, "outbox drained", func() bool { return e.outbox.Len() == 0 })
}

func TestR25_DirectRoomCommandAnsweredInTheDirectRoom(t *testing.T) {
	e := newAnnouncingEnv(t)
	e.waitReady(t)
	dm := e.dmRoomFor(t, aliceID, "alice")

	e.srv.Say(aliceID, dm, "status P1")
	e.waitHandled(t, "status P1")
	waitFor(t, "reply in the direct room", func() bool { return contains(e.botTexts(dm), "ok: status P1") })
}

// dmRoomFor makes the fake create the direct room between the bot and a user.
func (e *env) dmRoomFor(t *testing.T, userID, username string) string {
	t.Helper()
	rid, err := e.a.directRoom(context.Background(), username)
	if err != nil {
		t.Fatal(err)
	}
	return rid
}

func TestInbound_EchoesEditsSystemMessagesAndUpdatesAreIgnored(t *testing.T) {
	e := newAnnouncingEnv(t)
	e.waitReady(t)

	first := e.srv.Say(aliceID, general, "!consent validate P1")
	e.waitHandled(t, "validate P1")
	dm := e.dmRoom(t, aliceID)
	waitFor(t, "first reply", func() bool { return contains(e.botTexts(dm), "ok: validate P1") })

	e.srv.Edit(first, "!consent object P1 because the budget is not ready")
	e.srv.Touch(first) // a reaction: the same message streamed again
	e.srv.Inject(rcfake.Message{UserID: aliceID, RoomID: general, Type: "uj", Text: "!consent help"})
	e.srv.Say(botID, general, "!consent list") // the bot's own message
	e.srv.Say(aliceID, general, "just chatting about @consent and !consentement")
	// Commands are handled in order, so once this one is seen, every message
	// above has been considered.
	e.srv.Say(bobID, general, "!consent sentinel")
	e.waitHandled(t, "sentinel")

	var texts []string
	for _, r := range e.handler.Requests() {
		texts = append(texts, r.Text)
	}
	if diff := cmp.Diff([]string{"validate P1", "sentinel"}, texts); diff != "" {
		t.Errorf("handled (-want +got):\n%s", diff)
	}
	if got := e.botTexts(dm); len(got) != 1 {
		t.Errorf("alice got %d private replies %q, want 1", len(got), got)
	}
}

func TestInbound_ThreadReplyIsACommand(t *testing.T) {
	e := newAnnouncingEnv(t)
	e.waitReady(t)
	root := e.srv.Say(bobID, general, "let us talk about P1")
	e.srv.Inject(rcfake.Message{UserID: aliceID, RoomID: general, ThreadID: root, Text: "@consentbot validate P1"})
	e.waitHandled(t, "validate P1")
	if got := e.handler.Requests()[0].Channel; got != general {
		t.Errorf("Channel = %q, want the room %q", got, general)
	}
}

func TestInbound_QuotesNewlinesAndEmojiRoundTrip(t *testing.T) {
	const text = "propose adopt the \"2027\" budget\nline two: it's 100% <b>fine</b> & done \\o/ 🎉🌱"
	e := newAnnouncingEnv(t)
	e.waitReady(t)

	e.srv.Say(aliceID, general, "!consent "+text)
	e.waitHandled(t, text)
	dm := e.dmRoom(t, aliceID)
	waitFor(t, "private echo", func() bool { return contains(e.botTexts(dm), "ok: "+text) })
	waitFor(t, "public echo", func() bool { return contains(e.botTexts(general), "alice proposes: "+text[8:]) })
}

func TestInbound_ServerPingIsAnswered(t *testing.T) {
	e := newEnv(t, nil)
	e.waitReady(t)
	e.srv.PingClients()
	waitFor(t, "pong", func() bool {
		cs := e.srv.Connections()
		return len(cs) > 0 && cs[len(cs)-1].Pongs > 0
	})
}

func TestInbound_PasswordLogin(t *testing.T) {
	e := newAnnouncingEnv(t, func(c *Config, _ *Adapter) {
		c.UserID, c.Token, c.BotName = "", "", ""
		c.User, c.Password = botName, "bot-secret"
	})
	e.waitReady(t)
	e.srv.Say(aliceID, general, "@consentbot help")
	e.waitHandled(t, "help")
}
