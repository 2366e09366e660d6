package rocketchat

import "testing"

func TestCommand(t *testing.T) {
	yes, no := true, false
	channel := roomContext{RoomParticipant: &yes, RoomType: "c"}
	direct := roomContext{RoomParticipant: &yes, RoomType: "d", OneToOne: true}
	groupDM := roomContext{RoomParticipant: &yes, RoomType: "d"} // t "d" with 3+ people
	msg := func(text string) rcMessage {
		return rcMessage{ID: "m1", RoomID: "R", Msg: text, User: rcUser{ID: "u1", Username: "alice"}}
	}
	mentioning := msg("could you @consentbot status P1 please")
	mentioning.Mentions = []rcUser{{ID: botID, Username: botName}}
	edited := msg("!consent validate P1")
	edited.EditedAt = &rcTime{}
	system := msg("!consent validate P1")
	system.Type = "uj"
	echo := msg("!consent validate P1")
	echo.User = rcUser{ID: botID, Username: botName}
	thread := msg("!consent validate P1")
	thread.ThreadID = "card1"

	tests := []struct {
		name string
		m    rcMessage
		room roomContext
		want string
		ok   bool
	}{
		{"Prefix", msg("!consent validate P1"), channel, "validate P1", true},
		{"PrefixAnyCase", msg("!Consent  help"), channel, "help", true},
		{"PrefixAlone", msg("!consent"), channel, "", true},
		{"PrefixGlued", msg("!consentfoo"), channel, "", false},
		{"MentionFirst", msg("@consentbot validate P1"), channel, "validate P1", true},
		{"MentionColon", msg("@consentbot: help"), channel, "help", true},
		{"MentionThenPrefix", msg("@consentbot !consent help"), channel, "help", true},
		{"MentionInside", mentioning, channel, "could you status P1 please", true},
		{"PlainChat", msg("hello all"), channel, "", false},
		{"DirectRoom", msg("status P1"), direct, "status P1", true},
		{"DirectRoomWithPrefix", msg("!consent status P1"), direct, "status P1", true},
		{"GroupDMPlainChat", msg("what time is lunch?"), groupDM, "", false},
		{"GroupDMPrefix", msg("!consent todo"), groupDM, "todo", true},
		{"GroupDMMention", msg("@consentbot help"), groupDM, "help", true},
		{"ThreadReply", thread, channel, "validate P1", true},
		{"IgnoresEcho", echo, channel, "", false},
		{"IgnoresSystem", system, channel, "", false},
		{"IgnoresEdit", edited, channel, "", false},
		{"IgnoresRoomNotJoined", msg("!consent help"), roomContext{RoomParticipant: &no, RoomType: "c"}, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := command(tt.m, tt.room, botID, botName)
			if ok != tt.ok || got != tt.want {
				t.Errorf("command(%q) = %q, %v; want %q, %v", tt.m.Msg, got, ok, tt.want, tt.ok)
			}
		})
	}
}

func TestSeenSetIsBounded(t *testing.T) {
	s := newSeenSet(2)
	for _, id := range []string{"a", "b"} {
		if !s.add(id) {
			t.Fatalf("add(%s) = false on first sight", id)
		}
	}
	if s.add("a") {
		t.Fatal("add(a) = true twice")
	}
	s.add("c") // forgets a
	if len(s.ids) != 2 {
		t.Fatalf("set holds %d ids, want 2", len(s.ids))
	}
	if !s.add("a") {
		t.Fatal("a still remembered after eviction")
	}
}

func TestCardTextEndsWithCommandsWhileLive(t *testing.T) {
	m := cardMessage("P3", true, "validate", "object", "concern", "lift")
	want := "card P3\n\n`!consent validate P3` · `!consent object P3 …` · `!consent concern P3 …` · `!consent lift P3`"
	if got := cardText(m); got != want {
		t.Errorf("live card:\n got %q\nwant %q", got, want)
	}
	c := cardMessage("C1", true, "vote_yes", "vote_no")
	if got, want := cardText(c), "card C1\n\n`!consent vote C1 yes` · `!consent vote C1 no …`"; got != want {
		t.Errorf("cooptation card:\n got %q\nwant %q", got, want)
	}
	if got := cardText(cardMessage("P3", false, "validate")); got != "card P3" {
		t.Errorf("closed card = %q, want no commands", got)
	}
}
